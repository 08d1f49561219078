"""Key rotation for the encrypted site credentials (R72)."""

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone

from accounts.models import SiteCredential
from accounts.models.credentials import SECOND_FACTOR_SECRETS, cipher, second_factor_data, second_factor_rotate

BATCH = 500


def credentials_rotate() -> tuple[int, list[int]]:
    """Re-encrypt every row under the newest key, a batch per transaction. Returns (rotated, unreadable ids)."""
    rotated, unreadable, last = 0, [], 0
    fernet = cipher()
    while True:
        with transaction.atomic():
            batch = list(
                SiteCredential.objects.select_for_update()
                .filter(pk__gt=last)
                .order_by("pk")
                .only("secret_token")[:BATCH]
            )
            if not batch:
                break
            now = timezone.now()
            for credential in batch:
                try:
                    credential.secret_token = fernet.rotate(credential.secret_token.encode()).decode()
                    credential.rotated_at = now
                    rotated += 1
                except InvalidToken:
                    unreadable.append(credential.pk)
            SiteCredential.objects.bulk_update(
                [c for c in batch if c.pk not in unreadable], ["secret_token", "rotated_at"]
            )
            last = batch[-1].pk
    return rotated, unreadable


def second_factors_rotate() -> tuple[int, list[int]]:
    """Re-encrypt every second-factor secret (TOTP keys, recovery-code seeds) under the newest key, as
    credentials_rotate does for site credentials. Returns (authenticators rotated, unreadable authenticator ids)."""
    from allauth.mfa.models import Authenticator

    rotated, unreadable = 0, []
    with transaction.atomic():
        rows = Authenticator.objects.select_for_update().filter(type__in=SECOND_FACTOR_SECRETS)
        for authenticator in rows.order_by("pk"):
            try:
                authenticator.data = second_factor_data(authenticator.type, authenticator.data, second_factor_rotate)
            except InvalidToken:
                unreadable.append(authenticator.pk)
                continue
            authenticator.save(update_fields=["data"])
            rotated += 1
    return rotated, unreadable
