"""`manage.py rotate_credentials`: re-encrypt every site credential and second-factor secret under the first key
of CREDENTIALS_KEYS.

Rotation: put the new key first, keep the old ones after it, run this, then remove the old keys.
"""

import sys

from django.core.management.base import BaseCommand

from accounts.services_credentials import credentials_rotate, second_factors_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored site credential and second-factor secret with the newest key of CREDENTIALS_KEYS."

    def handle(self, *args, **options):
        rotated, unreadable = credentials_rotate()
        factors, factors_unreadable = second_factors_rotate()
        self.stdout.write(
            f"rotated={rotated} unreadable={len(unreadable)} "
            f"second_factors_rotated={factors} second_factors_unreadable={len(factors_unreadable)}"
        )
        if unreadable:
            self.stderr.write("not readable with any key (ids): " + ", ".join(str(pk) for pk in unreadable))
        if factors_unreadable:
            ids = ", ".join(str(pk) for pk in factors_unreadable)
            self.stderr.write(f"second factors not readable with any key (authenticator ids): {ids}")
        if unreadable or factors_unreadable:
            sys.exit(1)
