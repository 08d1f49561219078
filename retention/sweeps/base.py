"""What every sweep shares: the run's context, the claim table of due ids, and the select-claim-act loop.

A run puts the ids of what is due in a temporary table, takes out what each exception keeps back (counting it),
then works through the rest in windows of ids, one transaction each. A window is claimed with
SELECT ... FOR UPDATE SKIP LOCKED after checking again that its rows are still eligible (a plain DELETE of rows
nothing points to is its own claim). Two workers on one rule therefore never act on the same row, and a worker
killed mid-batch leaves that batch untouched for the next run. SQLite has no row locks; its single writer
serialises runs, and each batch takes the write lock before it reads its claim.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.expressions import RawSQL

from retention.engine.conditions import customer_held, held_models, record_held
from retention.engine.counts import bump, bump_rows, merge, new_counts, skip
from retention.engine.delete import delete_rows, predict_delete
from retention.engine.sql import dependents, in_ids, m2m_tables
from retention.models import LegalHold, RetentionRun


@dataclass
class Context:
    as_of: date
    at: datetime
    dry_run: bool = False
    batch_size: int = 1000
    record_batch_size: int = 10000
    before: frozenset = frozenset()
    run_id: int | None = None
    counts: dict = field(default_factory=new_counts)
    held: frozenset = frozenset()
    customers_held: bool = False

    def refresh_holds(self):
        self.held = held_models(self.at)
        self.customers_held = LegalHold.objects.active(self.at).filter(customer__isnull=False).exists()


def customers():
    """Customer accounts the rules may act on: never staff, never an account already erased."""
    user = get_user_model()
    return user._base_manager.filter(is_staff=False, is_superuser=False).exclude(state=user.State.ERASED)


def save_counts(ctx, counts):
    """Store a real run's counts so far on its RetentionRun row (a dry run has none)."""
    if ctx.run_id:
        RetentionRun.objects.filter(pk=ctx.run_id).update(counts=counts)


class ClaimTable:
    """The ids of what a sweep found due, in a temporary table of the session, claimed from it window by window.

    The due rows go in with one plain query; each exception then deletes the rows it keeps back, and the
    statement's row count is that exception's skip count. What is left is eligible. Asking the planner instead
    for "the next n eligible rows in id order" on every batch costs a walk of the whole table each time.
    Memory stays in the database, whatever the number of rows.
    """

    NAME = "retention_claim"

    def __init__(self, model, due):
        self.model, self.due = model, due
        self.connection = connections[due.db]
        self.matched = 0

    def __enter__(self):
        sql, params = self.due.order_by().values_list("pk").query.sql_with_params()
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.NAME}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.NAME} (pk bigint PRIMARY KEY)")
            cursor.execute(f"INSERT INTO {self.NAME} (pk) {sql}", params)
            self.matched = cursor.rowcount
        return self

    def __exit__(self, *exc):
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.NAME}")

    def ids(self):
        return RawSQL(f"SELECT pk FROM {self.NAME}", ())  # noqa: S608, S611 - our own table name, no input

    def drop_where(self, condition) -> int:
        """Take out the rows `condition` keeps back; returns how many."""
        kept = self.model._base_manager.filter(pk__in=self.ids()).filter(condition).order_by().values_list("pk")
        sql, params = kept.query.sql_with_params()
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.NAME} WHERE pk IN ({sql})", params)  # noqa: S608
            return cursor.rowcount

    def remaining(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.NAME}")  # noqa: S608
            return cursor.fetchone()[0]

    def window(self, *, after, size):
        with self.connection.cursor() as cursor:
            if after is None:
                cursor.execute(f"SELECT pk FROM {self.NAME} ORDER BY pk LIMIT %s", [size])  # noqa: S608
            else:
                cursor.execute(f"SELECT pk FROM {self.NAME} WHERE pk > %s ORDER BY pk LIMIT %s", [after, size])  # noqa: S608
            return [row[0] for row in cursor.fetchall()]


