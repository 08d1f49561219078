"""Legal holds, the record of each retention run, and what an erasure leaves behind (tombstones, fraud hashes)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.registry import Category, Keep, registry

CUSTOMER = settings.AUTH_USER_MODEL


class LegalHoldQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        in_force = Q(ends_at__isnull=True) | Q(ends_at__gt=at)
        return self.filter(in_force, lifted_at__isnull=True, created_at__lte=at)


class LegalHold(models.Model):
    """Placed by the DPO on a customer or on one record: blocks every destructive action until lifted or ended."""

    customer = models.ForeignKey(
        CUSTOMER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        verbose_name=_("customer"),
        help_text=_("Hold everything about this customer; or leave empty and name one record below."),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    reason = models.TextField(_("reason"), help_text=_("Unpaid balance, chargeback, dispute, judicial requisition…"))
    reference = models.CharField(_("reference"), max_length=100, blank=True, help_text=_("Case or file number."))
    author = models.ForeignKey(
        CUSTOMER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("placed by")
    )
    created_at = models.DateTimeField(_("placed at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, help_text=_("Optional."))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        CUSTOMER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lifted by")
    )

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, content_type__isnull=True, object_id__isnull=True)
                | Q(customer__isnull=True, content_type__isnull=False, object_id__isnull=False),
                name="retention_hold_on_a_customer_or_one_record",
            )
        ]

    def __str__(self):
        target = self.customer_id and f"customer {self.customer_id}" or f"{self.content_type} {self.object_id}"
        return f"{target}: {self.reference or self.reason[:40]}"

    def is_active(self, at=None):
        at = at or timezone.now()
        return self.lifted_at is None and self.created_at <= at and (self.ends_at is None or self.ends_at > at)


class RetentionRun(models.Model):
    """One rule applied as of one day: counts only, never the values it touched (R60)."""

    rule = models.CharField(_("rule"), max_length=64, db_index=True)
    as_of = models.DateField(_("as of"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.rule} {self.as_of}"

    @property
    def status(self):
        if self.error:
            return _("failed")
        if self.finished_at is None:
            return _("running or interrupted")
        return _("finished")


class ErasureTombstone(models.Model):
    """A keyed hash of an erased subject and what erased it, so a restored backup can be erased again (R63)."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer account")
        EMAIL = "email", _("Person known only by email")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # HMAC-SHA256 of "customer:<id>" (or of "email:<address>" for a person without an account).
    subject_digest = models.CharField(_("subject hash"), max_length=64, db_index=True)
    # HMAC-SHA256 of "email:<address>" for a customer, to find a restored row whose id changed.
    contact_digest = models.CharField(_("address hash"), max_length=64, blank=True, db_index=True)
    reference = models.CharField(_("rule or request"), max_length=64)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    replayed_at = models.DateTimeField(_("erased again after a restore"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure tombstone")
        verbose_name_plural = _("erasure tombstones")
        ordering = ["-erased_at", "-pk"]
        permissions = [("erase_customer", _("Can erase a customer for a request"))]
        constraints = [
            # A customer is erased once: a second erasure of the same id would mean work done twice.
            models.UniqueConstraint(
                fields=["subject_digest"], condition=Q(kind="customer"), name="retention_tombstone_once_per_customer"
            )
        ]

    def __str__(self):
        return f"{self.reference} {self.subject_digest[:12]}…"


class FraudMarker(models.Model):
    """A keyed hash of the email or IP address of a deleted fraudulent order (R53), deleted after 3 years."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        IP = "ip", _("IP address")

    digest = models.CharField(_("keyed hash"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("fraud-list entry")
        verbose_name_plural = _("fraud list")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.digest[:12]}…"


class HostArchive(models.Model):
    """With HOST_OBLIGATIONS, what the law makes a host keep of an erased customer (R62): restricted to the DPO."""

    customer = models.ForeignKey(
        CUSTOMER, on_delete=models.PROTECT, related_name="host_archives", verbose_name=_("customer")
    )
    identity = models.JSONField(_("civil identity"), default=dict)
    account = models.JSONField(_("account and payment details"), default=dict, blank=True)
    # The periods run from here: account details 1 year, identity 5 years (rule lcen_host_identity).
    contract_ended_at = models.DateTimeField(_("contract ended at"), db_index=True)
    created_at = models.DateTimeField(_("archived at"), default=timezone.now)

    class Meta:
        verbose_name = _("hosting identity archive")
        verbose_name_plural = _("hosting identity archives")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.customer_id} ({self.contract_ended_at:%Y-%m-%d})"


LEGAL_HOLDS = Category(
    "legal_holds",
    _("Data kept longer for a dispute or an authority"),
    _(
        "Keeping data that a dispute, an unpaid balance or an authority's demand requires, past its usual period "
        "(the law calls this a legal hold)"
    ),
    _("Legal obligation (Art. 6(1)(c)) and legal claims (Art. 17(3)(e))"),
    (categories.AUTHORITIES,),
    source=_("Our data protection officer"),
    order=150,
)

registry.register(
    LegalHold,
    category=LEGAL_HOLDS,
    owner="customer",
    fields=("created_at", "ends_at", "lifted_at"),
    personal_fields=("reason", "reference"),
    erasure=Keep(
        reason=_("Proof of why data was kept past its period (Art. 5(2))"),
        fields=("created_at", "ends_at", "lifted_at", "reason", "reference"),
    ),
    retention="customer_lifetime",
    title=_("Why and until when we keep your data longer"),
)
registry.register(
    HostArchive,
    category=categories.IDENTITY,
    owner="customer",
    fields=("identity", "account", "contract_ended_at"),
    erasure=Keep(reason=_("Identity a host must keep 5 years after the contract ends (LCEN art. 6)")),
    retention="lcen_host_identity",
    title=_("Your identity, kept after a hosting contract ends (required of hosts by law)"),
    retention_from="contract_ended_at",
)
registry.exempt(RetentionRun, "counts per rule and day; never a value or an identifier")
registry.exempt(ErasureTombstone, "keyed hashes only, kept so a restored backup can be erased again (R63)")
registry.exempt(FraudMarker, "keyed hashes only, deleted after 3 years by fraud_marker_delete")
