"""Erasure redacts the back-office log (django_admin_log) rather than deleting it: who did what, and when, stays
(accountability, Art. 5(2)); whom it was done to goes (Art. 17). Called by the engine inside the erasure's transaction.
"""

import json

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast, Lower

from privacy.registry import registry

REDACTED = "[erased]"
# Text searches are sent in groups, so a batch of a thousand subjects is a few statements, not one huge one.
GROUP = 50


def _subject_rows(ids, emails):
    """(model, queryset of the subject's rows) for the customer rows and every registry entry that finds them."""
    user = get_user_model()
    found = []
    if ids:
        found.append((user, user._base_manager.filter(pk__in=ids)))
    for entry in registry.entries():
        if entry.model is user or entry.model is LogEntry:
            continue
        rows, condition = entry.model._base_manager.all(), Q()
        if ids and entry.owner:
            condition |= Q(**{f"{entry.owner}__in": ids})
        if emails and entry.email_field:
            rows = rows.alias(_subject_email=Lower(entry.email_field))
            condition |= Q(_subject_email__in=[e.strip().lower() for e in emails])
        if condition:
            found.append((entry.model, rows.filter(condition)))
    return found


def _needles(emails, names):
    return [n for n in {*(e.strip().lower() for e in emails), *(n.strip() for n in names)} if len(n) >= 5]


def matching_entries(*, ids=(), emails=(), names=()):
    """Log entries about these subjects: pointing at one of their rows, or naming their address or full name."""
    ids, emails = list(ids), [e for e in emails if e]
    condition = Q(pk__in=[])
    for model, rows in _subject_rows(ids, emails):
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        as_text = rows.order_by().annotate(_id_text=Cast("pk", output_field=CharField())).values("_id_text")
        condition |= Q(content_type=content_type, object_id__in=as_text)
    needles = _needles(emails, names)
    queries = [condition]
    for start in range(0, len(needles), GROUP):
        text = Q()
        for needle in needles[start : start + GROUP]:
            text |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
        queries.append(text)
    combined = Q(pk__in=[])
    for query in queries:
        combined |= query
    return LogEntry.objects.filter(combined).exclude(object_repr=REDACTED)


def redact_message(message: str) -> str:
    """Keep what kind of change it was and which fields; drop the names of the objects it touched."""
    try:
        parts = json.loads(message) if message else []
    except ValueError:
        return REDACTED
    if not isinstance(parts, list):
        return REDACTED
    kept = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        for action, detail in part.items():
            detail = detail if isinstance(detail, dict) else {}
            clean = {k: v for k, v in detail.items() if k in ("fields", "name")}
            if "object" in detail:
                clean["object"] = REDACTED
            kept.append({action: clean})
    return json.dumps(kept)


def adminlog_redact(*, ids=(), emails=()) -> int:
    """Rewrite object_repr and change_message of the subjects' log entries; returns how many were redacted.

    Call before the subjects' rows are deleted or anonymised: their ids, names and addresses find the entries.
    """
    ids = list(ids)
    names = []
    if ids:
        people = get_user_model()._base_manager.filter(pk__in=ids).values_list("first_name", "last_name")
        names = [f"{first} {last}".strip() for first, last in people]
    entries = list(matching_entries(ids=ids, emails=emails, names=names).values_list("pk", "change_message"))
    for pk, message in entries:
        LogEntry.objects.filter(pk=pk).update(object_repr=REDACTED, change_message=redact_message(message))
    return len(entries)
