"""Rules that write nothing: expired cookie choices (the product reads them as absent), the suppression list
(kept), and raw audience events (none are stored). A run counts what they cover.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from privacy.models import ConsentRecord, Purpose, SuppressionEntry
from retention.engine.counts import bump
from retention.rules import RULES
from retention.sweeps.base import Sweep
from retention.sweeps.customers import erased_tonight


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
    model = ConsentRecord

    def due(self, ctx):
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
        erased = erased_tonight(ctx)
        return None if erased is None else Q(customer__in=erased.values("pk"))


class CookieConsent(CookieChoices):
    rule = "cookie_consent_expire"


class CookieRefusal(CookieChoices):
    rule = "cookie_refusal_reask"
    granted = False


class SuppressionKeep(CountOnly):
    rule = "suppression_keep"
    action = "kept"
    model = SuppressionEntry

    def due(self, ctx):
        return self.model.objects.all()


class NothingStored(CountOnly):
    rule = "audience_raw_delete"

    def run(self, ctx):
        """No raw audience events are stored (measurement runs only with consent): nothing to select."""
