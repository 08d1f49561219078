"""The erasure engine: what the registry declares, applied to a set of subjects with set-based statements.

Every write here is a queryset `update()` or a direct DELETE on rows selected by a list of ids, never a loop over
objects and never Django's Collector (which loads what it deletes). Dependent rows are handled the way their
foreign keys say (cascade, set null, protect), again one statement per relation. The caller owns the
transaction: a sweep wraps each claimed batch in one, a request erasure runs inside the request's own.

Append-only models (consent ledger, request events) refuse `update()` on their default manager; the engine writes
to them only through `_base_manager`, a plain QuerySet, and only what the registry's keep/anonymise rules say.
"""

import hashlib
import hmac
import json
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import CharField, Exists, OuterRef, Q, TextField, Value
from django.db.models.functions import Cast, Concat, Lower
from django.utils.crypto import get_random_string

from privacy.files import files_delete_on_commit
from privacy.registry import Anonymise, Delete, Keep, registry
from retention.adminlog import adminlog_redact
from retention.models import ErasureTombstone, HostArchive, LegalHold
from retention.rules import RULES, YEARS, add_period, host_account_years, local_date, start_of_day

log = logging.getLogger(__name__)

LIFETIME = "customer_lifetime"


class ErasureBlocked(Exception):
    """A subject that must not be erased now; `code` is one of rules.SKIP_REASONS."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class ProtectedRows(Exception):
    """A delete would leave rows pointing at nothing: a selection forgot an exception. Nothing is written."""


class InIds(models.Func):
    """`path IN ids` for a list of ids: on PostgreSQL one array parameter (`= ANY(%s)`), not one per id.

    A batch's statements all name its ids; thousands of literals cost more to send and plan than the work.
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, path, ids):
        super().__init__(models.F(path))
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra_context):
        lhs, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]


def in_ids(path, ids):
    """A filter for "path is one of ids": a list (a claimed batch) or a queryset of ids (a dry run's subquery)."""
    if isinstance(ids, list | tuple | set | frozenset):
        return InIds(path, sorted(ids))
    return Q(**{f"{path}__in": ids})


# Counts: {"matched": n, "erased": n, "deleted": n, ..., "skipped": {reason: n}, "rows": {model: {action: n}}}.


def new_counts():
    return {"matched": 0, "skipped": {}, "rows": {}}


def bump(counts, key, n=1):
    if n:
        counts[key] = counts.get(key, 0) + n


def bump_rows(counts, model, action, n):
    """Add `n` rows of `model` to `action`, in the per-model detail and in the action's total."""
    if n:
        per_model = counts["rows"].setdefault(model._meta.label, {})
        per_model[action] = per_model.get(action, 0) + n
        bump(counts, action, n)


def skip(counts, reason, n):
    if n:
        counts["skipped"][reason] = counts["skipped"].get(reason, 0) + n


def merge(into, other):
    """`into` plus `other`, as a new dict (so a rolled-back batch leaves the run's counts as they were)."""
    out = json.loads(json.dumps(into))
    for key, value in other.items():
        if key == "skipped":
            for reason, n in value.items():
                skip(out, reason, n)
        elif key == "rows":
            for label, actions in value.items():
                for action, n in actions.items():
                    per_model = out["rows"].setdefault(label, {})
                    per_model[action] = per_model.get(action, 0) + n
        else:
            bump(out, key, value)
    return out


# Keyed hashes: tombstones and the fraud list never hold a value, only its HMAC.


