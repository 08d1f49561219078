"""The names of the published retention rules (REQUIREMENTS.md section 3).

Every personal-data registry entry names one of these rules, so no data is held
for an open-ended period (R61). The engine that applies them reads this list.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Rule:
    name: str
    data: str
    trigger: str
    period: str
    action: str


RULES = {
    rule.name: rule
    for rule in (
        Rule(
            "customer_inactive_archive",
            _("Inactive customer profile"),
            _("last activity"),
            _("3 months"),
            "archive",
        ),
        Rule(
            "customer_archived_erase",
            _("Archived customer"),
            _("archived at"),
            _("6 months"),
            "erase",
        ),
        Rule(
            "customer_empty_erase",
            _("Customer who never ordered"),
            _("registration"),
            _("6 months"),
            "erase",
        ),
        Rule(
            "customer_terminated_erase",
            _("Terminated account"),
            _("later of termination and last login"),
            _("30 days"),
            "erase",
        ),
        Rule(
            "invoice_cancelled_delete",
            _("Unnumbered cancelled invoice"),
            _("cancelled at"),
            _("30 days"),
            "delete",
        ),
        Rule(
            "order_stale_delete",
            _("Cancelled, pending or fraudulent order"),
            _("last status change"),
            _("30 days"),
            "delete",
        ),
        Rule(
            "accounting_records_delete",
            _("Invoices, credit notes, transactions, accepted commissions"),
            _("end of the fiscal year"),
            _("10 years"),
            "delete",
        ),
        Rule(
            "order_data_delete",
            _("Order data"),
            _("end of the fiscal year"),
            _("10 years"),
            "delete",
        ),
        Rule(
            "support_ticket_delete",
            _("Support tickets and messages"),
            _("closed at"),
            _("3 years"),
            "delete",
        ),
        Rule(
            "connection_log_delete",
            _("Connection and technical logs"),
            _("written at"),
            _("12 months"),
            "delete",
        ),
        Rule(
            "prospect_delete",
            _("Prospects without an account"),
            _("last own contact"),
            _("3 years"),
            "delete",
        ),
        Rule(
            "cookie_consent_expire",
            _("Cookie consent"),
            _("given at"),
            _("13 months"),
            "expire",
        ),
        Rule(
            "cookie_refusal_reask",
            _("Cookie refusal"),
            _("given at"),
            _("6 months"),
            "expire",
        ),
        Rule(
            "public_request_unconfirmed_delete",
            _("Unconfirmed public requests"),
            _("submitted at"),
            _("7 days"),
            "delete",
        ),
        Rule(
            "request_file_anonymise",
            _("Closed requests and their events"),
            _("closed at"),
            _("5 years"),
            "anonymise",
        ),
        Rule(
            "customer_lifetime",
            _("Data that lives as long as the account"),
            _("the customer's erasure by one of the customer rules above"),
            _("erased with the customer"),
            "erase",
        ),
    )
}
