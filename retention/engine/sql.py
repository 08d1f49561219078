"""SQL helpers of the engine and the sweeps: ids as one parameter, several counts in one round trip, and the
foreign keys and many-to-many tables of a model (what a set-based delete must handle first).
"""

from functools import cache

from django.db import connection, models
from django.db.models import Q


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


def count_many(querysets) -> list[int]:
    """COUNT(*) of several querysets in one round trip."""
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


@cache
def dependents(model):
    """(model, foreign key name, on_delete) of every concrete foreign key pointing to `model`."""
    found = []
    for rel in model._meta.related_objects:
        if rel.many_to_many or not rel.field.concrete:
            continue
        found.append((rel.related_model, rel.field.name, rel.on_delete))
    return tuple(found)


@cache
def m2m_tables(model):
    """(auto-created through model, column naming `model`) of `model`'s own many-to-many fields."""
    found = []
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        if through._meta.auto_created:
            found.append((through, field.m2m_field_name()))
    return tuple(found)
