"""The catalogue the order form sells from, and the log of what a customer agreed to about recurring charges (R88)."""

import calendar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.registry import Keep, registry

CUSTOMER = settings.AUTH_USER_MODEL


class Offer(models.Model):
    """A product on the order form: its price, whether it renews, whether it runs as a service."""

    class Period(models.TextChoices):
        ONCE = "once", _("One-off")
        MONTH = "month", _("Every month")
        YEAR = "year", _("Every year")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    period = models.CharField(_("billing period"), max_length=8, choices=Period.choices, default=Period.ONCE)
    # A hosting plan runs as a Service in the client area; a one-off job (a migration, an audit) does not.
    creates_service = models.BooleanField(_("runs as a service"), default=True)
    # Issued when the payment arrives, not at the order: an unpaid order then leaves no accounting record behind and
    # goes after 30 days (order_stale_delete), as the policy says.
    invoiced = models.BooleanField(_("invoiced when paid"), default=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_renewable(self):
        return self.period != self.Period.ONCE

    def next_renewal(self, start):
        """When the period bought at `start` ends (month ends clamp: 31 January + 1 month = 28/29 February)."""
        months = {self.Period.MONTH: 1, self.Period.YEAR: 12}.get(self.period)
        if not months:
            return None
        year, month = divmod(start.month - 1 + months, 12)
        year, month = start.year + year, month + 1
        return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


class RecurringPaymentEvent(models.Model):
    """What a customer did about recurring charges, with the words they saw, when and from where (R88)."""

    class Action(models.TextChoices):
        AUTHORISED = "authorised", _("Recurring charges authorised")
        RENEWAL_STOPPED = "renewal_stopped", _("Automatic renewal stopped")
        METHOD_CHANGE = "method_change", _("Sent to change the payment method")

    customer = models.ForeignKey(
        CUSTOMER, on_delete=models.PROTECT, related_name="recurring_payment_events", verbose_name=_("customer")
    )
    service = models.ForeignKey(
        "accounts.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recurring_payment_events",
        verbose_name=_("service"),
    )
    order = models.ForeignKey(
        "accounts.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recurring_payment_events",
        verbose_name=_("order"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The sentence the customer ticked or the button they pressed, in the language they read it in.
    wording = models.TextField(_("wording shown"), blank=True)
    language = models.CharField(_("wording language"), max_length=2, blank=True)
    service_name = models.CharField(_("service"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("recurring-payment event")
        verbose_name_plural = _("recurring-payment log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


registry.exempt(Offer, "the catalogue: names and prices of products, no person's data")
# Proof of the authorisation, kept like the consent ledger: as long as the account, without the network details.
registry.register(
    RecurringPaymentEvent,
    category=categories.TRANSACTIONS,
    owner="customer",
    fields=("created_at", "action", "service_name", "wording", "language", "ip", "user_agent"),
    erasure=Keep(
        reason=_("Proof of the authorisation of recurring charges (Art. 7(1) GDPR), without the network details"),
        fields=("created_at", "action", "service_name", "wording", "language"),
        blank={"ip": None, "user_agent": ""},
    ),
    retention="customer_lifetime",
)
