"""What the registry says is held about one customer: one query counts every registered model's rows, then one
query per model that holds something reads its newest rows.

The customer's "My Personal Data" page and the admin's "Personal data held" panel show it; the export reads the
registry itself (exports/builder), with the same column labels from `Entry.column_label`.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils import translation
from django.utils.text import capfirst

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
        _choices_memo[key] = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None
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
        _columns_memo[key] = [capfirst(entry.column_label(f)) for f in entry.fields]
    return list(_columns_memo[key])


def subject_rows(entry, user):
    """The customer's rows of one registered model, plus what was held under their verified address before the
    account existed (a prospect's details, R08), exactly as the export finds them."""
    rows = entry.rows_for_user(user) if entry.owner is not None else entry.model._default_manager.none()
    if entry.email_field and user.email_verified_at:
        rows = rows | entry.rows_for_email(user.email)
    return rows


def held_counts(querysets) -> list[int]:
    """How many rows each queryset holds, counted in one query (a scalar subquery per queryset), so that a page
    listing some forty kinds of record, most of them empty for most people, pays one round trip for them all."""
    counts = [0] * len(querysets)
    by_db = {}
    for i, qs in enumerate(querysets):
        try:
            sql, params = qs.order_by().values("pk").query.get_compiler(qs.db).as_sql()
        except EmptyResultSet:  # a .none() queryset: nothing to count
            continue
        by_db.setdefault(qs.db, []).append((i, sql, params))
    for db, parts in by_db.items():
        # Each part is SQL Django compiled, its values left as parameters: nothing here is text from a person.
        select = ", ".join(f"(SELECT COUNT(*) FROM ({sql}) AS held_{n})" for n, (_, sql, _) in enumerate(parts))  # noqa: S608
        with connections[db].cursor() as cursor:
            cursor.execute(f"SELECT {select}", [p for _, _, params in parts for p in params])
            for (i, _, _), n in zip(parts, cursor.fetchone(), strict=True):
                counts[i] = n
    return counts


def personal_data_for(user, *, limit=20) -> list[tuple]:
    """[(category, [Section, ...]), ...] in registry order; `limit` newest rows per model.

    One query counts what every model holds; the rows are read only for the models that hold some."""
    entries = [e for e in registry.entries() if e.owner is not None or e.email_field]
    querysets = [subject_rows(entry, user) for entry in entries]
    by_category = {}
    for entry, qs, total in zip(entries, querysets, held_counts(querysets), strict=True):
        rows = []
        if total:
            labellers = [_labeller(entry, f) for f in entry.fields]
            raw = list(qs.order_by("-pk").values_list(*entry.fields)[:limit])
            if entry.shown is not None:
                raw = [[entry.shown(dict(zip(entry.fields, row, strict=True)))[f] for f in entry.fields] for row in raw]
            rows = [[label(value) for label, value in zip(labellers, row, strict=True)] for row in raw]
        section = Section(entry, columns(entry), rows, total)
        by_category.setdefault(entry.category.slug, (entry.category, []))[1].append(section)
    return list(by_category.values())
