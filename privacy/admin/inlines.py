"""What the request's page shows under it: its history (read-only) and the recipients to tell (Art. 19)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.admin_mixins import FixedRowsInline, ReadOnlyInline
from privacy.admin.base import can_work_queue
from privacy.models import RecipientNotification, RequestEvent


class RequestEventInline(ReadOnlyInline):
    """The request's history (R16): shown, never added to, changed or deleted here, not even by a superuser."""

    model = RequestEvent
    fields = ("created_at", "actor", "actor_role", "from_status", "to_status", "note", "visible_to_subject")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class RecipientNotificationForm(forms.ModelForm):
    # One date-and-time input per row. The admin's split date and time widgets added a time-zone note under every
    # row; the zone is said once, in the column's help text.
    notified_at = forms.DateTimeField(
        label=RecipientNotification._meta.get_field("notified_at").verbose_name,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = RecipientNotification
        fields = ("notified_at", "impossible_reason")
        widgets = {"impossible_reason": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_at"].help_text = _("Date and time, %(zone)s time.") % {
            "zone": timezone.get_current_timezone_name()
        }

    def clean_notified_at(self):
        value = self.cleaned_data["notified_at"]
        if value and value > timezone.now():
            raise ValidationError(_("The date the recipient was told cannot be in the future."))
        return value


class RecipientNotificationInline(FixedRowsInline):
    """Art. 19: staff tick each recipient off with the date it was told, or why that was impossible (R22).

    The rows are listed by request_complete; only the date or the reason is filled in here.
    """

    model = RecipientNotification
    form = RecipientNotificationForm
    fields = ("recipient", "categories", "notified_at", "impossible_reason", "done_by")
    readonly_fields = ("recipient", "categories", "done_by")

    def has_change_permission(self, request, obj=None):
        return can_work_queue(request) and super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("done_by").order_by("recipient")
