"""The record-level rules: invoices, orders, accounting records, tickets, logs, prospects, public requests, the
fraud list, the hosting archive and export files, each deleted or blanked when its period has run.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower

from accounts.models import (
    AffiliateCommission,
    ConnectionLog,
    Invoice,
    Order,
    Prospect,
    Service,
    SupportTicket,
    Transaction,
)
from exports.models import ExportJob
from exports.services import exports_expire
from privacy.models import EngagementEvent, PendingPublicRequest
from retention import engine
from retention.engine.counts import bump, bump_rows
from retention.models import FraudMarker, HostArchive
from retention.periods import YEARS, cutoff
from retention.rules import RULES, host_account_years
from retention.sweeps.base import Sweep, save_counts
from retention.sweeps.customers import erased_tonight


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
    model = Invoice

    def due(self, ctx):
        return self.model._base_manager.filter(
            number__isnull=True, status=self.model.Status.CANCELLED, cancelled_at__lt=RULES[self.rule].cutoff(ctx.as_of)
        )

    def more_exceptions(self, ctx):
        return [("linked_record_kept", Exists(Transaction.objects.filter(invoice=OuterRef("pk"))))]


class OrderStale(RecordSweep):
    rule = "order_stale_delete"
    model = Order

    def due(self, ctx):
        order = self.model
        stale = (order.Status.CANCELLED, order.Status.PENDING, order.Status.FRAUDULENT)
        return order._base_manager.filter(status__in=stale, status_changed_at__lt=RULES[self.rule].cutoff(ctx.as_of))

    def more_exceptions(self, ctx):
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
        done = (AffiliateCommission.Status.ACCEPTED, AffiliateCommission.Status.PAID)
        return AffiliateCommission._base_manager.filter(engine.in_ids("order", orders)).exclude(status__in=done)

    def act(self, ids, ctx, counts):
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
    model = Transaction

    def due(self, ctx):
        return self.model._base_manager.filter(created_at__lt=self.cut(ctx))


class AccountingCommissions(FiscalSweep):
    owner = "affiliate"
    model = AffiliateCommission

    def due(self, ctx):
        return (
            self.model._base_manager.alias(booked=Coalesce("decided_at", "created_at"))
            .filter(booked__lt=self.cut(ctx))
            .order_by()
        )

    def taken_earlier(self, ctx):
        if "order_stale_delete" not in ctx.before:
            return None
        stale = OrderStale().eligible(ctx, chained=False)
        return Q(pk__in=OrderStale.open_commissions(stale.values("pk")).values("pk"))


class AccountingInvoices(FiscalSweep):
    kind = "invoice"
    model = Invoice

    def due(self, ctx):
        return self.model._base_manager.filter(kind=self.kind, number__isnull=False, issued_at__lt=self.cut(ctx))

    def surviving_transactions(self, ctx):
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
    model = Order

    def due(self, ctx):
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
        return Q(pk__in=OrderStale().eligible(ctx, chained=False).values("pk"))

    def more_exceptions(self, ctx):
        commissions = AffiliateCommission._base_manager.filter(order=OuterRef("pk"))
        if "accounting_records_delete" in ctx.before:
            accounting = AccountingCommissions()
            commissions = commissions.alias(booked=Coalesce("decided_at", "created_at")).filter(
                Q(booked__gte=accounting.cut(ctx)) | accounting.held_condition(ctx, AffiliateCommission, "affiliate")
            )
        return [("linked_record_kept", Exists(commissions))]


class SupportTickets(RecordSweep):
    rule = "support_ticket_delete"
    model = SupportTicket

    def due(self, ctx):
        return self.model._base_manager.filter(
            status=self.model.Status.CLOSED, closed_at__lt=RULES[self.rule].cutoff(ctx.as_of)
        )

    def taken_earlier(self, ctx):
        erased = erased_tonight(ctx)
        return None if erased is None else Q(customer__in=erased.values("pk"))


class ConnectionLogs(RecordSweep):
    rule = "connection_log_delete"
    model = ConnectionLog

    def due(self, ctx):
        return self.model._base_manager.filter(created_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class EngagementEvents(RecordSweep):
    """Opens and clicks of marketing mail, recorded only with the engagement consent (R40)."""

    rule = "engagement_delete"
    model = EngagementEvent
    owner = "delivery__customer"

    def due(self, ctx):
        return self.model._base_manager.filter(created_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class ByEmailSweep(RecordSweep):
    """Rows found by email, which an erasure earlier in the run deletes for the customers it erases."""

    owner = None
    email_field = "email"

    def taken_earlier(self, ctx):
        erased = erased_tonight(ctx)
        if erased is None:
            return None
        emails = erased.annotate(_e=Lower("email")).values("_e")
        return Q(pk__in=self.model._base_manager.alias(_e=Lower(self.email_field)).filter(_e__in=emails).values("pk"))


class Prospects(ByEmailSweep):
    rule = "prospect_delete"
    model = Prospect

    def due(self, ctx):
        return self.model._base_manager.filter(last_contact_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class PublicRequests(ByEmailSweep):
    rule = "public_request_unconfirmed_delete"
    model = PendingPublicRequest

    def due(self, ctx):
        return self.model._base_manager.filter(submitted_at__lt=RULES[self.rule].cutoff(ctx.as_of))


class FraudMarkers(RecordSweep):
    rule = "fraud_marker_delete"
    model = FraudMarker
    owner = None

    def due(self, ctx):
        return FraudMarker.objects.filter(created_at__lt=RULES[self.rule].cutoff(ctx.as_of))


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


class ExportFiles(Sweep):
    """Applied hourly by the exports app; the nightly run applies the same service, so the rule is never late."""

    rule = "export_expire"
    action = "expired"

    def run(self, ctx):
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
        save_counts(ctx, ctx.counts)
