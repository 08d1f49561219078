"""The DPO's prepared answers (one per kind, outcome and language) and the contact of each Art. 19 recipient."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from privacy.models.requests import Kind
from privacy.registry import registry


class PreparedAnswer(models.Model):
    """A text the DPO keeps ready for one kind of request, one outcome and one language; it pre-fills the answer,
    which staff still read and adapt before sending."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completion")
        REJECTED = "rejected", _("Rejection")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("prepared answer")
        verbose_name_plural = _("prepared answers")
        ordering = ["kind", "outcome", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "outcome", "language"], name="privacy_prepared_answer_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} / {self.get_outcome_display()} / {self.language}"


class RecipientContact(models.Model):
    """How to reach a recipient named in the registry, for the Art. 19 notices (R22)."""

    recipient = models.CharField(_("recipient"), max_length=300, unique=True)
    contact = models.TextField(_("contact details"), help_text=_("Address, email or web form for Art. 19 notices."))

    class Meta:
        verbose_name = _("recipient's contact")
        verbose_name_plural = _("recipients' contacts")
        ordering = ["recipient"]

    def __str__(self):
        return self.recipient


registry.exempt(PreparedAnswer, "model answers written by the DPO, about no one in particular")
registry.exempt(RecipientContact, "a company's address for Art. 19 notices, no data about a subject")
