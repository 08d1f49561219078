"""What a customer buys: orders, the services and domains they run, and the commissions they earn affiliates."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from privacy import categories
from privacy.registry import Delete, Keep, registry

CUSTOMER = settings.AUTH_USER_MODEL


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", pgettext_lazy("order status", "Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")
        FRAUDULENT = "fraudulent", _("Fraudulent")

    customer = models.ForeignKey(CUSTOMER, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer"))
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    product = models.CharField(_("product"), max_length=200)
    target_url = models.URLField(_("target public link"), max_length=500, blank=True)
    volume = models.PositiveIntegerField(_("volume"), default=1)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    buyer_ip = models.GenericIPAddressField(_("buyer IP address"), null=True, blank=True)
    # The affiliate code of the session the order was placed in (R83); never shown to the affiliate.
    affiliate_code = models.CharField(_("affiliate code"), max_length=32, blank=True)
    # What the order form sold; a catalogue row, not personal data (null for orders from before the form).
    offer = models.ForeignKey(
        "accounts.Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("offer")
    )
    created_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    # Set when an automatic fraud rule blocked or cancelled the order (Art. 22, R28).
    automated_decision = models.BooleanField(_("decided automatically"), default=False)
    automated_decision_reason = models.CharField(_("automatic decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "status_changed_at"]),
        ]

    def __str__(self):
        return self.reference


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("service status", "Active")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")

    customer = models.ForeignKey(
        CUSTOMER, on_delete=models.PROTECT, related_name="services", verbose_name=_("customer")
    )
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="services", verbose_name=_("order")
    )
    name = models.CharField(_("service"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # A renewable service: when its next period starts, and whether the customer still lets it renew (R88).
    renews_at = models.DateTimeField(_("next renewal"), null=True, blank=True)
    auto_renew = models.BooleanField(_("automatic renewal"), default=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["customer", "status"])]

    def __str__(self):
        return self.name


class Domain(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("domain status", "Active")
        EXPIRED = "expired", _("Expired")
        TRANSFERRED = "transferred", _("Transferred out")

    customer = models.ForeignKey(CUSTOMER, on_delete=models.PROTECT, related_name="domains", verbose_name=_("customer"))
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="domains",
        verbose_name=_("service"),
    )
    name = models.CharField(_("domain name"), max_length=253, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    auto_renew = models.BooleanField(_("automatic renewal"), default=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AffiliateCommission(models.Model):
    """A commission owed to an affiliate for an order they referred (R84, R85)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    affiliate = models.ForeignKey(
        CUSTOMER, on_delete=models.PROTECT, related_name="commissions", verbose_name=_("affiliate")
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="commissions", verbose_name=_("order"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliate commission")
        verbose_name_plural = _("affiliate commissions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["affiliate", "-created_at"])]

    def __str__(self):
        return f"{self.order_id} {self.amount} {self.currency}"


registry.register(
    Order,
    category=categories.ORDERS,
    owner="customer",
    fields=(
        "reference",
        "created_at",
        "product",
        "target_url",
        "volume",
        "amount",
        "currency",
        "status",
        "status_changed_at",
        "buyer_ip",
        "affiliate_code",
    ),
    erasure=Keep(
        reason=_("Accounting evidence kept 10 years (French Commercial Code L123-22)"),
        fields=(
            "reference",
            "created_at",
            "product",
            "volume",
            "amount",
            "currency",
            "status",
        ),
        blank={"target_url": "", "buyer_ip": None, "affiliate_code": ""},
    ),
    retention="order_data_delete",
    retention_from="created_at",
)
registry.register(
    Service,
    category=categories.SERVICES,
    owner="customer",
    fields=("name", "status", "started_at", "ended_at", "renews_at", "auto_renew", "order__reference"),
    erasure=Delete(),
    retention="customer_lifetime",
)
registry.register(
    Domain,
    category=categories.DOMAINS,
    owner="customer",
    fields=("name", "status", "registered_at", "expires_at", "auto_renew"),
    erasure=Delete(),
    retention="customer_lifetime",
)
# The customer's own commissions as an affiliate; as a buyer, only the order reference links them.
registry.register(
    AffiliateCommission,
    category=categories.AFFILIATE,
    owner="affiliate",
    fields=(
        "order__reference",
        "amount",
        "currency",
        "status",
        "created_at",
        "decided_at",
    ),
    erasure=Keep(reason=_("Accounting record kept 10 years (French Commercial Code L123-22)")),
    retention="accounting_records_delete",
    retention_from="created_at",
)
