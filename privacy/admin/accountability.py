"""The DPO's accountability back-office: the staff audit trail, the breach register and authority disclosures.

Each is gated by its model permissions, which only the DPO group holds (R70).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.ownership import client_ip
from config.admin_mixins import ReadOnlyAdmin
from privacy.models import AuditChainHead, AuditEntry, AuthorityDisclosure, Breach, BreachFollowUp, BreachSubject
from privacy.services.breaches import breach_notify_subjects, breach_record


class StaffMemberFilter(admin.SimpleListFilter):
    title = gettext_lazy("staff member")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        rows = AuditEntry.objects.order_by("actor_label").values_list("actor_id", "actor_label").distinct()
        return [(str(pk), label) for pk, label in rows if pk is not None]

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Per customer (`?customer=<id>` or the search box) and per staff member, with filters; never editable."""

    list_display = ("seq", "at", "actor_label", "ip", "action", "target", "customer_label", "object_repr", "redacted")
    list_filter = (StaffMemberFilter, "action", "target", "redacted", "at")
    search_fields = ("customer_label", "actor_label", "object_repr", "=customer__id")
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    fields = (
        "seq",
        "at",
        "actor",
        "actor_label",
        "ip",
        "action",
        "target",
        "customer",
        "customer_label",
        "object_id",
        "object_repr",
        "path",
        "detail",
        "redacted",
        "prev_hash",
        "hash",
    )

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in ("customer", "customer__id__exact", "actor", "actor__id__exact") or super().lookup_allowed(
            lookup, value, request
        )


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    """The last sequence number and hash: what `verify_audit_log` compares the end of the chain with."""

    list_display = ("seq", "hash")


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = (
            "became_aware_at",
            "risk",
            "closed_at",
            "nature",
            "data_categories",
            "people_categories",
            "people_count",
            "records_count",
            "consequences",
            "measures",
            "dpo_contact",
            "authority_notified_at",
            "authority_reference",
            "late_reason",
            "notice_exemption",
            "exemption_justification",
        )


class BreachFollowUpInline(admin.TabularInline):
    model = BreachFollowUp
    extra = 1
    fields = ("at", "author", "note")
    readonly_fields = ("at", "author")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BreachSubjectInline(admin.TabularInline):
    model = BreachSubject
    extra = 0
    raw_id_fields = ("customer",)
    fields = ("customer", "notified_at")
    readonly_fields = ("notified_at",)


@admin.register(Breach)
class BreachAdmin(admin.ModelAdmin):
    form = BreachForm
    list_display = ("__str__", "became_aware_at", "risk", "hours_left_display", "authority_notified_at", "closed_at")
    list_filter = ("risk", "closed_at", "authority_notified_at")
    readonly_fields = ("deadline_display", "hours_left_display", "subjects_notified_at", "subjects_notified_count")
    inlines = (BreachFollowUpInline, BreachSubjectInline)
    actions = ["notify_subjects"]
    fieldsets = (
        (None, {"fields": ("became_aware_at", "deadline_display", "hours_left_display", "risk", "closed_at")}),
        (
            gettext_lazy("What happened"),
            {
                "fields": (
                    "nature",
                    "data_categories",
                    "people_categories",
                    "people_count",
                    "records_count",
                    "consequences",
                    "measures",
                    "dpo_contact",
                )
            },
        ),
        (
            gettext_lazy("Authority (Art. 33)"),
            {"fields": ("authority_notified_at", "authority_reference", "late_reason")},
        ),
        (
            gettext_lazy("People concerned (Art. 34)"),
            {
                "fields": (
                    "notice_exemption",
                    "exemption_justification",
                    "subjects_notified_at",
                    "subjects_notified_count",
                )
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # every breach stays in the register (Art. 33(5))

    @admin.display(description=gettext_lazy("authority deadline"))
    def deadline_display(self, obj):
        if not obj.pk:
            return "-"
        return formats.date_format(timezone.localtime(obj.authority_deadline), "DATETIME_FORMAT")

    @admin.display(description=gettext_lazy("hours left"))
    def hours_left_display(self, obj):
        if not obj.pk:
            return "-"
        if obj.authority_notified_at:
            return _("notified")
        left = obj.hours_left()
        if left <= 0:
            return format_html('<span class="breach-overdue">{}</span>', _("%(h)d h overdue") % {"h": -left})
        return _("%(h)d h") % {"h": left}

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            breach_record(breach=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is BreachFollowUp:
            # Follow-ups are appended, never edited: only new entries reach here, stamped with their author.
            for entry in formset.save(commit=False):
                entry.author = request.user
                entry.save()
            return
        super().save_formset(request, form, formset, change)

    @admin.action(description=gettext_lazy("Mail the notice to every affected person (high risk)"))
    def notify_subjects(self, request, queryset):
        sent = 0
        for breach in queryset:
            try:
                sent += breach_notify_subjects(breach=breach, actor=request.user, ip=client_ip(request))
            except ValidationError as e:
                self.message_user(request, f"{breach}: {' '.join(e.messages)}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)d person notified.", "%(n)d people notified.", sent) % {"n": sent},
            messages.SUCCESS,
        )


@admin.register(AuthorityDisclosure)
class AuthorityDisclosureAdmin(admin.ModelAdmin):
    list_display = ("disclosed_at", "authority", "legal_reference", "customer", "email", "secret_until")
    list_filter = ("authority", "disclosed_at")
    search_fields = ("authority", "legal_reference", "customer__email", "email")
    raw_id_fields = ("customer",)
    fields = ("disclosed_at", "authority", "legal_reference", "data_categories", "customer", "email", "secret_until")

    def get_queryset(self, request):
        # The admin sees secret disclosures too; only the subject's view hides them.
        return AuthorityDisclosure.all_objects.select_related("customer")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
