"""Optional surveys and the answers customers chose to give (policy 001: "answers to elective surveys", R65).

The answers serve service improvement, a legitimate interest: a customer whose objection to it was upheld (R26)
is left out of every result (accounts.services_surveys), and the answers are exported and erased with the account.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_card_number
from privacy import categories
from privacy.registry import Delete, registry


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    active = models.BooleanField(_("open for answers"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class SurveyAnswer(models.Model):
    """One answer of one customer to one question of a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_answers")
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), validators=[validate_no_card_number])
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["answered_at", "pk"]
        indexes = [models.Index(fields=["survey", "question"]), models.Index(fields=["customer", "answered_at"])]

    def __str__(self):
        return f"{self.survey_id} {self.question[:40]}"


registry.exempt(Survey, "a survey's title and state; the answers are registered apart")
registry.register(
    SurveyAnswer,
    category=categories.SURVEYS,
    owner="customer",
    fields=("survey__title", "question", "answer", "answered_at"),
    erasure=Delete(),
    retention="customer_lifetime",
    personal_fields=("answer",),
)
