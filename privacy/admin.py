from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from privacy.models import ConsentRecord


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """The ledger is append-only: rows are written by the product, never edited or deleted here (R36)."""

    list_display = (
        "created_at",
        "customer",
        "visitor_id",
        "purpose",
        "granted",
        "source",
        "policy_version",
    )
    list_filter = ("purpose", "granted", "source", "policy_version", "language")
    search_fields = ("customer__email", "visitor_id")
    list_select_related = ("customer",)
    date_hierarchy = "created_at"
