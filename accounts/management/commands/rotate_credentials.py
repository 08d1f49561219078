"""`manage.py rotate_credentials`: re-encrypt every site credential under the first key of CREDENTIALS_KEYS.

Rotation: put the new key first, keep the old ones after it, run this, then remove the old keys.
"""

import sys

from django.core.management.base import BaseCommand

from accounts.services_credentials import credentials_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored site credential with the newest key of CREDENTIALS_KEYS."

    def handle(self, *args, **options):
        rotated, unreadable = credentials_rotate()
        self.stdout.write(f"rotated={rotated} unreadable={len(unreadable)}")
        if unreadable:
            self.stderr.write("not readable with any key (ids): " + ", ".join(str(pk) for pk in unreadable))
            sys.exit(1)
