"""manage.py replay_erasures: after a backup restore, erase again what was erased since the backup (R63)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from retention.services import erasures_replay


class Command(BaseCommand):
    help = (
        "Erase again the restored rows of every subject with an erasure tombstone. Tombstones written after the "
        "backup are read back from the erasure journal (ERASURE_JOURNAL) first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--journal",
            default=getattr(settings, "ERASURE_JOURNAL", ""),
            help="Journal of tombstones kept outside the database (default: ERASURE_JOURNAL).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased again.")

    def handle(self, *args, journal, dry_run, **options):
        counts = erasures_replay(journal=journal or None, dry_run=dry_run)
        verb = "would erase" if dry_run else "erased"
        self.stdout.write(
            f"replay_erasures: {counts['tombstones_restored']} tombstones read back from the journal; "
            f"{verb} again {counts['customers']} customers and {counts['emails']} people known by email."
        )
