"""One sweep per rule: select what is due, count what each exception keeps, then act on claimed batches.

A run puts the ids of what is due in a temporary table, takes out what each exception keeps back (counting it),
then works through the rest in windows of ids, one transaction each. A window is claimed with
SELECT ... FOR UPDATE SKIP LOCKED after checking again that its rows are still eligible (a plain DELETE of rows
nothing points to is its own claim). Two workers on one rule therefore never act on the same row, and a worker
killed mid-batch leaves that batch untouched for the next run. SQLite has no row locks; its single writer
serialises runs, and each batch takes the write lock before it reads its claim.

A dry run makes the same selection and counts, and writes nothing. Within one run the rules go in RUN_ORDER, and a
later rule's dry run leaves out what an earlier rule of the same run takes (its rows are gone by then in a real
run), so a dry run reports what a real run would act on.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Lower

from retention import engine
from retention.engine import bump, bump_rows, merge, new_counts, skip
from retention.models import FraudMarker, HostArchive, LegalHold, RetentionRun
from retention.rules import RULES, YEARS, cutoff, host_account_years

RUN_ORDER = (
    # Tombstones freed by yesterday's deletions first, so nothing later in the run changes what it sees.
    "customer_lifetime",
    # Customer-level erasures, in this precedence when one customer is due under several.
    "customer_terminated_erase",
    "minor_erase",
    "customer_archived_erase",
    "customer_empty_erase",
    "customer_inactive_archive",
    "invoice_cancelled_delete",
    "order_stale_delete",
    "accounting_records_delete",
    "order_data_delete",
    "support_ticket_delete",
    "connection_log_delete",
    "prospect_delete",
    "fraud_marker_delete",
    "request_file_anonymise",
    "public_request_unconfirmed_delete",
    "lcen_host_identity",
    "cookie_consent_expire",
    "cookie_refusal_reask",
    "audience_raw_delete",
    "export_expire",
    "suppression_keep",
    "accountability_keep",
)
ERASE_RULES = ("customer_terminated_erase", "minor_erase", "customer_archived_erase", "customer_empty_erase")


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
        self.held = engine.held_models(self.at)
        self.customers_held = LegalHold.objects.active(self.at).filter(customer__isnull=False).exists()


def customers():
    """Customer accounts the rules may act on: never staff, never an account already erased."""
    user = get_user_model()
    return user._base_manager.filter(is_staff=False, is_superuser=False).exclude(state=user.State.ERASED)


def _save(ctx, counts):
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
        engine.delete_rows(self.model, self.model._base_manager.filter(engine.in_ids("pk", ids)), counts)

    def predict(self, eligible, ctx, counts):
        engine.predict_delete(self.model, eligible, counts)

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
        return plain and not engine._dependents(self.model) and not engine._m2m_tables(self.model)

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
                rows = eligible.filter(Q(pk__range=(window[0], window[-1])) if dense else engine.in_ids("pk", window))
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
            _save(ctx, ctx.counts)
            if self.deletes_directly:
                bump_rows(counts, self.model, "deleted", rows._raw_delete(rows.db))
            else:
                ids = list(rows.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True))
                if ids:
                    self.act(ids, ctx, counts)
            merged = merge(ctx.counts, counts)
            _save(ctx, merged)
        ctx.counts = merged

    # Conditions shared by the record rules.

    def legal_hold(self, ctx, owner=None):
        condition = None
        if self.model in ctx.held:
            condition = engine.record_held(self.model, ctx.at)
        if owner and ctx.customers_held:
            held = engine.customer_held(ctx.at, ref=owner)
            condition = held if condition is None else condition | held
        return [("legal_hold", condition)] if condition is not None else []

    def erased_tonight(self, ctx):
        """Customers the erase rules earlier in this run act on (a queryset of ids), or None."""
        earlier = [SWEEPS[name][0] for name in ERASE_RULES if name in ctx.before]
        if not earlier:
            return None
        ids = earlier[0].eligible(ctx, chained=False).values("pk")
        for sweep in earlier[1:]:
            ids = ids.union(sweep.eligible(ctx, chained=False).values("pk"))
        return customers().filter(pk__in=ids)


# Customer-level rules.


class CustomerSweep(Sweep):
    subjects = True

    @property
    def model(self):
        return get_user_model()

    def exceptions(self, ctx):
        conditions = {
            "legal_hold": engine.customer_held(ctx.at) if ctx.customers_held else None,
            "open_request": engine.open_request(email_ref="email"),
            "restriction": engine.restriction_in_force(ctx.at),
            "active_service": engine.active_service(),
        }
        return [(r, conditions[r]) for r in RULES[self.rule].exceptions if conditions.get(r) is not None]


class CustomerErase(CustomerSweep):
    action = "erased"

    def taken_earlier(self, ctx):
        earlier = [name for name in ERASE_RULES[: ERASE_RULES.index(self.rule)] if name in ctx.before]
        if not earlier:
            return None
        condition = Q(pk__in=[])
        for name in earlier:
            condition |= Q(pk__in=SWEEPS[name][0].eligible(ctx, chained=False).values("pk"))
        return condition

    def act(self, ids, ctx, counts):
        engine.erase_customers(ids, reference=self.rule, at=ctx.at, counts=counts, held=ctx.held)

    def predict(self, eligible, ctx, counts):
        engine.predict_customers(eligible, counts=counts, held=ctx.held, at=ctx.at)


class TerminatedErase(CustomerErase):
    rule = "customer_terminated_erase"

    def due(self, ctx):
        user = get_user_model()
        since = Greatest(
            Coalesce("terminated_at", "state_changed_at"),
            Coalesce("last_login", "terminated_at", "state_changed_at"),
        )
        return customers().filter(state=user.State.TERMINATED).alias(since=since).filter(since__lt=self.cutoff(ctx))

    def cutoff(self, ctx):
        return RULES[self.rule].cutoff(ctx.as_of)


class MinorErase(CustomerErase):
    rule = "minor_erase"

    def due(self, ctx):
        return customers().filter(flagged_minor_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class ArchivedErase(CustomerErase):
    rule = "customer_archived_erase"

    def due(self, ctx):
        user = get_user_model()
        return customers().filter(state=user.State.ARCHIVED, archived_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class EmptyErase(CustomerErase):
    rule = "customer_empty_erase"

    def due(self, ctx):
        from accounts.models import Order, Service

        return customers().filter(
            ~Exists(Order.objects.filter(customer=OuterRef("pk"))),
            ~Exists(Service.objects.filter(customer=OuterRef("pk"))),
            date_joined__lt=RULES[self.rule].cutoff(ctx.as_of),
        )


class InactiveArchive(CustomerSweep):
    rule = "customer_inactive_archive"
    action = "archived"
    # One UPDATE of the customer rows, no erasure: batches as large as plain records'.
    subjects = False

    def due(self, ctx):
        from accounts.models import Order, Service

        user = get_user_model()
        last_order = Order.objects.filter(customer=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
        last_end = Service.objects.filter(customer=OuterRef("pk"), ended_at__isnull=False)
        last_end = last_end.order_by("-ended_at").values("ended_at")[:1]
        # last_activity_at is the trigger; the login, order and service-end dates guard against a stale value.
        last_seen = Greatest(
            Coalesce("last_activity_at", "date_joined"),
            Coalesce("last_login", "date_joined"),
            Coalesce(Subquery(last_order), "date_joined"),
            Coalesce(Subquery(last_end), "date_joined"),
        )
        cut = RULES[self.rule].cutoff(ctx.as_of)
        return (
            customers()
            .filter(state=user.State.ACTIVE)
            .filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=cut))
            .alias(last_seen=last_seen)
            .filter(last_seen__lt=cut)
        )

    def taken_earlier(self, ctx):
        erased = self.erased_tonight(ctx)
        return None if erased is None else Q(pk__in=erased.values("pk"))

    def act(self, ids, ctx, counts):
        user = get_user_model()
        n = user._base_manager.filter(engine.in_ids("pk", ids)).update(
            state=user.State.ARCHIVED, state_changed_at=ctx.at, archived_at=ctx.at, is_active=False
        )
        bump_rows(counts, user, "archived", n)

    def predict(self, eligible, ctx, counts):
        bump_rows(counts, get_user_model(), "archived", eligible.count())


class CustomerLifetime(CustomerSweep):
    """Erased accounts that no kept record points to any more: the tombstone and its consent proof go."""

    rule = "customer_lifetime"

    def due(self, ctx):
        user = get_user_model()
        erased = user._base_manager.filter(is_staff=False, is_superuser=False, state=user.State.ERASED)
        return erased.exclude(engine.blocking_condition(ctx.held, ctx.at))

    def act(self, ids, ctx, counts):
        _updates, _deletes, lifetime = engine.erasure_plan()
        for entry in lifetime:
            engine.delete_rows(entry.model, engine.entry_rows(entry, ids=ids, held=ctx.held, at=ctx.at), counts)
        engine.delete_rows(self.model, self.model._base_manager.filter(engine.in_ids("pk", ids)), counts)

    def predict(self, eligible, ctx, counts):
        _updates, _deletes, lifetime = engine.erasure_plan()
        ids = eligible.values("pk")
        for entry in lifetime:
            engine.predict_delete(entry.model, engine.entry_rows(entry, ids=ids, held=ctx.held, at=ctx.at), counts)
        engine.predict_delete(self.model, eligible, counts)


# Record-level rules.


class RecordSweep(Sweep):
    owner = "customer"

    def exceptions(self, ctx):
        found = self.legal_hold(ctx, self.owner)
        if "open_request" in RULES[self.rule].exceptions and self.owner:
            found.append(("open_request", engine.open_request(ref=self.owner)))
        return found + self.more_exceptions(ctx)

    def more_exceptions(self, ctx):
        return []


class InvoiceCancelled(RecordSweep):
    rule = "invoice_cancelled_delete"

    @property
    def model(self):
        from accounts.models import Invoice

        return Invoice

    def due(self, ctx):
        return self.model._base_manager.filter(
            number__isnull=True, status=self.model.Status.CANCELLED, cancelled_at__lt=RULES[self.rule].cutoff(ctx.as_of)
        )

    def more_exceptions(self, ctx):
        from accounts.models import Transaction

        return [("linked_record_kept", Exists(Transaction.objects.filter(invoice=OuterRef("pk"))))]


class OrderStale(RecordSweep):
    rule = "order_stale_delete"

    @property
    def model(self):
        from accounts.models import Order

        return Order

    def due(self, ctx):
        order = self.model
        stale = (order.Status.CANCELLED, order.Status.PENDING, order.Status.FRAUDULENT)
        return order._base_manager.filter(status__in=stale, status_changed_at__lt=RULES[self.rule].cutoff(ctx.as_of))

    def more_exceptions(self, ctx):
        from accounts.models import AffiliateCommission, Invoice, Service, Transaction

        accepted = (AffiliateCommission.Status.ACCEPTED, AffiliateCommission.Status.PAID)
        captured = (Transaction.Status.SUCCEEDED, Transaction.Status.REFUNDED)
        return [
            ("active_service", Exists(Service.objects.filter(order=OuterRef("pk"), status=Service.Status.ACTIVE))),
            (
                "accepted_commission",
                Exists(AffiliateCommission.objects.filter(order=OuterRef("pk"), status__in=accepted)),
            ),
            (
                "paid_or_invoiced",
                Exists(Transaction.objects.filter(order=OuterRef("pk"), status__in=captured))
                | Exists(Invoice.objects.filter(order=OuterRef("pk"), number__isnull=False)),
            ),
        ]

    @staticmethod
    def open_commissions(orders):
        """Pending or rejected commissions on these orders: they go with the order (accepted ones are kept)."""
        from accounts.models import AffiliateCommission

        done = (AffiliateCommission.Status.ACCEPTED, AffiliateCommission.Status.PAID)
        return AffiliateCommission._base_manager.filter(engine.in_ids("order", orders)).exclude(status__in=done)

    def act(self, ids, ctx, counts):
        from accounts.models import AffiliateCommission

        fraud = self.model._base_manager.filter(engine.in_ids("pk", ids), status=self.model.Status.FRAUDULENT)
        markers = {}
        for email, ip in fraud.values_list("customer__email", "buyer_ip"):
            if email and not email.endswith("@invalid"):
                markers[engine.digest(f"fraud:email:{email.lower()}")] = FraudMarker.Kind.EMAIL
            if ip:
                markers[engine.digest(f"fraud:ip:{ip}")] = FraudMarker.Kind.IP
        FraudMarker.objects.bulk_create(
            [FraudMarker(digest=d, kind=k, created_at=ctx.at) for d, k in markers.items()], ignore_conflicts=True
        )
        bump(counts, "fraud_orders_hashed", fraud.count())
        engine.delete_rows(AffiliateCommission, self.open_commissions(ids), counts)
        super().act(ids, ctx, counts)

    def predict(self, eligible, ctx, counts):
        from accounts.models import AffiliateCommission

        bump(counts, "fraud_orders_hashed", eligible.filter(status=self.model.Status.FRAUDULENT).count())
        engine.predict_delete(AffiliateCommission, self.open_commissions(eligible.values("pk")), counts)
        super().predict(eligible, ctx, counts)


class FiscalSweep(RecordSweep):
    rule = "accounting_records_delete"

    def cut(self, ctx):
        return RULES[self.rule].cutoff(ctx.as_of)

    def held_condition(self, ctx, model, owner, ref="pk"):
        """A Q that is true when this row is under a hold (for "still survives" tests inside subqueries)."""
        condition = Q(pk__in=[])
        if model in ctx.held:
            condition |= engine.record_held(model, ctx.at, ref=ref)
        if ctx.customers_held:
            condition |= engine.customer_held(ctx.at, ref=owner)
        return condition


class AccountingTransactions(FiscalSweep):
    @property
    def model(self):
        from accounts.models import Transaction

        return Transaction

    def due(self, ctx):
        return self.model._base_manager.filter(created_at__lt=self.cut(ctx))


class AccountingCommissions(FiscalSweep):
    owner = "affiliate"

    @property
    def model(self):
        from accounts.models import AffiliateCommission

        return AffiliateCommission

    def due(self, ctx):
        return (
            self.model._base_manager.alias(booked=Coalesce("decided_at", "created_at"))
            .filter(booked__lt=self.cut(ctx))
            .order_by()
        )

    def taken_earlier(self, ctx):
        if "order_stale_delete" not in ctx.before:
            return None
        stale = SWEEPS["order_stale_delete"][0].eligible(ctx, chained=False)
        return Q(pk__in=OrderStale.open_commissions(stale.values("pk")).values("pk"))


class AccountingInvoices(FiscalSweep):
    kind = "invoice"

    @property
    def model(self):
        from accounts.models import Invoice

        return Invoice

    def due(self, ctx):
        return self.model._base_manager.filter(kind=self.kind, number__isnull=False, issued_at__lt=self.cut(ctx))

    def surviving_transactions(self, ctx):
        from accounts.models import Transaction

        return Transaction._base_manager.filter(invoice=OuterRef("pk")).filter(
            Q(created_at__gte=self.cut(ctx)) | self.held_condition(ctx, Transaction, "customer")
        )

    def more_exceptions(self, ctx):
        linked = Exists(self.surviving_transactions(ctx))
        if self.kind == "invoice":
            credit_notes = self.model._base_manager.filter(credited_invoice=OuterRef("pk")).filter(
                Q(issued_at__gte=self.cut(ctx))
                | self.held_condition(ctx, self.model, "customer")
                | Exists(self.surviving_transactions(ctx))
            )
            linked |= Exists(credit_notes)
        return [("linked_record_kept", linked)]


class AccountingCreditNotes(AccountingInvoices):
    kind = "credit_note"


class OrderData(RecordSweep):
    rule = "order_data_delete"

    @property
    def model(self):
        from accounts.models import Order

        return Order

    def due(self, ctx):
        from django.conf import settings

        order = self.model
        if settings.ORDER_RETENTION_ANCHOR == "last_order":
            rule = RULES[self.rule]
            last = order.objects.filter(customer=OuterRef("customer")).order_by("-created_at").values("created_at")
            return order._base_manager.alias(last=Subquery(last[:1])).filter(
                last__lt=cutoff(ctx.as_of, rule.amount, YEARS)
            )
        return order._base_manager.filter(created_at__lt=RULES[self.rule].cutoff(ctx.as_of))

    def taken_earlier(self, ctx):
        if "order_stale_delete" not in ctx.before:
            return None
        return Q(pk__in=SWEEPS["order_stale_delete"][0].eligible(ctx, chained=False).values("pk"))

    def more_exceptions(self, ctx):
        from accounts.models import AffiliateCommission

        commissions = AffiliateCommission._base_manager.filter(order=OuterRef("pk"))
        if "accounting_records_delete" in ctx.before:
            accounting = AccountingCommissions()
            commissions = commissions.alias(booked=Coalesce("decided_at", "created_at")).filter(
                Q(booked__gte=accounting.cut(ctx)) | accounting.held_condition(ctx, AffiliateCommission, "affiliate")
            )
        return [("linked_record_kept", Exists(commissions))]


class SupportTickets(RecordSweep):
    rule = "support_ticket_delete"

    @property
    def model(self):
        from accounts.models import SupportTicket

        return SupportTicket

    def due(self, ctx):
        return self.model._base_manager.filter(
            status=self.model.Status.CLOSED, closed_at__lt=RULES[self.rule].cutoff(ctx.as_of)
        )

    def taken_earlier(self, ctx):
        erased = self.erased_tonight(ctx)
        return None if erased is None else Q(customer__in=erased.values("pk"))


class ConnectionLogs(RecordSweep):
    rule = "connection_log_delete"

    @property
    def model(self):
        from accounts.models import ConnectionLog

        return ConnectionLog

    def due(self, ctx):
        return self.model._base_manager.filter(created_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class ByEmailSweep(RecordSweep):
    """Rows found by email, which an erasure earlier in the run deletes for the customers it erases."""

    owner = None
    email_field = "email"

    def taken_earlier(self, ctx):
        erased = self.erased_tonight(ctx)
        if erased is None:
            return None
        emails = erased.annotate(_e=Lower("email")).values("_e")
        return Q(pk__in=self.model._base_manager.alias(_e=Lower(self.email_field)).filter(_e__in=emails).values("pk"))


class Prospects(ByEmailSweep):
    rule = "prospect_delete"

    @property
    def model(self):
        from accounts.models import Prospect

        return Prospect

    def due(self, ctx):
        return self.model._base_manager.filter(last_contact_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class PublicRequests(ByEmailSweep):
    rule = "public_request_unconfirmed_delete"

    @property
    def model(self):
        from privacy.models import PendingPublicRequest

        return PendingPublicRequest

    def due(self, ctx):
        return self.model._base_manager.filter(submitted_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class FraudMarkers(RecordSweep):
    rule = "fraud_marker_delete"
    model = FraudMarker
    owner = None

    def due(self, ctx):
        return FraudMarker.objects.filter(created_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class RequestFiles(RecordSweep):
    """Closed requests after 5 years: requester details and notes emptied, kind, dates and outcome kept."""

    rule = "request_file_anonymise"
    action = "anonymised"
    ANONYMOUS = {
        "requester_name": "",
        "requester_email": "",
        "details": "",
        "response": "",
        "extension_reason": "",
        "trusted_person": "",
        "rectification": {},
        "customer": None,
    }

    @property
    def model(self):
        from privacy.models import DataSubjectRequest

        return DataSubjectRequest

    def due(self, ctx):
        from privacy.models.requests import CLOSED_STATUSES

        not_yet = ~Q(requester_email="") | ~Q(requester_name="") | Q(customer__isnull=False)
        return self.model._base_manager.filter(
            not_yet, status__in=CLOSED_STATUSES, closed_at__lt=RULES[self.rule].cutoff(ctx.as_of)
        )

    @staticmethod
    def ended_restrictions(requests, at):
        from privacy.models import Restriction

        ended = Q(lifted_at__isnull=False) | Q(ends_at__lte=at)
        return Restriction._base_manager.filter(ended, engine.in_ids("request", requests))

    def act(self, ids, ctx, counts):
        from privacy.models import RequestEvent

        events = RequestEvent._base_manager.filter(engine.in_ids("request", ids)).exclude(note="")
        bump_rows(counts, RequestEvent, "anonymised", events.update(note=""))
        engine.delete_rows(self.ended_restrictions(ids, ctx.at).model, self.ended_restrictions(ids, ctx.at), counts)
        n = self.model._base_manager.filter(engine.in_ids("pk", ids)).update(**self.ANONYMOUS)
        bump_rows(counts, self.model, "anonymised", n)

    def predict(self, eligible, ctx, counts):
        from privacy.models import RequestEvent

        ids = eligible.values("pk")
        events = RequestEvent._base_manager.filter(request__in=ids).exclude(note="")
        bump_rows(counts, RequestEvent, "anonymised", events.count())
        restrictions = self.ended_restrictions(ids, ctx.at)
        engine.predict_delete(restrictions.model, restrictions, counts)
        bump_rows(counts, self.model, "anonymised", eligible.count())


class RequestTrail(RecordSweep):
    """Other registry entries under request_file_anonymise that erasure deletes (e.g. export download logs)."""

    rule = "request_file_anonymise"
    DATE_FIELDS = ("downloaded_at", "closed_at", "created_at")

    def __init__(self, entry):
        self.entry = entry
        self.model = entry.model
        self.owner = entry.owner if entry.owner and "__" not in entry.owner else None
        names = {f.name for f in self.model._meta.concrete_fields}
        self.date_field = next(name for name in self.DATE_FIELDS if name in names)

    def due(self, ctx):
        return self.model._base_manager.filter(**{f"{self.date_field}__lt": RULES[self.rule].cutoff(ctx.as_of)})

    def taken_earlier(self, ctx):
        erased = self.erased_tonight(ctx)
        if erased is None:
            return None
        rows = engine.entry_rows(
            self.entry,
            ids=erased.values("pk"),
            emails=erased.annotate(_e=Lower("email")).values("_e"),
            held=ctx.held,
            at=ctx.at,
        )
        return Q(pk__in=rows.values("pk"))


class HostIdentity(RecordSweep):
    """R62: account and payment details blanked 1 year after the contract, the whole archive deleted after 5."""

    rule = "lcen_host_identity"
    model = HostArchive

    def due(self, ctx):
        return HostArchive.objects.filter(contract_ended_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class HostAccount(HostIdentity):
    action = "anonymised"

    def due(self, ctx):
        identity_cut = RULES[self.rule].cutoff(ctx.as_of)
        account_cut = cutoff(ctx.as_of, host_account_years(), YEARS)
        return (
            HostArchive.objects.filter(contract_ended_at__lt=account_cut, contract_ended_at__gte=identity_cut)
            .exclude(account={})
            .order_by()
        )

    def act(self, ids, ctx, counts):
        bump_rows(
            counts, HostArchive, "anonymised", HostArchive.objects.filter(engine.in_ids("pk", ids)).update(account={})
        )

    def predict(self, eligible, ctx, counts):
        bump_rows(counts, HostArchive, "anonymised", eligible.count())


class CountOnly(Sweep):
    """Rules whose action is a state the product reads (expired consent) or a plain keep: nothing is written."""

    def run(self, ctx):
        table = self.select(ctx)
        try:
            bump(ctx.counts, self.action, table.remaining())
        finally:
            table.__exit__(None, None, None)


class CookieChoices(CountOnly):
    """Cookie choices past their period count as absent (see cookie_choice_expired); the ledger row stays."""

    granted = True
    action = "expired"

    @property
    def model(self):
        from privacy.models import ConsentRecord

        return ConsentRecord

    def due(self, ctx):
        from privacy.models import Purpose

        consent = self.model
        newer = consent._base_manager.filter(purpose=OuterRef("purpose"), created_at__gt=OuterRef("created_at"))
        latest = ~Exists(newer.filter(customer=OuterRef("customer"))) & Q(customer__isnull=False)
        latest |= ~Exists(newer.filter(visitor_id=OuterRef("visitor_id"))) & Q(customer__isnull=True)
        return (
            consent._base_manager.filter(
                purpose__in=(Purpose.ANALYTICS, Purpose.AFFILIATION),
                granted=self.granted,
                created_at__lt=RULES[self.rule].cutoff(ctx.as_of),
            )
            .filter(latest)
            .exclude(customer__state=get_user_model().State.ERASED)
        )

    def taken_earlier(self, ctx):
        erased = self.erased_tonight(ctx)
        return None if erased is None else Q(customer__in=erased.values("pk"))


class CookieConsent(CookieChoices):
    rule = "cookie_consent_expire"


class CookieRefusal(CookieChoices):
    rule = "cookie_refusal_reask"
    granted = False


class SuppressionKeep(CountOnly):
    rule = "suppression_keep"
    action = "kept"

    @property
    def model(self):
        from privacy.models import SuppressionEntry

        return SuppressionEntry

    def due(self, ctx):
        return self.model.objects.all()


class AccountabilityKeep(CountOnly):
    """The staff audit trail and the breach register are kept; erasure redacts the trail instead (R71, Art. 33(5))."""

    rule = "accountability_keep"
    action = "kept"

    def __init__(self, model_name):
        self.model_name = model_name

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model("privacy", self.model_name)

    def due(self, ctx):
        return self.model._base_manager.all()


class NothingStored(CountOnly):
    rule = "audience_raw_delete"

    def run(self, ctx):
        """No raw audience events are stored (measurement runs only with consent): nothing to select."""


class ExportFiles(Sweep):
    """Applied hourly by the exports app; the nightly run applies the same service, so the rule is never late."""

    rule = "export_expire"
    action = "expired"

    def run(self, ctx):
        from django.conf import settings

        from exports.models import ExportJob
        from exports.services import exports_expire

        due = ExportJob.objects.filter(
            status=ExportJob.Status.READY, ready_at__lte=ctx.at - timedelta(days=settings.EXPORT_RETENTION_DAYS)
        )
        n = due.count()
        bump(ctx.counts, "matched", n)
        if ctx.dry_run:
            bump(ctx.counts, "expired", n)
            return
        result = exports_expire(now=ctx.at)
        bump(ctx.counts, "expired", result.get("expired", 0))
        _save(ctx, ctx.counts)


def _request_trails():
    from privacy.models import DataSubjectRequest, RequestEvent, Restriction
    from privacy.registry import Delete, registry

    handled = {DataSubjectRequest, RequestEvent, Restriction}
    return [
        RequestTrail(e)
        for e in registry.entries()
        if e.retention == "request_file_anonymise" and e.model not in handled and isinstance(e.erasure, Delete)
    ]


class _Sweeps(dict):
    """rule name -> the sweeps that apply it, in order (built on first use, once the apps are loaded)."""

    def __missing__(self, key):
        self.update(_build())
        return dict.__getitem__(self, key)


def _build():
    return {
        "customer_lifetime": [CustomerLifetime()],
        "customer_terminated_erase": [TerminatedErase()],
        "minor_erase": [MinorErase()],
        "customer_archived_erase": [ArchivedErase()],
        "customer_empty_erase": [EmptyErase()],
        "customer_inactive_archive": [InactiveArchive()],
        "invoice_cancelled_delete": [InvoiceCancelled()],
        "order_stale_delete": [OrderStale()],
        # Records that point to others go first: transactions and credit notes before the invoices they name.
        "accounting_records_delete": [
            AccountingTransactions(),
            AccountingCommissions(),
            AccountingCreditNotes(),
            AccountingInvoices(),
        ],
        "order_data_delete": [OrderData()],
        "support_ticket_delete": [SupportTickets()],
        "connection_log_delete": [ConnectionLogs()],
        "prospect_delete": [Prospects()],
        "fraud_marker_delete": [FraudMarkers()],
        "request_file_anonymise": [RequestFiles(), *_request_trails()],
        "public_request_unconfirmed_delete": [PublicRequests()],
        "lcen_host_identity": [HostAccount(), HostIdentity()],
        "cookie_consent_expire": [CookieConsent()],
        "cookie_refusal_reask": [CookieRefusal()],
        "audience_raw_delete": [NothingStored()],
        "export_expire": [ExportFiles()],
        "suppression_keep": [SuppressionKeep()],
        "accountability_keep": [AccountabilityKeep("AuditEntry"), AccountabilityKeep("Breach")],
    }


SWEEPS = _Sweeps()


def cookie_choice_expired(*, given_at, granted, now) -> bool:
    """What the cookie banner asks: is this choice past its period (13 months for a grant, 6 for a refusal)?"""
    from retention.rules import local_date

    rule = RULES["cookie_consent_expire" if granted else "cookie_refusal_reask"]
    return given_at < rule.cutoff(local_date(now))
