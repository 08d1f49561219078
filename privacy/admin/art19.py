"""The DPO's desk pages beside the queue: every Art. 19 notice still to send across all requests, with the
recipient's contact and a "notified now" action (R22); the recipients' contacts; the prepared answers."""

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacy.admin.base import QueueOnly, can_work_queue
from privacy.models import PreparedAnswer, RecipientContact, RecipientNotification
from privacy.registry import registry
from privacy.services.answers import recipients_mark_notified

PENDING = Q(notified_at__isnull=True, impossible_reason="")


class NoticeStateFilter(admin.SimpleListFilter):
    """Pending notices by default: the list is the DPO's to-do list."""

    title = _("notice")
    parameter_name = "notice"

    def lookups(self, request, model_admin):
        return (("done", _("Done or impossible")), ("all", _("All")))

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("To send"),
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() == "done":
            return queryset.exclude(PENDING)
        return queryset.filter(PENDING)


@admin.register(RecipientNotification)
class PendingNoticeAdmin(QueueOnly, admin.ModelAdmin):
    list_display = ("request_link", "completed_on", "recipient", "contact_details", "categories", "notified_at")
    list_filter = (NoticeStateFilter,)
    search_fields = ("recipient", "request__reference")
    list_select_related = ("request",)
    actions = ["notified_now"]
    ordering = ("request__closed_at", "pk")

    def get_queryset(self, request):
        contact = RecipientContact.objects.filter(recipient=OuterRef("recipient")).values("contact")[:1]
        return super().get_queryset(request).annotate(contact=Subquery(contact))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Dates and reasons are entered on the request's page; here only the action marks rows.
        return False

    def has_work_queue_permission(self, request):
        return can_work_queue(request)

    @admin.display(description=_("request"), ordering="request__reference")
    def request_link(self, obj):
        url = reverse("admin:privacy_datasubjectrequest_change", args=[obj.request_id])
        return format_html('<a href="{}">{}</a>', url, obj.request.reference)

    @admin.display(description=_("completed on"), ordering="request__closed_at")
    def completed_on(self, obj):
        return obj.request.closed_at

    @admin.display(description=_("contact details"))
    def contact_details(self, obj):
        if obj.contact:
            return format_html('<span class="notice-contact">{}</span>', obj.contact)
        url = reverse("admin:privacy_recipientcontact_add") + "?" + urlencode({"recipient": obj.recipient})
        return format_html('<a href="{}">{}</a>', url, _("Add the contact details"))

    @admin.action(description=_("Mark the selected recipients as notified now"), permissions=["work_queue"])
    def notified_now(self, request, queryset):
        n = recipients_mark_notified(notifications=list(queryset), actor=request.user)
        self.message_user(
            request,
            ngettext("%(n)d recipient marked as notified.", "%(n)d recipients marked as notified.", n) % {"n": n},
            messages.SUCCESS,
        )


def known_recipients():
    names = {str(r) for category in registry.categories() for r in category.recipients}
    return sorted(names)


class RecipientContactForm(forms.ModelForm):
    class Meta:
        model = RecipientContact
        fields = ("recipient", "contact")
        widgets = {"contact": forms.Textarea(attrs={"rows": 4, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(name, name) for name in known_recipients()]
        current = self.instance.recipient or self.initial.get("recipient")
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["recipient"].widget = forms.Select(choices=choices)


@admin.register(RecipientContact)
class RecipientContactAdmin(QueueOnly, admin.ModelAdmin):
    form = RecipientContactForm
    list_display = ("recipient", "contact")

    def has_delete_permission(self, request, obj=None):
        return can_work_queue(request)


@admin.register(PreparedAnswer)
class PreparedAnswerAdmin(QueueOnly, admin.ModelAdmin):
    list_display = ("kind", "outcome", "language")
    list_filter = ("kind", "outcome", "language")
    fields = ("kind", "outcome", "language", "text")

    def has_delete_permission(self, request, obj=None):
        return can_work_queue(request)
