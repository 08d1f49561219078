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


def personal_data_for(user, *, limit=20) -> list[tuple]:
    """[(category, [Section, ...]), ...] in registry order; `limit` newest rows per model."""
    by_category = {}
    for entry in registry.entries():
        if entry.owner is None:
            continue
        labellers = [_labeller(entry, f) for f in entry.fields]
        qs = entry.rows_for_user(user)
        rows = [
            [label(value) for label, value in zip(labellers, row, strict=True)]
            for row in qs.order_by("-pk").values_list(*entry.fields)[:limit]
        ]
        total = len(rows) if len(rows) < limit else qs.count()
        section = Section(entry, [entry.column_label(f) for f in entry.fields], rows, total)
        by_category.setdefault(entry.category.slug, (entry.category, []))[1].append(section)
    return list(by_category.values())
