"""The published privacy policy: numbered versions with a text per language, and the processors it names (R41-R46)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.registry import registry

# R44: a text still holding one of these was never finished and cannot be published.
PLACEHOLDERS = re.compile(r"\[TO BE COMPLETED|\bTODO\b|\bXXX\b|\[email\s*protected\]", re.IGNORECASE)
# R46: invalidated by the CJEU on 16 July 2020 (C-311/18); no transfer may rest on it.
INVALID_TRANSFER = re.compile(r"privacy\s*shield", re.IGNORECASE)


class TransferTool(models.TextChoices):
    """The lawful grounds for a transfer, a closed list (Art. 44-46, R46)."""

    EEA = "eea", _("Stays in the European Economic Area")
    ADEQUACY = "adequacy", _("Adequacy decision of the European Commission (EU-US Data Privacy Framework included)")
    SCC = "scc", _("Standard contractual clauses of the European Commission")
    BCR = "bcr", _("Binding corporate rules")


class Processor(models.Model):
    """A company that receives personal data from us: processor or other recipient, named on the policy page."""

    provider = models.CharField(_("provider"), max_length=120)
    role = models.CharField(_("what they do for us"), max_length=300)
    data = models.CharField(_("what they receive"), max_length=300)
    location = models.CharField(_("where the data is processed"), max_length=120)
    transfer_tool = models.CharField(_("transfer safeguard"), max_length=10, choices=TransferTool.choices)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order on the page"), default=100)

    class Meta:
        verbose_name = _("processor or recipient")
        verbose_name_plural = _("processors and recipients")
        ordering = ["order", "provider"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(transfer_tool__in=[t.value for t in TransferTool]),
                name="privacy_processor_lawful_transfer_tool",
            )
        ]

    def __str__(self):
        return self.provider

    def clean(self):
        for name in ("provider", "role", "data", "location"):
            if INVALID_TRANSFER.search(getattr(self, name) or ""):
                raise ValidationError(
                    {name: _("The Privacy Shield was invalidated in 2020: name a lawful safeguard instead.")}
                )


class PolicyVersionQuerySet(models.QuerySet):
    def published(self, at=None):
        return self.filter(published_at__isnull=False, published_at__lte=at or timezone.now())

    def current(self, at=None):
        return self.published(at).order_by("-published_at", "-pk").first()


class PolicyVersion(models.Model):
    number = models.CharField(_("version number"), max_length=20, unique=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    substantial = models.BooleanField(
        _("substantial change"), default=False, help_text=_("Every active customer is told by email (R43).")
    )
    needs_approval = models.BooleanField(
        _("needs approval"),
        default=False,
        help_text=_("Logged-in customers must accept this version before going on (R43)."),
    )
    summary = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Customers told of a substantial change so far, by primary key: the mailing resumes after a crash.
    notified_through = models.PositiveBigIntegerField(default=0, editable=False, verbose_name=_("notified through"))
    notified_at = models.DateTimeField(_("everyone told at"), null=True, blank=True, editable=False)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.number

    @property
    def is_published(self):
        return self.published_at is not None

    def text_for(self, language):
        """The text in `language`, else the English one; the flag says a fallback was used (R82)."""
        texts = {t.language: t for t in self.texts.all()}
        if language in texts:
            return texts[language], False
        return texts.get(settings.LANGUAGE_CODE), True


class PolicyText(models.Model):
    """The part of a version written by people; the register, processors and retention table are generated."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="texts", verbose_name=_("version")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    content = models.TextField(_("text"), help_text=_("Paragraphs separated by a blank line."))

    class Meta:
        verbose_name = _("policy text")
        verbose_name_plural = _("policy texts")
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="privacy_policy_one_text_per_language")
        ]

    def __str__(self):
        return f"{self.version} ({self.language})"

    def clean(self):
        if INVALID_TRANSFER.search(self.content or ""):
            raise ValidationError(
                {"content": _("The Privacy Shield was invalidated in 2020: name a lawful safeguard.")}
            )
        if self.version_id and self.version.is_published:
            raise ValidationError(_("A published version cannot be changed: write a new version."))


registry.exempt(Processor, "company data about our suppliers, no personal data")
registry.exempt(PolicyVersion, "the policy's versions, no personal data")
registry.exempt(PolicyText, "the policy's texts, no personal data")
