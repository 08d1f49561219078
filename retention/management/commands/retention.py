"""manage.py retention [--dry-run] [--rule NAME] [--as-of YYYY-MM-DD]: apply the retention rules, one line per rule."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from retention.periods import today
from retention.rules import RULES
from retention.services import counts_line, retention_run


class Command(BaseCommand):
    help = (
        "Apply every retention rule as of a day (default today, site time zone) and print one line of counts per "
        "rule. With --dry-run, only count: nothing changes and no run is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be done; change nothing.")
        parser.add_argument("--rule", action="append", choices=sorted(RULES), metavar="NAME", help="Only this rule.")
        parser.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD", help="Apply as of this day.")

    def handle(self, *args, dry_run, rule, as_of, **options):
        as_of = as_of or today()
        results = retention_run(as_of=as_of, dry_run=dry_run, rules=rule)
        mode = "dry run" if dry_run else "applied"
        self.stdout.write(f"retention as of {as_of.isoformat()} ({mode}):")
        for name, counts in results.items():
            self.stdout.write(counts_line(name, counts))
        failed = [name for name, counts in results.items() if "error" in counts]
        if failed:
            raise CommandError(f"{len(failed)} rule(s) failed: {', '.join(failed)} (see the retention runs)")
