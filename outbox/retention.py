"""The outbox's retention sweep, listed in retention/sweeps.py under the rule outbox_sent_delete."""

from retention.engine import bump


class OutboxSent:
    """Applied hourly by the outbox app; the nightly run applies the same service, so the rule is never late."""

    rule = "outbox_sent_delete"
    action = "deleted"

    def run(self, ctx):
        from outbox.services import outbox_purge

        result = outbox_purge(now=ctx.at, dry_run=ctx.dry_run)
        bump(ctx.counts, "matched", result["matched"])
        bump(ctx.counts, "deleted", result["matched"] if ctx.dry_run else result["deleted"])
