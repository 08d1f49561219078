"""What the registry says is held about one customer, read in one query per registered model.

The admin's customer page reads this now; the "My Personal Data" page and the export read it too.
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


def _final_field(model, path):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return field


def _labeller(model, path):
    field = _final_field(model, path)
    choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None
    if choices:
        return lambda v: choices.get(v, v)
    return lambda v: v


def column_label(model, path):
    return str(_final_field(model, path).verbose_name)


def personal_data_for(user, *, limit=20) -> list[tuple]:
    """[(category, [Section, ...]), ...] in registry order; `limit` newest rows per model."""
    by_category = {}
    for entry in registry.entries():
        if entry.owner is None:
            continue
        labellers = [_labeller(entry.model, f) for f in entry.fields]
        qs = entry.rows_for_user(user)
        rows = [
            [label(value) for label, value in zip(labellers, row, strict=True)]
            for row in qs.order_by("-pk").values_list(*entry.fields)[:limit]
        ]
        total = len(rows) if len(rows) < limit else qs.count()
        section = Section(entry, [column_label(entry.model, f) for f in entry.fields], rows, total)
        by_category.setdefault(entry.category.slug, (entry.category, []))[1].append(section)
    return list(by_category.values())
