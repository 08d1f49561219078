"""Scheduled retention work: thin tasks around the services the `retention` command calls."""

from datetime import date

from celery import shared_task

from retention.services import retention_run, rule_apply


@shared_task
def retention_nightly(as_of=None, dry_run=False):
    """Every rule as of today (beat: every night at 02:30 site time). Safe to run twice: due work is done once.

    The DPO's "dry run now" in the back-office queues it with dry_run: counted and stored, nothing changed.
    """
    results = retention_run(as_of=date.fromisoformat(as_of) if as_of else None, dry_run=dry_run, record=True)
    return {rule: counts.get("error") or "ok" for rule, counts in results.items()}


@shared_task
def retention_rule(rule, as_of=None):
    """One rule; several workers may run it at once (they claim disjoint batches)."""
    counts = rule_apply(rule=rule, as_of=date.fromisoformat(as_of) if as_of else None)
    return {key: value for key, value in counts.items() if key != "rows"}
