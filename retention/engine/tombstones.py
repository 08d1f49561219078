"""Tombstones: the keyed hash of each erased subject, in the database and in an append-only journal outside it.

A restore brings back neither rows nor tombstones written after the backup; the journal lets `replay_erasures`
find them. Tombstones and the fraud list never hold a value, only its HMAC.
"""

import hashlib
import hmac
import json
import logging
from datetime import datetime
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.db import transaction

from retention.models import ErasureTombstone

log = logging.getLogger(__name__)


def digest(value: str) -> str:
    return hmac.new(settings.ERASURE_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def customer_digest(pk) -> str:
    return digest(f"customer:{pk}")


def email_digest(email: str) -> str:
    return digest(f"email:{email.strip().lower()}")


def tombstone_write(tombstones):
    ErasureTombstone.objects.bulk_create(tombstones)
    journal = getattr(settings, "ERASURE_JOURNAL", "")
    if journal and tombstones:
        lines = "".join(
            json.dumps(
                {
                    "kind": t.kind,
                    "subject": t.subject_digest,
                    "contact": t.contact_digest,
                    "reference": t.reference,
                    "erased_at": t.erased_at.isoformat(),
                }
            )
            + "\n"
            for t in tombstones
        )
        transaction.on_commit(lambda: _journal_append(Path(journal), lines))


def _journal_append(path, lines):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as journal:
            journal.write(lines)
    except OSError:
        # The database holds every tombstone; the journal is the copy for restores. Say so loudly, do not undo.
        log.exception("could not append to the erasure journal %s", path)


def journal_read(path):
    path = Path(path)
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as journal:
        for line in journal:
            if line.strip():
                yield json.loads(line)


def tombstones_restore(journal, *, dry_run) -> int:
    """Put back the journal's tombstones that the restored table lacks (a restore predates them)."""
    restored = 0
    for chunk in batched(journal_read(journal), 1000):
        known = set(
            ErasureTombstone.objects.filter(subject_digest__in=[line["subject"] for line in chunk]).values_list(
                "subject_digest", "reference"
            )
        )
        missing = [line for line in chunk if (line["subject"], line["reference"]) not in known]
        if missing and not dry_run:
            ErasureTombstone.objects.bulk_create(
                [
                    ErasureTombstone(
                        kind=line["kind"],
                        subject_digest=line["subject"],
                        contact_digest=line.get("contact", ""),
                        reference=line["reference"],
                        erased_at=datetime.fromisoformat(line["erased_at"]),
                    )
                    for line in missing
                ],
                ignore_conflicts=True,
            )
        restored += len(missing)
    return restored
