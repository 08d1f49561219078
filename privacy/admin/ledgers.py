"""The privacy ledgers in the admin: read-only evidence (consents for staff, the rest for the queue's workers)."""

from django.contrib import admin

from config.admin_mixins import ReadOnlyAdmin
from privacy.admin.base import QueueOnly
from privacy.admin.suppression import RestrictionAdmin, SuppressionEntryAdmin
from privacy.models import (
    ConsentRecord,
    PendingPublicRequest,
    PostMortemDirective,
    RequestEvent,
    Restriction,
    SupplementaryStatement,
    SuppressionEntry,
)


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


class QueueLedgerAdmin(QueueOnly, ReadOnlyAdmin):
    pass


@admin.register(RequestEvent)
class RequestEventAdmin(QueueLedgerAdmin):
    list_display = ("created_at", "request", "actor_role", "actor", "from_status", "to_status", "visible_to_subject")
    list_filter = ("actor_role", "to_status", "visible_to_subject")
    search_fields = ("request__reference", "request__requester_email")
    list_select_related = ("request", "actor")
    date_hierarchy = "created_at"


@admin.register(PendingPublicRequest)
class PendingPublicRequestAdmin(QueueLedgerAdmin):
    list_display = ("submitted_at", "email", "kind")
    list_filter = ("kind",)
    search_fields = ("email",)


@admin.register(PostMortemDirective)
class PostMortemDirectiveAdmin(QueueLedgerAdmin):
    list_display = ("customer", "instruction", "created_at", "revoked_at", "due_since", "carried_out_at")
    list_filter = ("instruction",)
    search_fields = ("customer__email",)
    list_select_related = ("customer",)


@admin.register(SupplementaryStatement)
class SupplementaryStatementAdmin(QueueLedgerAdmin):
    """The customers' own statements completing data they cannot edit (Art. 16, R21)."""

    list_display = ("created_at", "customer", "about_label", "request")
    search_fields = ("customer__email", "about_label")
    list_select_related = ("customer", "request")


admin.site.register(Restriction, RestrictionAdmin)
admin.site.register(SuppressionEntry, SuppressionEntryAdmin)
