"""The DPO's prepared answers and the Art. 19 notices: what pre-fills an answer, and ticking recipients off."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from privacy.models import PreparedAnswer, RecipientNotification


def prepared_answer_text(req, outcome) -> str:
    """The prepared text for this kind and outcome in the person's language, else in the site's; "" if none."""
    language = getattr(req.customer, "preferred_language", "") or settings.LANGUAGE_CODE
    answers = {
        a.language: a.text
        for a in PreparedAnswer.objects.filter(
            kind=req.kind, outcome=outcome, language__in=(language[:2], settings.LANGUAGE_CODE[:2])
        )
    }
    return answers.get(language[:2]) or answers.get(settings.LANGUAGE_CODE[:2], "")


@transaction.atomic
def recipients_mark_notified(*, notifications, actor, now=None) -> int:
    """Art. 19: record that the selected recipients were told now; rows already done are left as they were."""
    now = now or timezone.now()
    pending = RecipientNotification.objects.filter(
        pk__in=[n.pk for n in notifications], notified_at__isnull=True, impossible_reason=""
    )
    return pending.update(notified_at=now, done_by=actor)