def digest(value: str) -> str:
    return hmac.new(settings.ERASURE_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def customer_digest(pk) -> str:
    return digest(f"customer:{pk}")


def email_digest(email: str) -> str:
    return digest(f"email:{email.strip().lower()}")


# Legal holds, Art. 18 restrictions and open requests, as conditions a query can use.


def holds(at):
    return LegalHold.objects.active(at)


def held_models(at) -> frozenset:
    """Models with at least one record under an active hold: only those need the per-record hold check."""
    types = holds(at).filter(content_type__isnull=False).order_by().values_list("content_type", flat=True).distinct()
    return frozenset(ContentType.objects.get_for_id(pk).model_class() for pk in types)


def record_held(model, at, ref="pk"):
    content_type = ContentType.objects.get_for_model(model)
    return Exists(holds(at).filter(content_type=content_type, object_id=OuterRef(ref)))


def customer_held(at, ref="pk"):
    return Exists(holds(at).filter(customer=OuterRef(ref)))


def restriction_in_force(at, ref="pk"):
    from privacy.models import Restriction
    from privacy.models.requests import RestrictionGround

    in_force = Restriction.objects.filter(
        lifted_at__isnull=True,
        starts_at__lte=at,
        ground__in=(RestrictionGround.UNLAWFUL, RestrictionGround.LEGAL_CLAIMS),
    ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
    return Exists(in_force.filter(customer=OuterRef(ref)))


def open_request(ref="pk", email_ref=None):
    from privacy.models import DataSubjectRequest

    condition = Exists(DataSubjectRequest.objects.open().filter(customer=OuterRef(ref)))
    if email_ref:
        condition |= Exists(DataSubjectRequest.objects.open().filter(requester_email=OuterRef(email_ref)))
    return condition


def active_service(ref="pk"):
    from accounts.models import Service

    return Exists(Service.objects.filter(customer=OuterRef(ref), status=Service.Status.ACTIVE))


# What the registry says, turned into querysets and values once per process.


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
    return tuple(updates), tuple(_referrers_first(deletes)), tuple(lifetime)


def _referrers_first(entries):
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


def _owner_models(entry):
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
    for prefix, model in _owner_models(entry):
        if model in held:
            qs = qs.exclude(record_held(model, at, ref=f"{prefix}pk"))
    if isinstance(entry.erasure, Delete):
        # A row whose cascading child is held stays too: deleting it would take the child with it.
        for dependent, fk, on_delete in _dependents(entry.model):
            if on_delete is models.CASCADE and dependent in held:
                children = dependent._base_manager.filter(**{fk: OuterRef("pk")})
                qs = qs.exclude(Exists(children.filter(record_held(dependent, at))))
    return qs


# Set-based delete with the foreign keys' own rules, and its dry-run twin.


@cache
def _dependents(model):
    found = []
    for rel in model._meta.related_objects:
        if rel.many_to_many or not rel.field.concrete:
            continue
        found.append((rel.related_model, rel.field.name, rel.on_delete))
    return tuple(found)


@cache
def _m2m_tables(model):
    found = []
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        if through._meta.auto_created:
            found.append((through, field.m2m_field_name()))
    return tuple(found)


def delete_rows(model, qs, counts, *, gone=frozenset()):
    """DELETE the rows of `qs`, after doing to dependent rows what their foreign keys say. Returns the count.

    `gone`: models whose rows of these subjects an earlier statement of the same erasure already deleted (no
    statement is sent for them; entry_rows keeps back any parent of a held child, so none can be left behind).
    """
    pks = qs.values("pk")
    for dependent, fk, on_delete in _dependents(model):
        if on_delete is models.CASCADE and dependent in gone:
            continue
        rows = dependent._base_manager.filter(**{f"{fk}__in": pks})
        if on_delete is models.CASCADE:
            delete_rows(dependent, rows, counts, gone=gone)
        elif on_delete is models.SET_NULL:
            rows.update(**{fk: None})
        elif on_delete in (models.PROTECT, models.RESTRICT) and rows.exists():
            raise ProtectedRows(f"{dependent._meta.label}.{fk} still points to {model._meta.label} rows")
    for through, fk in _m2m_tables(model):
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
    for dependent, fk, on_delete in _dependents(model):
        if on_delete is models.CASCADE and dependent not in gone:
            predict_delete(dependent, dependent._base_manager.filter(**{f"{fk}__in": pks}), counts, gone=gone)
    n = qs.count()
    bump_rows(counts, model, "deleted", n)
    return n


# Which customer rows must stay as anonymised tombstones: those that kept rows still point to.


@cache
def _blocking_relations():
    """Relations to the customer whose rows outlive an erasure: keeps, anonymised rows, and unregistered models."""
    user = get_user_model()
    found = []
    for dependent, fk, on_delete in _dependents(user):
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


# Erasure of customers, and of people known only by email.


HOST_FIELDS = ("first_name", "last_name", "company", "address", "postal_code", "city", "country", "vat_number")


def _host_archives(subjects, services, at):
    """R62: with HOST_OBLIGATIONS, a terminated hosting customer's identity goes to the restricted archive."""
    rule = RULES["lcen_host_identity"]
    archives = []
    for row in subjects:
        hosting = row["pk"] in services or row["state"] == get_user_model().State.TERMINATED
        if not hosting:
            continue
        ended = row["terminated_at"] or services.get(row["pk"]) or at
        ended_day = local_date(ended)
        if start_of_day(add_period(ended_day, rule.amount, YEARS)) <= at:
            continue
        identity = {f: str(row[f] or "") for f in HOST_FIELDS}
        account = {}
        if start_of_day(add_period(ended_day, host_account_years(), YEARS)) > at:
            account = {"email": row["email"], "phone": row["phone"], "date_joined": row["date_joined"].isoformat()}
        archives.append(HostArchive(customer_id=row["pk"], identity=identity, account=account, contract_ended_at=ended))
    return archives


def erase_customers(ids, *, reference, at, counts, held=frozenset(), tombstones=True):
    """Erase these customers (already claimed, exceptions already checked) in the caller's transaction."""
    from accounts.models import Service

    user_model = get_user_model()
    if not ids:
        return
    wanted = ["pk", "email", "state", "terminated_at"]
    if settings.HOST_OBLIGATIONS:
        wanted += ["phone", "date_joined", *HOST_FIELDS]
    subjects = list(user_model._base_manager.filter(in_ids("pk", ids)).values(*wanted))
    emails = [row["email"].strip().lower() for row in subjects]
    adminlog_redact(ids=ids, emails=emails)
    services = {}
    if settings.HOST_OBLIGATIONS:
        ends = Service.objects.filter(in_ids("customer", ids)).values("customer").annotate(end=models.Max("ended_at"))
        services = {row["customer"]: row["end"] for row in ends}

    updates, deletes, lifetime = erasure_plan()
    as_is = []
    for entry in updates:
        rows = entry_rows(entry, ids=ids, emails=emails, held=held, at=at)
        if not _update_entry(entry, rows, counts):
            as_is.append((entry, rows))
    gone = set()
    for entry in deletes:
        delete_rows(entry.model, entry_rows(entry, ids=ids, emails=emails, held=held, at=at), counts, gone=gone)
        gone.add(entry.model)
    if settings.HOST_OBLIGATIONS:
        archives = _host_archives(subjects, services, at)
        HostArchive.objects.bulk_create(archives)
        bump_rows(counts, HostArchive, "kept", len(archives))

    blocked = sorted(blocked_ids(ids, held, at))
    free = sorted(set(ids) - set(blocked))
    for entry in lifetime:
        if blocked:
            rows = entry_rows(entry, ids=blocked, held=held, at=at)
            if not _update_entry(entry, rows, counts):
                as_is.append((entry, rows))
        if free:
            delete_rows(entry.model, entry_rows(entry, ids=free, held=held, at=at), counts, gone=gone)
            gone.add(entry.model)
    for (entry, _rows), n in zip(as_is, count_many([rows for _entry, rows in as_is]), strict=True):
        bump_rows(counts, entry.model, "kept", n)

    users = user_model._base_manager
    for through, fk in _m2m_tables(user_model):
        through._base_manager.filter(in_ids(fk, ids))._raw_delete(users.db)
    if blocked:
        n = users.filter(in_ids("pk", blocked)).update(
            **anonymise_values(user_entry()),
            state=user_model.State.ERASED,
            state_changed_at=at,
            erased_at=at,
            is_active=False,
            password="!" + get_random_string(40),
        )
        bump_rows(counts, user_model, "anonymised", n)
    if free:
        delete_rows(user_model, users.filter(in_ids("pk", free)), counts, gone=gone)
    bump(counts, "erased", len(subjects))
    if tombstones:
        tombstone_write(
            [
                ErasureTombstone(
                    kind=ErasureTombstone.Kind.CUSTOMER,
                    subject_digest=customer_digest(row["pk"]),
                    contact_digest=email_digest(row["email"]),
                    reference=reference,
                    erased_at=at,
                )
                for row in subjects
            ]
        )


def count_many(querysets) -> list[int]:
    """COUNT(*) of several querysets in one round trip."""
    from django.db import connection

    if not querysets:
        return []
    parts, params = [], []
    for i, qs in enumerate(querysets):
        sql, sql_params = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{i})")  # noqa: S608 - SQL Django compiled
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def _update_entry(entry, rows, counts):
    """Write what Anonymise or Keep says; returns False for a keep with nothing to blank (the caller counts it)."""
    if isinstance(entry.erasure, Anonymise):
        bump_rows(counts, entry.model, "anonymised", rows.update(**anonymise_values(entry)))
        return True
    blanks = keep_blanks(entry)
    if not blanks:
        return False
    bump_rows(counts, entry.model, "kept", rows.update(**blanks))
    return True


def predict_customers(eligible, *, counts, held, at):
    """What erase_customers would do to the customers of `eligible` (a queryset), counted without writing."""
    user_model = get_user_model()
    ids = eligible.values("pk")
    emails = eligible.annotate(_lower_email=Lower("email")).values("_lower_email")
    updates, deletes, lifetime = erasure_plan()
    for entry in updates:
        rows = entry_rows(entry, ids=ids, emails=emails, held=held, at=at)
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


def _predict_host_archives(eligible, at):
    """The customers of `eligible` that erase_customers would archive (same test, done in Python on few rows)."""
    from accounts.models import Service

    wanted = ["pk", "email", "state", "terminated_at", "phone", "date_joined", *HOST_FIELDS]
    keep = []
    for chunk in _chunks(eligible.order_by("pk").values_list("pk", flat=True).iterator(), 1000):
        subjects = list(get_user_model()._base_manager.filter(pk__in=chunk).values(*wanted))
        ends = Service.objects.filter(customer__in=chunk).values("customer").annotate(end=models.Max("ended_at"))
        services = {row["customer"]: row["end"] for row in ends}
        keep += [a.customer_id for a in _host_archives(subjects, services, at)]
    return eligible.filter(pk__in=keep)


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def email_entries():
    """Registry entries that find a person without an account by email (prospects, public requests, exports)."""
    return [e for e in registry.entries() if e.email_field]


def erase_email_subject(email, *, reference, at, counts, held=frozenset(), tombstone=True, created_before=None):
    """Erase what is held about a person known only by this address: never an account's rows (R11).

    `created_before`: only rows that existed then (a replay after a restore must not erase a later sign-up).
    """
    emails = [email.strip().lower()]
    adminlog_redact(emails=emails)
    entries = email_entries()
    for entry in entries:
        if not isinstance(entry.erasure, Delete):
            rows = email_rows(entry, emails, held, at, created_before)
            if not _update_entry(entry, rows, counts):
                bump_rows(counts, entry.model, "kept", rows.count())
    for entry in _referrers_first([e for e in entries if isinstance(e.erasure, Delete)]):
        delete_rows(entry.model, email_rows(entry, emails, held, at, created_before), counts)
    bump(counts, "erased")
    if tombstone:
        kind = ErasureTombstone.Kind.EMAIL
        tombstone_write(
            [ErasureTombstone(kind=kind, subject_digest=email_digest(email), reference=reference, erased_at=at)]
        )


def predict_email_subject(email, *, counts, held, at):
    """What erase_email_subject would do, counted without writing."""
    emails = [email.strip().lower()]
    entries = email_entries()
    for entry in entries:
        if not isinstance(entry.erasure, Delete):
            action = "anonymised" if isinstance(entry.erasure, Anonymise) else "kept"
            bump_rows(counts, entry.model, action, email_rows(entry, emails, held, at).count())
    gone = set()
    for entry in _referrers_first([e for e in entries if isinstance(e.erasure, Delete)]):
        predict_delete(entry.model, email_rows(entry, emails, held, at), counts, gone=gone)
        gone.add(entry.model)
    bump(counts, "erased")


CREATED_FIELDS = ("created_at", "submitted_at", "date_joined")


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


# Tombstones, in the database and in an append-only journal outside it (a restore brings back neither rows nor
# tombstones written after the backup; the journal lets replay_erasures find them).


def tombstone_write(tombstones):
    ErasureTombstone.objects.bulk_create(tombstones)
    journal = getattr(settings, "ERASURE_JOURNAL", "")
    if journal and tombstones:
        lines = "".join(
            json.dumps(
                {
                    "kind": t.kind,
                    "subject": t.subject_digest,
                    "contact": t.contact_digest,
                    "reference": t.reference,
                    "erased_at": t.erased_at.isoformat(),
                }
            )
            + "\n"
            for t in tombstones
        )
        transaction.on_commit(lambda: _journal_append(Path(journal), lines))


def _journal_append(path, lines):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as journal:
            journal.write(lines)
    except OSError:
        # The database holds every tombstone; the journal is the copy for restores. Say so loudly, do not undo.
        log.exception("could not append to the erasure journal %s", path)


def journal_read(path):
    path = Path(path)
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as journal:
        for line in journal:
            if line.strip():
                yield json.loads(line)
