"""The beat entry and the tasks: thin wrappers around the same services as the command."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings

from retention.models import RetentionRun
from retention.rules import RULES
from retention.tasks import retention_nightly, retention_rule

NOW = datetime(2026, 3, 16, 2, 30, tzinfo=ZoneInfo("Europe/Paris"))


def test_every_rule_runs_every_night_at_half_past_two_site_time():
    entry = settings.CELERY_BEAT_SCHEDULE["retention-nightly"]

    assert entry["task"] == "retention.tasks.retention_nightly"
    assert entry["schedule"] == crontab(hour=2, minute=30)
    assert settings.CELERY_TIMEZONE == settings.SITE_TIME_ZONE


@pytest.mark.django_db
def test_the_nightly_task_applies_every_rule_as_of_today():
    with time_machine.travel(NOW, tick=False):
        result = retention_nightly.delay().get()

    assert set(result) == set(RULES) and set(result.values()) == {"ok"}
    assert RetentionRun.objects.count() == len(RULES)
    assert set(RetentionRun.objects.values_list("as_of", flat=True)) == {NOW.date()}


@pytest.mark.django_db
def test_the_rule_task_applies_one_rule_as_of_a_day():
    result = retention_rule.delay("prospect_delete", "2030-01-01").get()

    assert result["matched"] == 0
    assert RetentionRun.objects.get().as_of.isoformat() == "2030-01-01"
