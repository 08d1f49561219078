"""`manage.py verify_audit_log`: exit 0 when the staff audit chain is intact, 1 naming the first bad row (R71)."""

import sys

from django.core.management.base import BaseCommand

from privacy.services.audit import audit_verify


class Command(BaseCommand):
    help = "Check the hash chain of the staff audit trail; exit 1 naming the first row that is wrong."

    def handle(self, *args, **options):
        checked, problem = audit_verify()
        if problem:
            self.stderr.write(f"audit chain broken after {checked} good rows: {problem}")
            sys.exit(1)
        self.stdout.write(f"audit chain intact: {checked} rows")
