"""What the retention tests share: a fixed clock, a journal of their own, and short ways to run a rule."""

from datetime import date, datetime

import pytest

from retention.periods import start_of_day
from retention.services import rule_apply


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    # Tombstones go to a journal file and export_expire sweeps the export folder: never the developer's .run/.
    settings.ERASURE_JOURNAL = str(tmp_path / "erasure-journal.jsonl")
    settings.EXPORT_ROOT = tmp_path / "exports"


def day(text) -> date:
    return date.fromisoformat(text)


def at(text) -> datetime:
    """Midday of that day in the site time zone (clear of any day boundary)."""
    return start_of_day(day(text)).replace(hour=12)


def nightly(rule, day_text, *, dry_run=False):
    """Run one rule the way beat does: on that day at 02:30 site time, as of that day."""
    import time_machine

    with time_machine.travel(start_of_day(day(day_text)).replace(hour=2, minute=30), tick=False):
        return rule_apply(rule=rule, dry_run=dry_run)


def apply(rule, as_of, **kwargs):
    return rule_apply(rule=rule, as_of=day(as_of), **kwargs)


def dry(rule, as_of):
    return rule_apply(rule=rule, as_of=day(as_of), dry_run=True)
