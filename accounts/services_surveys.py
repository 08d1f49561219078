"""Survey answers: recorded when a customer chooses to answer, read back for service improvement (R65, R26).

Service improvement rests on legitimate interest: a customer whose objection to it was upheld is left out of every
result, whatever they answered before or after the objection.
"""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from accounts.models import ObjectedPurpose, SurveyAnswer


@transaction.atomic
def survey_answer_record(*, survey, customer, answers: dict, now=None) -> list[SurveyAnswer]:
    """Store one customer's answers to a survey ({question: answer}); empty answers are not kept."""
    now = now or timezone.now()
    rows = []
    for question, answer in answers.items():
        answer = str(answer or "").strip()
        if not answer:
            continue
        row = SurveyAnswer(survey=survey, customer=customer, question=question, answer=answer, answered_at=now)
        row.full_clean()
        rows.append(row)
    return SurveyAnswer.objects.bulk_create(rows)


def survey_improvement_answers(*, survey):
    """The answers service improvement may use: none of a customer who objected to it (R26)."""
    return SurveyAnswer.objects.filter(survey=survey).exclude(customer__objections__purpose=ObjectedPurpose.IMPROVEMENT)


def survey_results(*, survey) -> dict:
    """{question: Counter of answers}, for the team improving the service (one query)."""
    results = {}
    for question, answer in survey_improvement_answers(survey=survey).values_list("question", "answer"):
        results.setdefault(question, Counter())[answer] += 1
    return results
