"""The consent ledger: append-only proof of every choice a person made (R36, R37)."""

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.models.base import AppendOnlyModel, AppendOnlyQuerySet
from privacy.registry import Keep, registry


class Purpose(models.TextChoices):
    MARKETING_EMAIL = "marketing_email", _("News and offers by email")
    MARKETING_SMS = "marketing_sms", _("News and offers by SMS or phone")
    MARKETING_SOCIAL = "marketing_social", _("News and offers by social-media messages")
    ADVERTISING = "advertising", _("Targeted advertising and profiling")
    ANALYTICS = "analytics", _("Audience measurement cookies")
    AFFILIATION = "affiliation", _("Affiliation tracking cookies")
    POLICY = "policy", _("Privacy policy accepted")
    ENGAGEMENT = "email_engagement", _("Email engagement measurement (opens and clicks)")


MARKETING_PURPOSES = (
    Purpose.MARKETING_EMAIL,
    Purpose.MARKETING_SMS,
    Purpose.MARKETING_SOCIAL,
)
# What a customer can switch on or off on the profile page; cookie purposes belong to the banner.
PROFILE_PURPOSES = (*MARKETING_PURPOSES, Purpose.ADVERTISING, Purpose.ENGAGEMENT)
# What the cookie banner asks about, each only after consent (R31).
COOKIE_PURPOSES = (Purpose.ANALYTICS, Purpose.ADVERTISING, Purpose.AFFILIATION)


class ConsentQuerySet(AppendOnlyQuerySet):
    def latest_per_purpose(self):
        """The current state: the newest row for each purpose (one query)."""
        newest = self.values("purpose").annotate(newest=Max("pk")).values("newest")
        return self.filter(pk__in=models.Subquery(newest))


class ConsentRecord(AppendOnlyModel):
    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up form")
        PROFILE = "profile", _("Profile page")
        BANNER = "banner", _("Cookie banner")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        REQUEST = "request", _("Data-subject request")
        STAFF = "staff", _("Recorded by staff")
        POLICY = "policy", _("Privacy policy page")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("customer"),
    )
    visitor_id = models.CharField(_("anonymous visitor id"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    policy_version = models.CharField(_("policy version"), max_length=20)
    language = models.CharField(_("wording language"), max_length=2)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("consent record")
        verbose_name_plural = _("consent ledger")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "purpose"]),
            models.Index(fields=["visitor_id", "purpose"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | ~models.Q(visitor_id=""),
                name="privacy_consent_has_subject",
            )
        ]

    def __str__(self):
        verb = _("granted") if self.granted else _("refused")
        return f"{self.get_purpose_display()}: {verb} ({self.created_at:%Y-%m-%d})"


registry.register(
    ConsentRecord,
    category=categories.CONSENTS,
    owner="customer",
    fields=(
        "created_at",
        "purpose",
        "granted",
        "policy_version",
        "language",
        "source",
        "ip",
        "user_agent",
    ),
    erasure=Keep(
        reason=_("Proof of consent (Art. 7(1) GDPR), without the network details"),
        fields=(
            "created_at",
            "purpose",
            "granted",
            "policy_version",
            "language",
            "source",
        ),
        blank={"ip": None, "user_agent": ""},
    ),
    retention="customer_lifetime",
)
