"""Set-based delete with the foreign keys' own rules, its dry-run twin, and which customer rows must stay.

Dependent rows are handled the way their foreign keys say (cascade, set null, protect), one statement per
relation; a customer that kept rows still point to stays as an anonymised tombstone instead of being deleted.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef, Q

from privacy.files import files_delete_on_commit
from privacy.registry import Delete, registry
from retention.engine.conditions import record_held
from retention.engine.counts import bump_rows
from retention.engine.plan import dropped_rows, is_lifetime_keep
from retention.engine.sql import dependents, in_ids, m2m_tables


class ProtectedRows(Exception):
    """A delete would leave rows pointing at nothing: a selection forgot an exception. Nothing is written."""


def delete_rows(model, qs, counts, *, gone=frozenset()):
    """DELETE the rows of `qs`, after doing to dependent rows what their foreign keys say. Returns the count.

    `gone`: models whose rows of these subjects an earlier statement of the same erasure already deleted (no
    statement is sent for them; entry_rows keeps back any parent of a held child, so none can be left behind).
    """
    pks = qs.values("pk")
    for dependent, fk, on_delete in dependents(model):
        if on_delete is models.CASCADE and dependent in gone:
            continue
        rows = dependent._base_manager.filter(**{f"{fk}__in": pks})
        if on_delete is models.CASCADE:
            delete_rows(dependent, rows, counts, gone=gone)
        elif on_delete is models.SET_NULL:
            rows.update(**{fk: None})
        elif on_delete in (models.PROTECT, models.RESTRICT) and rows.exists():
            raise ProtectedRows(f"{dependent._meta.label}.{fk} still points to {model._meta.label} rows")
    for through, fk in m2m_tables(model):
        through._base_manager.filter(**{f"{fk}__in": pks})._raw_delete(qs.db)
    files_delete_on_commit(model, qs)
    deleted = qs._raw_delete(qs.db)
    bump_rows(counts, model, "deleted", deleted)
    return deleted


def predict_delete(model, qs, counts, *, gone=frozenset()):
    """What delete_rows would delete, counted without writing.

    `gone`: models whose rows of these subjects an earlier statement of the same erasure already deleted.
    """
    pks = qs.values("pk")
    for dependent, fk, on_delete in dependents(model):
        if on_delete is models.CASCADE and dependent not in gone:
            predict_delete(dependent, dependent._base_manager.filter(**{f"{fk}__in": pks}), counts, gone=gone)
    n = qs.count()
    bump_rows(counts, model, "deleted", n)
    return n


@cache
def _blocking_relations():
    """Relations to the customer whose rows outlive an erasure: keeps, anonymised rows, and unregistered models."""
    user = get_user_model()
    found = []
    for dependent, fk, on_delete in dependents(user):
        if on_delete not in (models.CASCADE, models.PROTECT, models.RESTRICT):
            continue
        entry = registry.entry(dependent) if registry.is_registered(dependent) else None
        if entry is not None and is_lifetime_keep(entry) and entry.owner == fk:
            continue
        deleted_by_erasure = entry is not None and isinstance(entry.erasure, Delete) and entry.owner == fk
        found.append((dependent, fk, deleted_by_erasure))
    return tuple(found)


def blocking_condition(held, at, ref="pk"):
    """True for a customer some surviving row points to (works before or after the erasure's own deletes)."""
    condition = Q(pk__in=[])
    for dependent, fk, deleted_by_erasure in _blocking_relations():
        rows = dependent._base_manager.filter(**{fk: OuterRef(ref)})
        if registry.is_registered(dependent) and getattr(registry.entry(dependent).erasure, "drop", None):
            # Rows a keep's reason does not cover (an unissued draft) go with the account: they hold nothing back.
            rows = rows.exclude(pk__in=dropped_rows(registry.entry(dependent), dependent._base_manager.all()))
        if deleted_by_erasure:
            if dependent not in held:
                continue
            rows = rows.filter(record_held(dependent, at))
        condition |= Exists(rows)
    return condition


def blocked_ids(ids, held, at) -> set:
    """The subjects among `ids` that must stay as tombstones, in one query."""
    parts = []
    for dependent, fk, deleted_by_erasure in _blocking_relations():
        rows = dependent._base_manager.filter(in_ids(fk, ids))
        if deleted_by_erasure:
            if dependent not in held:
                continue
            rows = rows.filter(record_held(dependent, at))
        parts.append(rows.order_by().values_list(fk, flat=True))
    if not parts:
        return set()
    return set(parts[0].union(*parts[1:]).order_by()) if len(parts) > 1 else set(parts[0])
