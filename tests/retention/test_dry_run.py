"""A dry run changes nothing and reports exactly what the real run then does (R47, R60)."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from retention.models import ErasureTombstone, RetentionRun
from retention.rules import RULES
from retention.services import retention_run
from retention.sweeps import RUN_ORDER
from tests.retention.population import population, table_snapshot

NOW = datetime(2026, 3, 16, 2, 30, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(dpo):
    with time_machine.travel(NOW, tick=False):
        return population(NOW, dpo)


def test_a_dry_run_changes_nothing_and_the_real_run_acts_on_exactly_its_counts(people):
    before = table_snapshot()
    with time_machine.travel(NOW, tick=False):
        planned = retention_run(dry_run=True)
    assert table_snapshot() == before

    with time_machine.travel(NOW, tick=False):
        done = retention_run()

    assert not [name for name, counts in done.items() if "error" in counts]
    assert done == planned
    stored = {run.rule: run.counts for run in RetentionRun.objects.all()}
    assert stored == done
    # And the run did act: the due people are erased or archived, the others untouched.
    assert planned["customer_archived_erase"]["erased"] == 1
    assert planned["customer_terminated_erase"]["erased"] == 1
    # Barbara, and Edsger (terminated 10 days ago, but he never ordered and joined years ago).
    assert planned["customer_empty_erase"]["erased"] == 2
    assert planned["minor_erase"]["erased"] == 1
    assert planned["customer_inactive_archive"]["archived"] == 1
    assert ErasureTombstone.objects.count() == 5
    assert not User.objects.filter(email="edsger@example.com").exists()


def test_the_demo_population_has_every_exception_counted_by_reason(people):
    with time_machine.travel(NOW, tick=False):
        planned = retention_run(dry_run=True)

    assert planned["customer_archived_erase"]["skipped"] == {"legal_hold": 1, "open_request": 1, "active_service": 1}
    assert planned["customer_terminated_erase"]["skipped"] == {"restriction": 1}
    assert planned["customer_inactive_archive"]["skipped"] == {"active_service": 1}
    assert planned["order_stale_delete"]["skipped"] == {
        "legal_hold": 1,
        "accepted_commission": 1,
        "paid_or_invoiced": 1,
    }
    states = {name: User.objects.get(pk=c.pk).state for name, c in people.items()}
    assert states["held"] == states["requesting"] == states["serving"] == User.State.ARCHIVED


def test_the_command_prints_one_line_per_rule_and_a_dry_run_stores_nothing(people):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--dry-run", "--as-of", "2040-01-01", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "retention as of 2040-01-01 (dry run):"
    assert [line.split(":")[0] for line in lines[1:]] == list(RUN_ORDER)
    assert all("matched=" in line for line in lines[1:])
    assert not RetentionRun.objects.exists()


def test_the_command_applies_one_rule_as_of_a_day_and_stores_its_run(people):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--rule", "customer_archived_erase", "--as-of", "2026-03-16", stdout=out)

    assert out.getvalue().splitlines()[1].startswith("customer_archived_erase: matched=4 erased=1 ")
    assert "skipped[legal_hold]=1" in out.getvalue()
    assert list(RetentionRun.objects.values_list("rule", flat=True)) == ["customer_archived_erase"]


def test_an_unknown_rule_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("retention", "--rule", "everything_delete")
    assert "customer_archived_erase" in RULES


def test_a_failing_rule_is_recorded_and_the_others_still_run(people, monkeypatch):
    from retention import sweeps

    def broken(self, ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sweeps.SupportTickets, "run", broken)
    with time_machine.travel(NOW, tick=False):
        results = retention_run()

    assert results["support_ticket_delete"] == {"error": "RuntimeError: disk full"}
    assert "error" not in results["connection_log_delete"]
    failed = RetentionRun.objects.get(rule="support_ticket_delete")
    assert "disk full" in failed.error and failed.finished_at is not None
