"""The customer-level rules: archive the inactive, erase the terminated, minors, archived and empty accounts, and
delete the tombstones of erased accounts once nothing kept points to them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from accounts.models import Order, Service
from accounts.services import changes_log_by_job
from retention import engine
from retention.engine.counts import bump_rows
from retention.engine.erase import drop_uncovered
from retention.engine.predict import predict_drop_uncovered
from retention.rules import RULES
from retention.sweeps.base import Sweep, customers


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
        names = [sweep.rule for sweep in ERASE_SWEEPS]
        earlier = [sweep for sweep in ERASE_SWEEPS[: names.index(self.rule)] if sweep.rule in ctx.before]
        if not earlier:
            return None
        condition = Q(pk__in=[])
        for sweep in earlier:
            condition |= Q(pk__in=sweep.eligible(ctx, chained=False).values("pk"))
        return condition

    def act(self, ids, ctx, counts):
        user = get_user_model()
        before = dict(user._base_manager.filter(engine.in_ids("pk", ids)).values_list("pk", "state"))
        engine.erase_customers(ids, reference=self.rule, at=ctx.at, counts=counts, held=ctx.held)
        # The accounts kept as tombstones say in their change log that a job erased them (R04).
        kept = user._base_manager.filter(pk__in=list(before)).values_list("pk", flat=True)
        changes_log_by_job(
            before={pk: before[pk] for pk in kept}, field="state", new_value=user.State.ERASED, at=ctx.at
        )

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
        erased = erased_tonight(ctx)
        return None if erased is None else Q(pk__in=erased.values("pk"))

    def act(self, ids, ctx, counts):
        user = get_user_model()
        rows = user._base_manager.filter(engine.in_ids("pk", ids))
        before = dict(rows.values_list("pk", "state"))
        n = rows.update(state=user.State.ARCHIVED, state_changed_at=ctx.at, archived_at=ctx.at, is_active=False)
        changes_log_by_job(before=before, field="state", new_value=user.State.ARCHIVED, at=ctx.at)
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
        # Erased before unissued drafts went with the account: they go now, with the tombstone.
        drop_uncovered(ids, held=ctx.held, at=ctx.at, counts=counts)
        for entry in lifetime:
            engine.delete_rows(entry.model, engine.entry_rows(entry, ids=ids, held=ctx.held, at=ctx.at), counts)
        engine.delete_rows(self.model, self.model._base_manager.filter(engine.in_ids("pk", ids)), counts)

    def predict(self, eligible, ctx, counts):
        _updates, _deletes, lifetime = engine.erasure_plan()
        ids = eligible.values("pk")
        predict_drop_uncovered(ids, held=ctx.held, at=ctx.at, counts=counts)
        for entry in lifetime:
            engine.predict_delete(entry.model, engine.entry_rows(entry, ids=ids, held=ctx.held, at=ctx.at), counts)
        engine.predict_delete(self.model, eligible, counts)


# The erase rules, in their precedence when one customer is due under several.
ERASE_SWEEPS = (TerminatedErase(), MinorErase(), ArchivedErase(), EmptyErase())


def erased_tonight(ctx):
    """Customers the erase rules earlier in this run act on (a queryset of ids), or None."""
    earlier = [sweep for sweep in ERASE_SWEEPS if sweep.rule in ctx.before]
    if not earlier:
        return None
    ids = earlier[0].eligible(ctx, chained=False).values("pk")
    for sweep in earlier[1:]:
        ids = ids.union(sweep.eligible(ctx, chained=False).values("pk"))
    return customers().filter(pk__in=ids)
