"""Whose rows an export holds, which columns leave, and how each value is written.

The personal-data registry is the only list of what is exported (R65): one stream per registered model.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from privacy.personal_data import subject_rows
from privacy.registry import Entry

# A safety net under the registry (R67): a column named like a secret never leaves, whoever declared it.
SECRET_NAME = re.compile(r"password|passwd|secret|token|api_?key|private_?key|otp|credential|session", re.IGNORECASE)
# Rows fetched per round trip while streaming.
CHUNK = 2000
# Longer texts are cut in the PDF (never in data.json or the CSV files).
PDF_TEXT_LIMIT = 600


@dataclass(frozen=True)
class Subject:
    """The person an export is about: a customer, or someone known only by an email address."""

    customer: object | None
    email: str
    name: str
    language: str

    @classmethod
    def of(cls, job):
        if job.customer_id:
            customer = job.customer
            return cls(customer, customer.email, customer.get_full_name(), job.language)
        name = job.request.requester_name if job.request_id else ""
        return cls(None, job.subject_email.strip().lower(), name, job.language)

    @property
    def kind(self):
        return "customer" if self.customer is not None else "email"

    def rows(self, entry: Entry):
        """The subject's rows of one registered model, as a queryset (nothing is fetched here)."""
        if self.customer is None:
            return entry.rows_for_email(self.email)
        # What was held under the same, verified address before the account existed too (a prospect, a request).
        return subject_rows(entry, self.customer)


def exported_fields(entry: Entry):
    return tuple(f for f in entry.fields if not SECRET_NAME.search(f))


def record_name(entry: Entry):
    return entry.model._meta.label_lower


def plain(value):
    """A JSON value: ISO 8601 times in UTC, decimals as strings (no rounding), codes as stored."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def cell(value):
    """A CSV cell: the JSON value as text; empty for none, true/false for booleans."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def date_column(entry: Entry, fields):
    """Index of the first date-time column, which the PDF uses to say which period a section covers."""
    for i, path in enumerate(fields):
        if isinstance(entry.final_field(path), models.DateTimeField):
            return i
    return None


class Display:
    """Values as a person reads them in the PDF, in the active language and the site's time zone."""

    def __init__(self, entry: Entry, fields):
        self.formatters = [self._formatter(entry.final_field(f)) for f in fields]
        self.zone = ZoneInfo(settings.SITE_TIME_ZONE)

    def _formatter(self, field):
        choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None
        if choices:
            return lambda v: str(choices.get(v, v)) if v not in (None, "") else "—"
        return self.value

    def value(self, value):
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime):
            return formats.date_format(value.astimezone(self.zone), "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        if isinstance(value, Decimal | int | float):
            return formats.localize(value, use_l10n=True)
        text = str(value)
        if len(text) > PDF_TEXT_LIMIT:
            return text[:PDF_TEXT_LIMIT].rstrip() + " […]"
        return text

    def row(self, row):
        return [fmt(v) if v is not None else "—" for fmt, v in zip(self.formatters, row, strict=True)]

    def moment(self, value):
        return self.value(value) if value is not None else ""
