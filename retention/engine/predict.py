"""What an erasure would do, counted without writing: the dry runs of the sweeps and the DPO's preview.

Each function follows its twin in erase.py statement for statement, with counts where the twin writes.
"""

from itertools import batched

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from privacy.registry import Anonymise, Delete
from retention.engine.counts import bump, bump_rows
from retention.engine.delete import blocking_condition, predict_delete
from retention.engine.erase import HOST_FIELDS, host_archives, service_ends
from retention.engine.plan import (
    dropped_rows,
    dropping_entries,
    email_entries,
    email_rows,
    entry_rows,
    erasure_plan,
    referrers_first,
)
from retention.models import HostArchive


def predict_customers(eligible, *, counts, held, at):
    """What erase_customers would do to the customers of `eligible` (a queryset), counted without writing."""
    user_model = get_user_model()
    ids = eligible.values("pk")
    emails = eligible.annotate(_lower_email=Lower("email")).values("_lower_email")
    updates, deletes, lifetime = erasure_plan()
    dropped = predict_drop_uncovered(ids, held=held, at=at, counts=counts)
    for entry in updates:
        rows = _not_dropped(entry, entry_rows(entry, ids=ids, emails=emails, held=held, at=at), dropped)
        action = "anonymised" if isinstance(entry.erasure, Anonymise) else "kept"
        bump_rows(counts, entry.model, action, rows.count())
    gone = set()
    for entry in deletes:
        predict_delete(entry.model, entry_rows(entry, ids=ids, emails=emails, held=held, at=at), counts, gone=gone)
        gone.add(entry.model)
    blocking = blocking_condition(held, at)
    if settings.HOST_OBLIGATIONS:
        archived = _predict_host_archives(eligible, at)
        bump_rows(counts, HostArchive, "kept", archived.count())
        blocking |= Q(pk__in=archived.values("pk"))
    blocked = eligible.filter(blocking)
    free = eligible.exclude(blocking)
    for entry in lifetime:
        bump_rows(counts, entry.model, "kept", entry_rows(entry, ids=blocked.values("pk"), held=held, at=at).count())
        predict_delete(entry.model, entry_rows(entry, ids=free.values("pk"), held=held, at=at), counts, gone=gone)
        gone.add(entry.model)
    bump_rows(counts, user_model, "anonymised", blocked.count())
    predict_delete(user_model, free, counts, gone=gone)
    bump(counts, "erased", eligible.count())


def predict_drop_uncovered(ids, *, held, at, counts):
    """What erase.drop_uncovered would delete; returns {model: the rows' queryset} for the keeps counted after."""
    dropped = {}
    for entry in dropping_entries():
        dropped[entry.model] = dropped_rows(entry, entry_rows(entry, ids=ids, held=held, at=at))
        predict_delete(entry.model, dropped[entry.model], counts)
    return dropped


def _not_dropped(entry, rows, dropped):
    """A kept row is not counted as kept when it is dropped, or goes by cascade with a dropped row (a draft's line)."""
    if entry.model in dropped:
        rows = rows.exclude(pk__in=dropped[entry.model].values("pk"))
    for field in entry.model._meta.concrete_fields:
        if field.related_model in dropped and field.remote_field.on_delete is models.CASCADE:
            rows = rows.exclude(**{f"{field.name}__in": dropped[field.related_model].values("pk")})
    return rows


def _predict_host_archives(eligible, at):
    """The customers of `eligible` that erase_customers would archive (same test, done in Python on few rows)."""
    wanted = ["pk", "email", "state", "terminated_at", "phone", "date_joined", *HOST_FIELDS]
    keep = []
    for chunk in batched(eligible.order_by("pk").values_list("pk", flat=True).iterator(), 1000):
        subjects = list(get_user_model()._base_manager.filter(pk__in=chunk).values(*wanted))
        keep += [a.customer_id for a in host_archives(subjects, service_ends(list(chunk)), at)]
    return eligible.filter(pk__in=keep)


def predict_email_subject(email, *, counts, held, at):
    """What erase_email_subject would do, counted without writing."""
    emails = [email.strip().lower()]
    entries = email_entries()
    for entry in entries:
        if not isinstance(entry.erasure, Delete):
            action = "anonymised" if isinstance(entry.erasure, Anonymise) else "kept"
            bump_rows(counts, entry.model, action, email_rows(entry, emails, held, at).count())
    gone = set()
    for entry in referrers_first([e for e in entries if isinstance(e.erasure, Delete)]):
        predict_delete(entry.model, email_rows(entry, emails, held, at), counts, gone=gone)
        gone.add(entry.model)
    bump(counts, "erased")
