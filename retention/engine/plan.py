"""What the registry says erasure does, turned into querysets and values once per process.

`erasure_plan()` sorts the registry's entries into updates (anonymise, keep), deletes (in an order where rows go
before what they point to) and the lifetime keeps that go with the customer row; `entry_rows()` finds a subject's
rows of one entry, leaving out whatever a legal hold keeps.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, TextField, Value
from django.db.models.functions import Cast, Concat, Lower

from privacy.registry import Delete, Keep, registry
from retention.engine.conditions import record_held
from retention.engine.sql import dependents, in_ids

LIFETIME = "customer_lifetime"
# Where a row says when it was created (a replay after a restore must not erase a later sign-up's rows).
CREATED_FIELDS = ("created_at", "submitted_at", "date_joined")


def user_entry():
    return registry.entry(get_user_model())


def is_lifetime_keep(entry):
    """Kept as long as the customer row: deleted with it (consent proof, lifted holds, staff trail)."""
    return entry.retention == LIFETIME and isinstance(entry.erasure, Keep) and entry.owner and "__" not in entry.owner


def keep_blanks(entry) -> dict:
    """Keep: the rows stay, cut down to what the legal reason needs.

    Every registry-listed field outside `Keep.fields` gets the value `Keep.blank` gives, or is emptied ("" or
    NULL) when its column allows it; dates, numbers and flags that allow neither identify no one and stay.
    An empty `Keep.fields` means the reason needs the whole row (an invoice keeps its billing identity).
    """
    return dict(_keep_blanks(entry.model))


@cache
def _keep_blanks(model):
    entry = registry.entry(model)
    keep = entry.erasure
    values = dict(keep.blank)
    if keep.fields:
        for name in (*entry.fields, *entry.personal_fields):
            if name in keep.fields or name in values or "__" in name:
                continue
            field = entry.model._meta.get_field(name)
            if field.null:
                values[field.name] = None
            elif isinstance(field, CharField | TextField) and not field.is_relation:
                values[field.name] = ""
    return tuple(values.items())


def dropped_rows(entry, rows):
    """The rows of a keep that its reason does not cover (`Keep.drop`), which erasure deletes instead.

    A row another record still points to with a protecting foreign key (a payment on a draft invoice) stays kept.
    """
    drop = getattr(entry.erasure, "drop", None)
    if not drop:
        return rows.none()
    rows = rows.filter(**drop)
    for dependent, fk, on_delete in dependents(entry.model):
        if on_delete in (models.PROTECT, models.RESTRICT):
            rows = rows.exclude(Exists(dependent._base_manager.filter(**{fk: OuterRef("pk")})))
    return rows


def dropping_entries():
    """Registry keeps with rows their reason does not cover, found through the customer (`Keep.drop`)."""
    return [e for e in registry.entries() if isinstance(e.erasure, Keep) and e.erasure.drop and e.owner]


def anonymise_values(entry) -> dict:
    """Anonymise: the values to write; "{pk}" in a value stands for the row's own id (one statement for all rows)."""
    values = {}
    for name, value in entry.erasure.fields.items():
        if isinstance(value, str) and "{pk}" in value:
            before, after = value.split("{pk}", 1)
            values[name] = Concat(Value(before), Cast("pk", output_field=CharField()), Value(after))
        else:
            values[name] = value
    return values


@cache
def erasure_plan():
    """(updates, deletes, lifetime keeps) over the registry; deletes ordered so rows go before what they point to."""
    user = get_user_model()
    updates, deletes, lifetime = [], [], []
    for entry in registry.entries():
        if entry.model is user or (entry.owner is None and not entry.email_field):
            continue
        if is_lifetime_keep(entry):
            lifetime.append(entry)
        elif isinstance(entry.erasure, Delete):
            deletes.append(entry)
        else:
            updates.append(entry)
    return tuple(updates), tuple(referrers_first(deletes)), tuple(lifetime)


def referrers_first(entries):
    """The entries ordered so that a model comes before the models its foreign keys point to."""
    models_ = {e.model for e in entries}
    points_to = {
        e.model: {f.related_model for f in e.model._meta.concrete_fields if f.related_model in models_} for e in entries
    }
    ordered, placed = [], set()
    while len(ordered) < len(entries):
        for entry in entries:
            referrers = {m for m, targets in points_to.items() if entry.model in targets and m is not entry.model}
            if entry.model not in placed and referrers <= placed:
                ordered.append(entry)
                placed.add(entry.model)
                break
        else:
            raise RuntimeError("circular foreign keys between registry entries marked Delete")
    return ordered


def owner_models(entry):
    """(lookup prefix, model) for each object on the way from a row to its owner, the row itself first."""
    found, model, prefix = [("", entry.model)], entry.model, ""
    for part in (entry.owner or "").split("__")[:-1]:
        model = model._meta.get_field(part).related_model
        prefix = f"{prefix}{part}__"
        found.append((prefix, model))
    return found


def entry_rows(entry, *, ids=None, emails=None, held=frozenset(), at=None):
    """The rows of `entry` that belong to the subjects (ids and/or lowercased emails, lists or subqueries).

    Rows under a legal hold, or under a held parent on the way to the owner, are left out: nothing touches them.
    """
    qs = entry.model._base_manager.all()
    condition = Q()
    if ids is not None and entry.owner:
        condition |= in_ids(entry.owner, ids)
    if emails is not None and entry.email_field:
        qs = qs.alias(_subject_email=Lower(entry.email_field))
        condition |= Q(_subject_email__in=emails)
    if not condition:
        return qs.none()
    qs = qs.filter(condition)
    for prefix, model in owner_models(entry):
        if model in held:
            qs = qs.exclude(record_held(model, at, ref=f"{prefix}pk"))
    if isinstance(entry.erasure, Delete):
        # A row whose cascading child is held stays too: deleting it would take the child with it.
        for dependent, fk, on_delete in dependents(entry.model):
            if on_delete is models.CASCADE and dependent in held:
                children = dependent._base_manager.filter(**{fk: OuterRef("pk")})
                qs = qs.exclude(Exists(children.filter(record_held(dependent, at))))
    return qs


def email_entries():
    """Registry entries that find a person without an account by email (prospects, public requests, exports)."""
    return [e for e in registry.entries() if e.email_field]


def email_rows(entry, emails, held, at, created_before=None):
    """Rows found by email, never an account's (R11: only a linked request may touch an account)."""
    rows = entry_rows(entry, emails=emails, held=held, at=at)
    if entry.owner:
        rows = rows.filter(**{f"{entry.owner}__isnull": True})
    if created_before is not None:
        names = {f.name for f in entry.model._meta.concrete_fields}
        created = next((name for name in CREATED_FIELDS if name in names), None)
        if created:
            rows = rows.filter(**{f"{created}__lte": created_before})
    return rows
