"""Invoices, credit notes and payment transactions.

An invoice gets its number when issued, from an unbroken sequence per year, and
from then on its content is frozen: corrections go through credit notes (R89).
No model here stores a card or bank account number (R86).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from privacy import categories
from privacy.registry import Keep, registry

CUSTOMER = settings.AUTH_USER_MODEL


class InvoiceSequence(models.Model):
    """The last number given in a year; locked while a number is taken so none is skipped or reused."""

    year = models.PositiveIntegerField(unique=True, verbose_name=_("year"))
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", pgettext_lazy("invoice status", "Cancelled")
        REFUNDED = "refunded", _("Refunded")

    # Frozen once the invoice has a number.
    FROZEN_FIELDS = (
        "customer_id",
        "kind",
        "number",
        "issued_at",
        "currency",
        "credited_invoice_id",
        "billing_name",
        "billing_company",
        "billing_address",
        "billing_postal_code",
        "billing_city",
        "billing_country",
        "billing_vat_number",
        "total",
    )

    customer = models.ForeignKey(
        CUSTOMER, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer")
    )
    order = models.ForeignKey(
        "accounts.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("order"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("cancels invoice"),
    )
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Billing snapshot taken at issue: what the invoice said, whatever the profile says later.
    billing_name = models.CharField(_("billed to"), max_length=300, blank=True)
    billing_company = models.CharField(_("company"), max_length=200, blank=True)
    billing_address = models.CharField(_("billing address"), max_length=255, blank=True)
    billing_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_country = models.CharField(_("country"), max_length=2, blank=True)
    billing_vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__isnull=True, issued_at__isnull=True)
                | models.Q(number__isnull=False, issued_at__isnull=False),
                name="accounts_invoice_number_iff_issued",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="invoice", credited_invoice__isnull=True)
                | models.Q(kind="credit_note", credited_invoice__isnull=False),
                name="accounts_invoice_credit_note_points_to_invoice",
            ),
        ]

    def __str__(self):
        return self.number or _("Draft invoice %(pk)s") % {"pk": self.pk}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded = dict(zip(field_names, values, strict=True))
        return instance

    @property
    def is_issued(self):
        return bool(self.number)

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if loaded and loaded.get("number"):
            changed = [f for f in self.FROZEN_FIELDS if f in loaded and getattr(self, f) != loaded[f]]
            if changed:
                raise ValidationError(
                    _("An issued invoice cannot be changed (%(fields)s); issue a credit note instead.")
                    % {"fields": ", ".join(changed)}
                )
        super().save(*args, **kwargs)
        self._loaded = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def delete(self, *args, **kwargs):
        if self.number:
            raise ValidationError(_("An issued invoice is an accounting record and cannot be deleted."))
        return super().delete(*args, **kwargs)

    def compute_total(self):
        return self.lines.aggregate(t=Sum(F("quantity") * F("unit_price")))["t"] or Decimal("0")


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice"))
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=Decimal("1"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["pk"]

    def __str__(self):
        return self.description

    @property
    def amount(self):
        return self.quantity * self.unit_price

    def _refuse_if_issued(self):
        if Invoice.objects.filter(pk=self.invoice_id, number__isnull=False).exists():
            raise ValidationError(_("The lines of an issued invoice cannot be changed; issue a credit note instead."))

    def save(self, *args, **kwargs):
        self._refuse_if_issued()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_issued()
        return super().delete(*args, **kwargs)


class Transaction(models.Model):
    """A payment as the provider reported it: never the card or bank account itself (R86, R87)."""

    class Provider(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        PAYPAL = "paypal", "PayPal"
        MOLLIE = "mollie", "Mollie"
        BANK = "bank", _("Bank transfer received")

    class Method(models.TextChoices):
        CARD = "card", _("Payment card")
        SEPA_DEBIT = "sepa_debit", _("SEPA direct debit")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        PAYPAL = "paypal", _("PayPal balance")
        IDEAL = "ideal", "iDEAL"

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    customer = models.ForeignKey(
        CUSTOMER, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("customer")
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transactions",
        verbose_name=_("invoice"),
    )
    order = models.ForeignKey(
        "accounts.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transactions",
        verbose_name=_("order"),
    )
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=100)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    method = models.CharField(_("means of payment"), max_length=16, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                name="accounts_transaction_provider_ref",
            )
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.provider_reference}"


ACCOUNTING_REASON = _("Accounting record kept 10 years (French Commercial Code L123-22)")

registry.register(
    Invoice,
    category=categories.INVOICES,
    owner="customer",
    fields=(
        "number",
        "kind",
        "status",
        "issued_at",
        "paid_at",
        "total",
        "currency",
        "billing_name",
        "billing_company",
        "billing_address",
        "billing_postal_code",
        "billing_city",
        "billing_country",
        "billing_vat_number",
    ),
    # A draft never issued is no accounting record: it goes with the customer (and would keep the tombstone alive).
    erasure=Keep(reason=ACCOUNTING_REASON, drop={"number__isnull": True}),
    retention="accounting_records_delete",
    retention_from="issued_at",
)
registry.register(
    InvoiceLine,
    category=categories.INVOICES,
    owner="invoice__customer",
    fields=("invoice__number", "description", "quantity", "unit_price", "vat_rate"),
    erasure=Keep(reason=ACCOUNTING_REASON),
    retention="accounting_records_delete",
)
registry.register(
    Transaction,
    category=categories.TRANSACTIONS,
    owner="customer",
    fields=(
        "created_at",
        "provider",
        "provider_reference",
        "amount",
        "currency",
        "method",
        "status",
    ),
    erasure=Keep(reason=ACCOUNTING_REASON),
    retention="accounting_records_delete",
    retention_from="created_at",
)
registry.exempt(InvoiceSequence, "a counter per year; no person's data")
