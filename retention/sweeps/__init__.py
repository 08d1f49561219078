"""One sweep per rule: select what is due, count what each exception keeps, then act on claimed batches.

base.py holds the claim-and-act loop every sweep shares; customers.py, records.py, requests.py and count_only.py
the rules themselves. A dry run makes the same selection and counts, and writes nothing. Within one run the rules
go in RUN_ORDER, and a later rule's dry run leaves out what an earlier rule of the same run takes (its rows are
gone by then in a real run), so a dry run reports what a real run would act on.
"""

from retention.rules import cookie_choice_expired
from retention.sweeps.base import ClaimTable, Context, Sweep, customers
from retention.sweeps.count_only import (
    CookieConsent,
    CookieRefusal,
    NothingStored,
    SuppressionKeep,
)
from retention.sweeps.customers import (
    ArchivedErase,
    CustomerLifetime,
    EmptyErase,
    InactiveArchive,
    MinorErase,
    TerminatedErase,
)
from retention.sweeps.records import (
    AccountingCommissions,
    AccountingCreditNotes,
    AccountingInvoices,
    AccountingTransactions,
    ConnectionLogs,
    EngagementEvents,
    ExportFiles,
    FraudMarkers,
    HostAccount,
    HostIdentity,
    InvoiceCancelled,
    OrderData,
    OrderStale,
    Prospects,
    PublicRequests,
    SupportTickets,
)
from retention.sweeps.requests import RequestFiles, request_trails

RUN_ORDER = (
    # Tombstones freed by yesterday's deletions first, so nothing later in the run changes what it sees.
    "customer_lifetime",
    # Customer-level erasures, in this precedence when one customer is due under several.
    "customer_terminated_erase",
    "minor_erase",
    "customer_archived_erase",
    "customer_empty_erase",
    "customer_inactive_archive",
    "invoice_cancelled_delete",
    "order_stale_delete",
    "accounting_records_delete",
    "order_data_delete",
    "support_ticket_delete",
    "connection_log_delete",
    "engagement_delete",
    "prospect_delete",
    "fraud_marker_delete",
    "request_file_anonymise",
    "public_request_unconfirmed_delete",
    "lcen_host_identity",
    "cookie_consent_expire",
    "cookie_refusal_reask",
    "audience_raw_delete",
    "export_expire",
    "suppression_keep",
)


class _Sweeps(dict):
    """rule name -> the sweeps that apply it, in order (built on first use, once the apps are loaded)."""

    def __missing__(self, key):
        self.update(_build())
        return dict.__getitem__(self, key)


def _build():
    return {
        "customer_lifetime": [CustomerLifetime()],
        "customer_terminated_erase": [TerminatedErase()],
        "minor_erase": [MinorErase()],
        "customer_archived_erase": [ArchivedErase()],
        "customer_empty_erase": [EmptyErase()],
        "customer_inactive_archive": [InactiveArchive()],
        "invoice_cancelled_delete": [InvoiceCancelled()],
        "order_stale_delete": [OrderStale()],
        # Records that point to others go first: transactions and credit notes before the invoices they name.
        "accounting_records_delete": [
            AccountingTransactions(),
            AccountingCommissions(),
            AccountingCreditNotes(),
            AccountingInvoices(),
        ],
        "order_data_delete": [OrderData()],
        "support_ticket_delete": [SupportTickets()],
        "connection_log_delete": [ConnectionLogs()],
        "engagement_delete": [EngagementEvents()],
        "prospect_delete": [Prospects()],
        "fraud_marker_delete": [FraudMarkers()],
        "request_file_anonymise": [RequestFiles(), *request_trails()],
        "public_request_unconfirmed_delete": [PublicRequests()],
        "lcen_host_identity": [HostAccount(), HostIdentity()],
        "cookie_consent_expire": [CookieConsent()],
        "cookie_refusal_reask": [CookieRefusal()],
        "audience_raw_delete": [NothingStored()],
        "export_expire": [ExportFiles()],
        "suppression_keep": [SuppressionKeep()],
    }


SWEEPS = _Sweeps()

__all__ = ["RUN_ORDER", "SWEEPS", "ClaimTable", "Context", "Sweep", "cookie_choice_expired", "customers"]
