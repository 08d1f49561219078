"""Marketing: campaigns per channel, one delivery row per person reached, engagement events (only with consent),
and the parental consents that let a minor's consent-based processing go on (R37-R40, R76-R78)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.models.consents import Purpose
from privacy.registry import Delete, Keep, registry

CUSTOMER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS or phone")
    SOCIAL = "social", _("Social-media message")


# The consent each channel needs (R37).
CHANNEL_PURPOSE = {
    Channel.EMAIL: Purpose.MARKETING_EMAIL,
    Channel.SMS: Purpose.MARKETING_SMS,
    Channel.SOCIAL: Purpose.MARKETING_SOCIAL,
}


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    name = models.CharField(_("campaign"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"), help_text=_("Plain text; a link to stop these messages is added."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Customers considered so far, by primary key: a crash resumes after the last one.
    progress_pk = models.PositiveBigIntegerField(default=0, editable=False, verbose_name=_("progress marker"))
    reached = models.PositiveIntegerField(_("people reached"), default=0)
    excluded = models.JSONField(_("people excluded, by reason"), default=dict, blank=True)

    class Meta:
        verbose_name = _("marketing campaign")
        verbose_name_plural = _("marketing campaigns")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    @property
    def purpose(self):
        return CHANNEL_PURPOSE[self.channel]


class CampaignDelivery(models.Model):
    """One message of a campaign to one person; unique, so nobody gets a campaign twice."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("campaign")
    )
    customer = models.ForeignKey(
        CUSTOMER, on_delete=models.CASCADE, related_name="campaign_deliveries", verbose_name=_("customer")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    unsubscribed_at = models.DateTimeField(_("unsubscribed through this message at"), null=True, blank=True)
    # Open pixel and tracked links only with the engagement consent at sending time (R40).
    tracked = models.BooleanField(_("engagement measured"), default=False)

    class Meta:
        verbose_name = _("marketing message sent")
        verbose_name_plural = _("marketing messages sent")
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="privacy_one_delivery_per_person")]
        indexes = [models.Index(fields=["customer", "-sent_at"])]

    def __str__(self):
        return f"{self.campaign} → {self.customer_id}"


class EngagementEvent(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("Opened")
        CLICK = "click", _("Clicked a link")

    delivery = models.ForeignKey(
        CampaignDelivery, on_delete=models.CASCADE, related_name="engagement", verbose_name=_("delivery")
    )
    kind = models.CharField(_("what"), max_length=5, choices=Kind.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("email engagement event")
        verbose_name_plural = _("email engagement events")

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class ParentalConsent(models.Model):
    """Who gave parental consent for a minor, how and when (R77); it lifts the minor's block."""

    class Method(models.TextChoices):
        SIGNED_FORM = "signed_form", _("Signed form")
        EMAIL = "email", _("Email from the parent")
        ID_CHECK = "id_check", _("Identity document checked")

    customer = models.ForeignKey(
        CUSTOMER, on_delete=models.CASCADE, related_name="parental_consents", verbose_name=_("customer")
    )
    guardian_name = models.CharField(_("parent or guardian"), max_length=200)
    guardian_email = models.EmailField(_("their email address"), blank=True)
    method = models.CharField(_("how it was given"), max_length=12, choices=Method.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        CUSTOMER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parental consent")
        verbose_name_plural = _("parental consents")

    def __str__(self):
        return f"{self.guardian_name} ({self.given_at:%Y-%m-%d})"


registry.exempt(Campaign, "the campaign's content and counts, no personal data")
registry.register(
    CampaignDelivery,
    category=categories.CONSENTS,
    owner="customer",
    fields=("campaign__name", "channel", "sent_at", "unsubscribed_at", "tracked"),
    erasure=Delete(),
    retention="customer_lifetime",
)
registry.register(
    EngagementEvent,
    category=categories.CONSENTS,
    owner="delivery__customer",
    fields=("delivery__campaign__name", "kind", "created_at"),
    erasure=Delete(),
    retention="engagement_delete",
)
registry.register(
    ParentalConsent,
    category=categories.CONSENTS,
    owner="customer",
    fields=("guardian_name", "guardian_email", "method", "given_at", "withdrawn_at"),
    erasure=Keep(
        reason=_("Proof of parental consent (Art. 8(2) GDPR), without the parent's contact details"),
        fields=("method", "given_at", "withdrawn_at"),
        blank={"guardian_name": "", "guardian_email": ""},
    ),
    retention="customer_lifetime",
)
