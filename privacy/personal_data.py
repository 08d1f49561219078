"""What the registry says is held about one customer, read in one query per registered model.

The customer's "My Personal Data" page and the admin's "Personal data held" panel show it; the export reads the
registry itself (exports/builder), with the same column labels from `Entry.column_label`.
"""

from dataclasses import dataclass

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


def _labeller(entry, path):
    field = entry.final_field(path)
    choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None
    if choices:
        return lambda v: choices.get(v, v)
    return lambda v: v


def subject_rows(entry, user):
    """The customer's rows of one registered model, plus what was held under their verified address before the
    account existed (a prospect's details, R08), exactly as the export finds them."""
    rows = entry.rows_for_user(user) if entry.owner is not None else entry.model._default_manager.none()
    if entry.email_field and user.email_verified_at:
        rows = rows | entry.rows_for_email(user.email)
    return rows


def personal_data_for(user, *, limit=20) -> list[tuple]:
    """[(category, [Section, ...]), ...] in registry order; `limit` newest rows per model."""
    by_category = {}
    for entry in registry.entries():
        if entry.owner is None and not entry.email_field:
            continue
        labellers = [_labeller(entry, f) for f in entry.fields]
        qs = subject_rows(entry, user)
        raw = list(qs.order_by("-pk").values_list(*entry.fields)[:limit])
        if entry.shown is not None:
            raw = [[entry.shown(dict(zip(entry.fields, row, strict=True)))[f] for f in entry.fields] for row in raw]
        rows = [[label(value) for label, value in zip(labellers, row, strict=True)] for row in raw]
        total = len(rows) if len(rows) < limit else qs.count()
        section = Section(entry, [entry.column_label(f) for f in entry.fields], rows, total)
        by_category.setdefault(entry.category.slug, (entry.category, []))[1].append(section)
    return list(by_category.values())
