"""What an erasure did, as the person reads it in the completion mail (R23): what was deleted, what was anonymised,
and what was kept, with its legal reason and until when.

The end dates come from the registry and the retention rules: a kept row's own date (`Entry.retention_from`), else
the date of the kept record it belongs to (an invoice's line counts from the invoice), counted with the entry's rule.
What is kept as long as the account row (consent proof, lifted holds) goes with the tombstone, which lives until
the last record kept for a legal reason goes.
"""

from django.db.models import DateTimeField, Max, Value
from django.db.models.functions import Coalesce
from django.utils import formats, translation
from django.utils.translation import gettext as _

from privacy.deadlines import full_date_format
from privacy.registry import Keep, registry
from retention.engine.plan import LIFETIME
from retention.periods import YEARS, add_period, fiscal_year_end_of, fiscal_year_end_setting, site_date
from retention.rules import RULES


class DoneLine:
    """One "deleted: <category>" or "anonymised: <category>" line, rendered in the recipient's language."""

    def __init__(self, action, category):
        self.action, self.category = action, category

    def __str__(self):
        if self.action == "deleted":
            return _("deleted: %(category)s") % {"category": self.category.label}
        return _("anonymised: %(category)s") % {"category": self.category.label}

    def __repr__(self):
        return f"DoneLine({self.action!r}, {self.category.slug!r})"


class KeptLine:
    """One "kept: <category> — <reason>" line, rendered when the mail is, in the recipient's language (R23)."""

    def __init__(self, category, reason, until=None, *, lifetime=False):
        self.category, self.reason, self.until, self.lifetime = category, reason, until, lifetime

    def __str__(self):
        values = {"category": self.category.label, "reason": self.reason}
        if self.until:
            values["until"] = formats.date_format(self.until, full_date_format(translation.get_language()))
            return _("kept: %(category)s — %(reason)s, until %(until)s") % values
        return _("kept: %(category)s — %(reason)s") % values

    def __repr__(self):
        return f"KeptLine({self.category.slug!r})"


def counted_from(entry):
    """The lookup to the date the entry's rule counts from: its own `retention_from`, else that of the kept record
    with the same rule it points to (an invoice line -> its invoice's issue date, an event -> its request's close)."""
    if entry.retention_from:
        return entry.retention_from
    for field in entry.model._meta.concrete_fields:
        parent = field.related_model
        if parent is None or parent is entry.model or not registry.is_registered(parent):
            continue
        parent_entry = registry.entry(parent)
        if parent_entry.retention == entry.retention and parent_entry.retention_from:
            return f"{field.name}__{parent_entry.retention_from}"
    return None


def kept_until(entry, rows, at=None):
    """The day the last of these kept rows goes: the entry's retention rule, counted from its date (`counted_from`).

    A row whose date is not set yet (the request being answered now) counts from `at`. None when the rule has no
    fixed period, or no date is known.
    """
    rule = RULES[entry.retention]
    path = counted_from(entry)
    if not path or rule.amount is None:
        return None
    date = Coalesce(path, Value(at), output_field=DateTimeField()) if at is not None else path
    latest = rows.aggregate(m=Max(date))["m"]
    if latest is None:
        return None
    day = site_date(latest)
    if rule.fiscal_year:
        return add_period(fiscal_year_end_of(day, fiscal_year_end_setting()), rule.amount, YEARS)
    return add_period(day, rule.amount, rule.unit)


def kept_line(entry, rows, at):
    lifetime = entry.retention == LIFETIME and isinstance(entry.erasure, Keep)
    until = None if lifetime else kept_until(entry, rows, at)
    return KeptLine(entry.category, entry.erasure.reason, until, lifetime=lifetime)


def lifetime_ends(lines):
    """What is kept as long as the account row goes with it: on the latest end date of the other kept lines."""
    dates = [line.until for line in lines if isinstance(line, KeptLine) and line.until]
    for line in lines:
        if isinstance(line, KeptLine) and line.lifetime and dates:
            line.until = max(dates)
    return lines


def answer_lines(categories):
    """The mail's lines: deleted and anonymised categories first, then what was kept and why (R23)."""
    done = []
    for item in categories:
        if item.deleted:
            done.append(DoneLine("deleted", item.category))
        if item.anonymised:
            done.append(DoneLine("anonymised", item.category))
    return done + [line for item in categories for line in item.reasons]
