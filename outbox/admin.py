"""The outbox in the back-office: what is waiting, being sent, sent or given up. Read-only; bodies not shown."""

from django.contrib import admin

from outbox.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "template", "status", "attempts", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("recipient",)
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "recipient",
        "template",
        "language",
        "subject",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "lease_until",
        "sent_at",
        "last_error",
        "message_id",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
