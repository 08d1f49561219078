"""The published retention rules (REQUIREMENTS.md section 3) as code: what each governs, from when, for how long.

Every personal-data registry entry names one of these rules, so no data is held for an open-ended period (R61).
Periods come from settings (read from the environment) and are clamped here to their legal floor and ceiling,
so the table on the privacy page, the admin and the nightly jobs always show and apply the same numbers.

How a period is counted: a row whose trigger fell on day T (in the site time zone) is due on the first day
strictly after T + period, months and years clamped at month ends. Last activity on 31 January plus 3 months is
30 April, so the customer is archived from 1 May on, not on 30 April ("3 months and a day"). Fiscal-year rules
count from the end of the fiscal year of the trigger: an invoice of fiscal year 2015 (year ending 31 December) is
deleted from 1 January 2026 on.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from retention.periods import DAYS, MONTHS, YEARS, cutoff, fiscal_cutoff, fiscal_year_end_setting, site_date

# The exceptions of REQUIREMENTS.md 3.3, plus the one the database itself imposes, by the code counted in runs.
SKIP_REASONS = {
    "legal_hold": _("legal hold"),
    "open_request": _("open data-subject request"),
    "restriction": _("restriction of processing, Art. 18(1)(b) or (c)"),
    "active_service": _("active service"),
    "accepted_commission": _("accepted affiliate commission"),
    "paid_or_invoiced": _("captured payment or legal invoice number"),
    "linked_record_kept": _("a record kept for longer still points to it"),
}

ACTIONS = {
    "archive": _("archive"),
    "erase": _("erase"),
    "delete": _("delete"),
    "anonymise": _("anonymise"),
    "expire": _("expire"),
    "keep": _("keep"),
    "delete_file": _("delete the file"),
}


@dataclass(frozen=True)
class Rule:
    name: str
    data: str
    trigger: str
    action: str
    # The setting holding the period (default in config/settings.py), unit, and the legal limits it cannot cross.
    setting: str | None = None
    unit: str | None = None
    floor: int | None = None
    ceiling: int | None = None
    condition: str = ""
    exceptions: tuple[str, ...] = ()
    # Counted from the end of the fiscal year of the trigger date rather than from the date itself.
    fiscal_year: bool = False
    # Only in force when this boolean setting is on (e.g. HOST_OBLIGATIONS).
    only_if: str | None = None
    # Applied by another app on its own schedule; the retention run reports it but does not apply it.
    applied_by: str = ""
    why: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def action_label(self):
        return ACTIONS.get(self.action, self.action)

    @property
    def in_force(self) -> bool:
        return not self.only_if or bool(getattr(settings, self.only_if, False))

    @property
    def configured(self) -> int | None:
        if self.setting is None:
            return None
        return getattr(settings, self.setting)

    @property
    def limits(self) -> tuple[int | None, int | None]:
        floor, ceiling = self.floor, self.ceiling
        if self.name == "connection_log_delete" and getattr(settings, "HOST_OBLIGATIONS", False):
            floor = 12  # LCEN art. 6: hosts keep connection data one year, no less
        return floor, ceiling

    @property
    def amount(self) -> int | None:
        """The period in force: the setting, clamped to the legal floor and ceiling (never negative)."""
        value = self.configured
        if value is None:
            return None
        floor, ceiling = self.limits
        value = max(int(value), 0)
        if floor is not None:
            value = max(value, floor)
        if ceiling is not None:
            value = min(value, ceiling)
        return value

    @property
    def clamped(self) -> bool:
        return self.configured is not None and self.amount != int(self.configured)

    @property
    def period(self) -> str:
        """The period as a person reads it, e.g. "3 months" (shown on the privacy page and in the admin)."""
        if self.amount is None:
            return str(self.extra.get("period_text", _("no fixed period")))
        return describe(self.amount, self.unit)

    @property
    def floor_text(self) -> str:
        floor, _ceiling = self.limits
        return describe(floor, self.unit) if floor is not None else ""

    @property
    def ceiling_text(self) -> str:
        _floor, ceiling = self.limits
        return describe(ceiling, self.unit) if ceiling is not None else ""

    def cutoff(self, as_of: date) -> datetime:
        """Rows whose trigger is before this instant are due on `as_of`."""
        if self.fiscal_year:
            return fiscal_cutoff(as_of, self.amount, fiscal_year_end_setting())
        return cutoff(as_of, self.amount, self.unit)


def describe(amount, unit) -> str:
    if unit == DAYS:
        return ngettext("%(n)d day", "%(n)d days", amount) % {"n": amount}
    if unit == MONTHS:
        return ngettext("%(n)d month", "%(n)d months", amount) % {"n": amount}
    return ngettext("%(n)d year", "%(n)d years", amount) % {"n": amount}


CUSTOMER_ERASE_EXCEPTIONS = ("legal_hold", "open_request", "restriction", "active_service")

RULES = {
    rule.name: rule
    for rule in (
        Rule(
            "customer_inactive_archive",
            _("Inactive customer profile"),
            _("last activity"),
            "archive",
            setting="RETENTION_CUSTOMER_INACTIVE_MONTHS",
            unit=MONTHS,
            condition=_("no active service; last login, order or service end older than the period"),
            exceptions=("legal_hold", "open_request", "active_service"),
            why=_("Login disabled, marketing suspended, consents kept."),
        ),
        Rule(
            "customer_archived_erase",
            _("Archived customer"),
            _("archived at"),
            "erase",
            setting="RETENTION_CUSTOMER_ARCHIVED_MONTHS",
            unit=MONTHS,
            condition=_("still archived"),
            exceptions=CUSTOMER_ERASE_EXCEPTIONS,
        ),
        Rule(
            "customer_empty_erase",
            _("Customer who never ordered"),
            _("registration"),
            "erase",
            setting="RETENTION_CUSTOMER_EMPTY_MONTHS",
            unit=MONTHS,
            condition=_("no order and no service"),
            exceptions=CUSTOMER_ERASE_EXCEPTIONS,
        ),
        Rule(
            "customer_terminated_erase",
            _("Terminated account"),
            _("later of termination and last login"),
            "erase",
            setting="RETENTION_CUSTOMER_TERMINATED_DAYS",
            unit=DAYS,
            condition=_("account terminated"),
            exceptions=CUSTOMER_ERASE_EXCEPTIONS,
        ),
        Rule(
            "invoice_cancelled_delete",
            _("Unnumbered cancelled invoice"),
            _("cancelled at"),
            "delete",
            setting="RETENTION_INVOICE_CANCELLED_DAYS",
            unit=DAYS,
            condition=_("never given a legal number"),
            exceptions=("legal_hold", "linked_record_kept"),
        ),
        Rule(
            "order_stale_delete",
            _("Cancelled, pending or fraudulent order"),
            _("last status change"),
            "delete",
            setting="RETENTION_ORDER_STALE_DAYS",
            unit=DAYS,
            condition=_("no captured payment, no legal invoice number"),
            exceptions=("legal_hold", "open_request", "active_service", "accepted_commission", "paid_or_invoiced"),
            why=_("A fraudulent order leaves a keyed hash of its email and IP address on the fraud list."),
        ),
        Rule(
            "accounting_records_delete",
            _("Invoices, credit notes, transactions, accepted commissions"),
            _("end of the fiscal year"),
            "delete",
            setting="RETENTION_ACCOUNTING_YEARS",
            unit=YEARS,
            floor=10,
            fiscal_year=True,
            exceptions=("legal_hold", "linked_record_kept"),
            why=_("French Commercial Code L123-22."),
        ),
        Rule(
            "order_data_delete",
            _("Order data"),
            _("end of the fiscal year"),
            "delete",
            setting="RETENTION_ORDER_DATA_YEARS",
            unit=YEARS,
            floor=10,
            fiscal_year=True,
            exceptions=("legal_hold", "linked_record_kept"),
            why=_("Accounting evidence (French Commercial Code L123-22)."),
        ),
        Rule(
            "support_ticket_delete",
            _("Support tickets and messages"),
            _("closed at"),
            "delete",
            setting="RETENTION_SUPPORT_TICKET_YEARS",
            unit=YEARS,
            condition=_("ticket closed"),
            exceptions=("legal_hold", "open_request"),
        ),
        Rule(
            "connection_log_delete",
            _("Connection and technical logs"),
            _("written at"),
            "delete",
            setting="RETENTION_CONNECTION_LOG_MONTHS",
            unit=MONTHS,
            ceiling=12,
            exceptions=("legal_hold",),
            why=_("LCEN art. 6 and decree 2021-1362."),
        ),
        Rule(
            "prospect_delete",
            _("Prospects without an account"),
            _("last own contact"),
            "delete",
            setting="RETENTION_PROSPECT_YEARS",
            unit=YEARS,
            exceptions=("legal_hold",),
            why=_("The suppression hash stays."),
        ),
        Rule(
            "engagement_delete",
            _("Email engagement events (opens and clicks)"),
            _("recorded at"),
            "delete",
            setting="RETENTION_ENGAGEMENT_MONTHS",
            unit=MONTHS,
            ceiling=25,
            exceptions=("legal_hold",),
            why=_("Only recorded for people who agreed to engagement measurement (R40)."),
        ),
        Rule(
            "cookie_consent_expire",
            _("Cookie consent"),
            _("given at"),
            "expire",
            setting="RETENTION_COOKIE_CONSENT_MONTHS",
            unit=MONTHS,
            ceiling=13,
            why=_("Treated as absent: the banner asks again; the ledger row stays as proof."),
        ),
        Rule(
            "minor_erase",
            _("Account flagged as a minor without parental consent"),
            _("flagged as a minor"),
            "erase",
            setting="RETENTION_MINOR_DAYS",
            unit=DAYS,
            condition=_("no parental consent recorded by then"),
            exceptions=("legal_hold", "open_request", "restriction"),
        ),
        Rule(
            "suppression_keep",
            _("Suppression list (keyed hashes)"),
            _("objection or unsubscribe"),
            "keep",
            extra={"period_text": _("as long as any marketing is sent")},
        ),
        Rule(
            "fraud_marker_delete",
            _("Fraud list (keyed hashes)"),
            _("added at"),
            "delete",
            setting="RETENTION_FRAUD_MARKER_YEARS",
            unit=YEARS,
            exceptions=("legal_hold",),
        ),
        Rule(
            "lcen_host_identity",
            _("Identity of a terminated hosting customer (restricted archive)"),
            _("end of contract"),
            "delete",
            setting="RETENTION_HOST_IDENTITY_YEARS",
            unit=YEARS,
            floor=5,
            only_if="HOST_OBLIGATIONS",
            exceptions=("legal_hold",),
            why=_("LCEN art. 6 and decree 2021-1362: identity 5 years, account and payment details 1 year."),
            extra={"account_setting": "RETENTION_HOST_ACCOUNT_YEARS"},
        ),
        Rule(
            "cookie_refusal_reask",
            _("Cookie refusal"),
            _("given at"),
            "expire",
            setting="RETENTION_COOKIE_REFUSAL_MONTHS",
            unit=MONTHS,
            why=_("The banner may ask again."),
        ),
        Rule(
            "audience_raw_delete",
            _("Raw audience-measurement events (exempt mode only)"),
            _("written at"),
            "delete",
            setting="RETENTION_AUDIENCE_RAW_MONTHS",
            unit=MONTHS,
            ceiling=25,
            why=_("No raw events are stored: audience measurement runs only with consent."),
        ),
        Rule(
            "export_expire",
            _("Export archives"),
            _("ready at"),
            "delete_file",
            setting="EXPORT_RETENTION_DAYS",
            unit=DAYS,
            applied_by="exports",
            why=_("The export job stays; its file goes."),
        ),
        Rule(
            "public_request_unconfirmed_delete",
            _("Unconfirmed public requests"),
            _("submitted at"),
            "delete",
            setting="RETENTION_PUBLIC_REQUEST_DAYS",
            unit=DAYS,
        ),
        Rule(
            "request_file_anonymise",
            _("Closed requests and their events"),
            _("closed at"),
            "anonymise",
            setting="RETENTION_REQUEST_FILE_YEARS",
            unit=YEARS,
            exceptions=("legal_hold",),
            why=_("Requester details anonymised; kind, dates and outcome kept as proof (Art. 5(2))."),
        ),
        Rule(
            "customer_lifetime",
            _("Data that lives as long as the account"),
            _("the customer's erasure by one of the customer rules above"),
            "erase",
            condition=_("the erased account is deleted once no record kept for a legal reason points to it"),
            exceptions=("legal_hold",),
            extra={"period_text": _("erased with the customer")},
        ),
    )
}


def host_account_years() -> int:
    rule = RULES["lcen_host_identity"]
    return max(int(getattr(settings, rule.extra["account_setting"])), 1)


def clamped_settings() -> list[str]:
    """Settings the law overrides, for the system check and the admin."""
    return [
        f"{rule.setting}={rule.configured} is outside its legal limits; {rule.amount} {rule.unit} is applied"
        for rule in RULES.values()
        if rule.clamped
    ]


def cookie_choice_expired(*, given_at, granted, now) -> bool:
    """What the cookie banner asks: is this choice past its period (13 months for a grant, 6 for a refusal)?"""
    rule = RULES["cookie_consent_expire" if granted else "cookie_refusal_reask"]
    return given_at < rule.cutoff(site_date(now))
