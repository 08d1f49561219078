"""Staff audit trail benchmark (R71): the cost of one append, of verifying the whole chain, and of redacting a
customer's rows at erasure, as the trail grows.

It appends N rows through `audit_record` (the path every staff request takes: lock the head, insert, move the
head), spread over 200 customers, verifies the chain with `audit_verify` (what `manage.py verify_audit_log`
runs), redacts one customer's rows with the erasure engine's statement, verifies again, then deletes what it
wrote. The last line reads

    rows=<N> append_ms=<mean ms per row> verify_s=<s> verify_rows_per_s=<n> redact_s=<s>

Run it on PostgreSQL with DATABASE_URL pointing at a migrated database (see bench/export.py for the commands);
`--rows` sets N (default 20000).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The cache, private files and any run state go to a throwaway folder, never the local site's .run/.
    os.environ.setdefault("RUN_DIR", tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ.setdefault("PRIVATE_ROOT", os.environ["RUN_DIR"])
    import django

    django.setup()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    _setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import User
    from privacy.models import AuditChainHead, AuditEntry
    from privacy.registry import registry
    from privacy.services.audit import audit_record, audit_verify
    from retention.engine import anonymise_values

    call_command("migrate", verbosity=0)
    if AuditEntry.objects.exists():
        sys.exit("the audit trail is not empty: run this on a scratch database")
    staff = User.objects.create(email="bench-staff@example.net", is_staff=True)
    customers = User.objects.bulk_create(User(email=f"bench-{i}@example.net") for i in range(200))
    try:
        started = time.perf_counter()
        for i in range(args.rows):
            with transaction.atomic():
                audit_record(actor=staff, action="view", obj=customers[i % 200], ip="192.0.2.1", path="/admin/x/")
        append = (time.perf_counter() - started) / args.rows * 1000

        started = time.perf_counter()
        checked, problem = audit_verify()
        verify = time.perf_counter() - started
        assert checked == args.rows and not problem, problem

        started = time.perf_counter()
        entry = registry.entry(AuditEntry)
        with transaction.atomic():
            AuditEntry._base_manager.filter(customer=customers[0]).update(**anonymise_values(entry))
        redact = time.perf_counter() - started
        assert audit_verify() == (args.rows, "")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM privacy_auditentry")
        AuditChainHead.objects.update(seq=0, hash="0" * 64)
        User.objects.filter(email__startswith="bench-", email__endswith="@example.net").delete()
    print(
        f"rows={args.rows} append_ms={append:.2f} verify_s={verify:.2f} "
        f"verify_rows_per_s={args.rows / verify:.0f} redact_s={redact:.3f}"
    )


if __name__ == "__main__":
    main()
