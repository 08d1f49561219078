"""What the registry says is held about one customer: one query counts every registered model's rows, then one
query per model that holds something reads its newest rows.

The customer's "My Personal Data" page and the admin's "Personal data held" panel show it; the export reads the
registry itself (exports/builder), with the same column labels from `Entry.column_label`.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.manager import BaseManager
from django.utils import timezone, translation
from django.utils.text import capfirst

from privacy import prepared
from privacy.registry import Entry, registry


@dataclass
class Section:
    entry: Entry
    columns: list[str]
    rows: list[list]
    total: int

    @property
    def truncated(self):
        return self.total > len(self.rows)


# Choice labels and column headings per model, field and language: building a country field's choices translates
# some 250 names, and the pages asked for them on every view.
_choices_memo = {}
_columns_memo = {}


def _choices(entry, path):
    key = (entry.model, path, translation.get_language())
    if key not in _choices_memo:
        field = entry.final_field(path)
        # Translated now (the memo is per language): a lazy label was translated again at each cell it filled.
        choices = getattr(field, "flatchoices", None)
        _choices_memo[key] = {value: str(label) for value, label in choices} if choices else None
    return _choices_memo[key]


def _labeller(entry, path):
    choices = _choices(entry, path)
    if choices:
        return lambda v: choices.get(v, v)
    return lambda v: v


def columns(entry):
    """The column headings of an entry's shown fields, capitalised, in the active language."""
    key = (entry.model, translation.get_language())
    if key not in _columns_memo:
        _columns_memo[key] = [str(capfirst(entry.column_label(f))) for f in entry.fields]
    return list(_columns_memo[key])


def subject_rows(entry, user):
    """The customer's rows of one registered model, plus what was held under their verified address before the
    account existed (a prospect's details, R08), exactly as the export finds them."""
    rows = entry.rows_for_user(user) if entry.owner is not None else entry.model._default_manager.none()
    if entry.email_field and user.email_verified_at:
        rows = rows | entry.rows_for_email(user.email)
    return rows


# The counting and reading queries are compiled once per process for a stand-in account, then run with the real
# account's id and address in their parameters: compiling some forty querysets was most of the cost of a page
# showing them. Only for a model whose default manager adds nothing of its own: a manager may filter on the moment
# (a disclosure under secrecy until a date), which must be read at each view, never frozen at the first.
_STAND_IN_PK = -7_406_315_999_001
_STAND_IN_EMAIL = "stand-in@compiled-once.invalid"
_DYNAMIC = object()
_counting = {}


def _stand_in(with_email):
    stand_in = get_user_model()(pk=_STAND_IN_PK, email=_STAND_IN_EMAIL)
    stand_in.email_verified_at = timezone.now() if with_email else None
    stand_in._state.adding = False
    return stand_in


def _compiled_once(entry):
    """Whether the entry's querysets depend on nothing but the account: its default manager filters nothing."""
    return type(entry.model._default_manager).get_queryset is BaseManager.get_queryset


def _count_part(entry, user):
    """(db, SQL counting `user`'s rows of `entry`, params), or None when the entry cannot hold any."""
    qs = subject_rows(entry, user)
    try:
        sql, params = qs.order_by().values("pk").query.get_compiler(qs.db).as_sql()
    except EmptyResultSet:  # a .none() queryset: nothing to count
        return None
    return qs.db, sql, list(params)


def _count_part_for(entry, user):
    with_email = bool(user.email_verified_at)
    key = (entry.model, with_email)
    if key not in _counting:
        part = _count_part(entry, _stand_in(with_email)) if _compiled_once(entry) else _DYNAMIC
        if part not in (None, _DYNAMIC) and not _stand_ins_found(part[2], [entry], with_email):
            part = _DYNAMIC
        _counting[key] = part
    part = _counting[key]
    if part is _DYNAMIC:
        return _count_part(entry, user)
    if part is None:
        return None
    db, sql, params = part
    return db, sql, _bind(params, user, db)


