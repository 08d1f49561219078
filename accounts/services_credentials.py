"""Key rotation for the encrypted site credentials (R72)."""

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone

from accounts.models import SiteCredential
from accounts.models.credentials import cipher

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
