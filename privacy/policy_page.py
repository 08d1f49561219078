"""The generated parts of the published policy: the register, the retention table, the rights and the record of
processing, all read from the personal-data registry, the retention rules and the settings, so the text cannot
drift from what the code does (R41, R45)."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacy.authority import CNIL
from privacy.cookies import cookies
from privacy.models import Processor
from privacy.registry import registry
from retention.rules import RULES

# Art. 32 measures the product itself takes; the record of processing lists them (R45).
SECURITY_MEASURES = (
    _("Encrypted connections (HTTPS with HSTS)"),
    _("Passwords hashed with Argon2"),
    _("Access limited by staff role, with a second factor for staff"),
    _("Staff actions recorded in an audit trail"),
    _("Exports stored outside the public web root, with expiring links"),
    _("Retention rules applied every night"),
)


@dataclass
class RegisterRow:
    category: object
    data: list
    retention: list  # (what, period) pairs
    people: str


def _people(entries) -> str:
    if all(e.owner is None for e in entries):
        return str(_("People without an account (prospects, requesters)"))
    return str(_("Customers"))


def register() -> list[RegisterRow]:
    """One row per category of the registry: purpose, legal basis, recipients, data and retention."""
    rows = []
    for category in registry.categories():
        entries = registry.entries_in(category.slug)
        data, retention, seen = [], [], set()
        for entry in entries:
            data.append(str(entry.label))
            rule = RULES.get(entry.retention)
            if rule and rule.in_force and rule.name not in seen:
                seen.add(rule.name)
                retention.append((rule.data, rule.period))
        rows.append(RegisterRow(category, data, retention, _people(entries)))
    return rows


def retention_table() -> list:
    """Every rule in force, with the period it applies today (a changed setting changes the table)."""
    return [rule for rule in RULES.values() if rule.in_force]


def processors():
    return list(Processor.objects.filter(active=True))


def rights() -> list[tuple[str, str]]:
    return [
        (_("Access and a copy of your data"), "Art. 15"),
        (_("Correcting your data"), "Art. 16"),
        (_("Erasing your data"), "Art. 17"),
        (_("Restricting the processing"), "Art. 18"),
        (_("Receiving your data or having it sent to another company (portability)"), "Art. 20"),
        (_("Objecting to the processing, and to marketing at any time"), "Art. 21"),
        (_("Withdrawing a consent at any time"), "Art. 7(3)"),
        (_("Asking a person to review an automatic decision"), "Art. 22"),
        (_("Giving instructions for your data after your death"), "LIL art. 85"),
    ]


def response_period_text() -> str:
    """The promised answer time as the policy words it: "30 days" by default, or "one month" (DSR_RESPONSE_PERIOD)."""
    period = str(settings.DSR_RESPONSE_PERIOD).strip().lower()
    if period.endswith("d") and period[:-1].isdigit():
        days = int(period[:-1])
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    return str(_("one month"))


def controller() -> dict:
    return {
        "name": settings.CONTROLLER_NAME,
        "address": settings.CONTROLLER_ADDRESS,
        "email": settings.CONTROLLER_EMAIL,
        "dpo_email": settings.DPO_EMAIL,
        "hosting": settings.HOSTING_LOCATION,
        "postal": settings.PRIVACY_POSTAL_ADDRESS,
    }


def page_context() -> dict:
    """Everything the policy page generates, for any version."""
    return {
        "controller": controller(),
        "register": register(),
        "processors": processors(),
        "retention": retention_table(),
        "rights": rights(),
        "authority": CNIL,
        "cookie_list": cookies(),
        "client_area_url": reverse("privacy:my_data"),
        "public_form_url": reverse("privacy:public_request"),
        "response_period": response_period_text(),
    }


RECORD_COLUMNS = (
    _("Purpose"),
    _("Legal basis"),
    _("Categories of data"),
    _("Categories of people"),
    _("Recipients"),
    _("Transfers outside the EEA"),
    _("Retention"),
    _("Security measures"),
)


def processing_record() -> list[list[str]]:
    """The Art. 30 record, one line per category of the registry (R45)."""
    transfers = "; ".join(
        f"{p.provider}: {p.location} ({p.get_transfer_tool_display()})"
        for p in processors()
        if p.transfer_tool != "eea"
    ) or str(_("None"))
    measures = "; ".join(str(m) for m in SECURITY_MEASURES)
    lines = []
    for row in register():
        c = row.category
        recipients = [str(r) for r in c.recipients] + [p.provider for p in processors()]
        lines.append(
            [
                f"{c.label}: {c.purpose}",
                str(c.legal_basis),
                ", ".join(row.data),
                row.people,
                "; ".join(recipients),
                transfers,
                "; ".join(f"{what}: {period}" for what, period in row.retention),
                measures,
            ]
        )
    return lines


def art15_context() -> dict:
    """What the Art. 15 part of an access answer (the PDF) says about hosting, transfers, the answer period and
    the authority: the same data as the policy page, never a fixed sentence."""
    return {
        "hosting_location": settings.HOSTING_LOCATION,
        "processors": processors(),
        "response_period": response_period_text(),
        "authority": CNIL,
        "postal_address": settings.PRIVACY_POSTAL_ADDRESS,
        "public_form_path": reverse("privacy:public_request"),
    }