def _stand_ins_found(params, entries, with_email):
    """Whether every entry's filter put the stand-in's id (and address, when it is looked up) among `params`."""
    owned = sum(1 for e in entries if e.owner is not None)
    by_email = sum(1 for e in entries if e.email_field) if with_email else 0
    ids = sum(1 for p in params if p == _STAND_IN_PK)
    emails = sum(1 for p in params if isinstance(p, str) and _STAND_IN_EMAIL in p)
    return ids >= owned and emails >= by_email


def _bind(params, user, db):
    """The stand-in's parameters with `user`'s id and address, prepared as the email lookup prepares it."""
    email = connections[db].ops.prep_for_iexact_query(user.email.strip().lower())
    return [user.pk if p == _STAND_IN_PK else email if p == _STAND_IN_EMAIL else p for p in params]


def held_counts(entries, user) -> list[int]:
    """How many rows of `user` each entry holds (as subject_rows finds them), counted in one query (a scalar
    subquery per entry), so that a page listing some forty kinds of record pays one round trip for them all."""
    counts = [0] * len(entries)
    by_db = {}
    for i, entry in enumerate(entries):
        if (part := _count_part_for(entry, user)) is not None:
            db, sql, params = part
            by_db.setdefault(db, []).append((i, sql, params))
    for db, parts in by_db.items():
        # Each part is SQL Django compiled, its values left as parameters: nothing here is text from a person.
        select = ", ".join(f"(SELECT COUNT(*) FROM ({sql}) AS held_{n})" for n, (_, sql, _) in enumerate(parts))  # noqa: S608
        row = prepared.fetchone(db, f"SELECT {select}", [p for _, _, params in parts for p in params])
        for (i, _, _), n in zip(parts, row, strict=True):
            counts[i] = n
    return counts


_reading = {}


def _newest(entry, user, limit):
    return subject_rows(entry, user).order_by("-pk").values_list(*entry.fields)[:limit]


def newest_rows(entry, user, limit) -> list[tuple]:
    """The `limit` newest rows of `user` in `entry` (its shown fields, as values_list gives them), read with SQL
    compiled once per process for the stand-in account, its values converted as the ORM converts them."""
    with_email = bool(user.email_verified_at)
    key = (entry.model, with_email, limit)
    if key not in _reading and not _compiled_once(entry):
        _reading[key] = None
    if key not in _reading:
        qs = _newest(entry, _stand_in(with_email), limit)
        compiler = qs.query.get_compiler(qs.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            _reading[key] = None
        else:
            found = _stand_ins_found(params, [entry], with_email)
            _reading[key] = (qs.db, sql, list(params), compiler) if found else None
    if _reading[key] is None:
        return list(_newest(entry, user, limit))
    db, sql, params, compiler = _reading[key]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, _bind(params, user, db))
        rows = cursor.fetchall()
    converters = compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]])
    if converters:
        rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return rows


def personal_data_for(user, *, limit=20) -> list[tuple]:
    """[(category, [Section, ...]), ...] in registry order; `limit` newest rows per model.

    One query counts what every model holds; the rows are read only for the models that hold some."""
    entries = [e for e in registry.entries() if e.owner is not None or e.email_field]
    by_category = {}
    for entry, total in zip(entries, held_counts(entries, user), strict=True):
        rows = []
        if total:
            labellers = [_labeller(entry, f) for f in entry.fields]
            raw = newest_rows(entry, user, limit)
            if entry.shown is not None:
                raw = [[entry.shown(dict(zip(entry.fields, row, strict=True)))[f] for f in entry.fields] for row in raw]
            rows = [[label(value) for label, value in zip(labellers, row, strict=True)] for row in raw]
        section = Section(entry, columns(entry), rows, total)
        by_category.setdefault(entry.category.slug, (entry.category, []))[1].append(section)
    return list(by_category.values())