class Sweep:
    rule = ""
    model = None
    # Subjects (customers) are claimed by RETENTION_BATCH_SIZE, plain records by RETENTION_RECORD_BATCH_SIZE.
    subjects = False
    action = "deleted"

    def due(self, ctx):
        raise NotImplementedError

    def exceptions(self, ctx):
        return []

    def taken_earlier(self, ctx):
        """Rows an earlier rule of the same run acts on (dry runs leave them out: a real run finds them gone)."""
        return None

    def act(self, ids, ctx, counts):
        delete_rows(self.model, self.model._base_manager.filter(in_ids("pk", ids)), counts)

    def predict(self, eligible, ctx, counts):
        predict_delete(self.model, eligible, counts)

    def eligible(self, ctx, chained=True):
        """What is due less what the exceptions keep, as one queryset (anti-joins the planner can hash)."""
        qs = self.selection(ctx, chained)
        for _reason, condition in self.exceptions(ctx):
            qs = qs.exclude(condition)
        return qs

    def selection(self, ctx, chained=True):
        qs = self.due(ctx)
        earlier = self.taken_earlier(ctx) if chained and ctx.dry_run else None
        return qs if earlier is None else qs.exclude(earlier)

    def select(self, ctx):
        """The claim table of this run: due rows less the exceptions, skips counted by reason."""
        table = ClaimTable(self.model, self.selection(ctx))
        table.__enter__()
        bump(ctx.counts, "matched", table.matched)
        for reason, condition in self.exceptions(ctx):
            skip(ctx.counts, reason, table.drop_where(condition))
        return table

    @property
    def deletes_directly(self):
        """A plain delete of rows nothing points to: the DELETE itself claims them (its row locks)."""
        plain = type(self).act is Sweep.act
        return plain and not dependents(self.model) and not m2m_tables(self.model)

    def run(self, ctx):
        if self.deletes_directly and not self.exceptions(ctx):
            self.run_ranges(ctx)
            return
        table = self.select(ctx)
        try:
            if ctx.dry_run:
                self.predict(self.model._base_manager.filter(pk__in=table.ids()), ctx, ctx.counts)
                return
            eligible = self.eligible(ctx)
            size = ctx.batch_size if self.subjects else ctx.record_batch_size
            last = None
            while window := table.window(after=last, size=size):
                # Still eligible (rows may have changed since the selection), and not taken by another worker.
                # A dense window is an id range (one index walk); a sparse one, its ids (no re-check of the gaps).
                dense = window[-1] - window[0] < 2 * len(window)
                rows = eligible.filter(Q(pk__range=(window[0], window[-1])) if dense else in_ids("pk", window))
                self.batch(ctx, rows)
                last = window[-1]
        finally:
            table.__exit__(None, None, None)

    def run_ranges(self, ctx):
        """Plain deletes nothing is excepted from: id ranges of at most a batch each, no table of ids needed."""
        due = self.selection(ctx)
        found = due.order_by().aggregate(n=Count("pk"), low=Min("pk"), high=Max("pk"))
        bump(ctx.counts, "matched", found["n"])
        if ctx.dry_run:
            bump_rows(ctx.counts, self.model, "deleted", found["n"])
            return
        low = found["low"]
        while low is not None and low <= found["high"]:
            high = low + ctx.record_batch_size - 1
            self.batch(ctx, due.filter(pk__range=(low, high)))
            low = high + 1

    def batch(self, ctx, rows):
        """One transaction: claim the rows (their locks; others' locked rows are skipped), act, store the counts."""
        counts = new_counts()
        with transaction.atomic():
            # Write first: on SQLite this takes the database's write lock before the claim is read.
            save_counts(ctx, ctx.counts)
            if self.deletes_directly:
                bump_rows(counts, self.model, "deleted", rows._raw_delete(rows.db))
            else:
                ids = list(rows.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True))
                if ids:
                    self.act(ids, ctx, counts)
            merged = merge(ctx.counts, counts)
            save_counts(ctx, merged)
        ctx.counts = merged

    # Conditions shared by the record rules.

    def legal_hold(self, ctx, owner=None):
        condition = None
        if self.model in ctx.held:
            condition = record_held(self.model, ctx.at)
        if owner and ctx.customers_held:
            held = customer_held(ctx.at, ref=owner)
            condition = held if condition is None else condition | held
        return [("legal_hold", condition)] if condition is not None else []
