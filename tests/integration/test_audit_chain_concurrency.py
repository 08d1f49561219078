"""Staff requests write the audit trail at the same time: on PostgreSQL the chain head's row lock makes them take
turns, so the chain never forks (two rows claiming one predecessor) and verifies afterwards."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from privacy.models import AuditEntry
from privacy.services.audit import audit_record, audit_verify
from tests import factories

WRITERS, ROWS = 4, 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_leave_one_unbroken_chain(integration_services):
    # Plain users: a transactional test may run after another one flushed the groups the migrations made.
    dpo = factories.StaffFactory(email="dpo-concurrent@example.com")
    alice = factories.CustomerFactory(email="alice-concurrent@example.com")
    barrier = threading.Barrier(WRITERS)
    errors = []

    def write():
        try:
            barrier.wait()
            for _ in range(ROWS):
                # Each row in its own transaction, as one staff request would (ATOMIC_REQUESTS).
                with transaction.atomic():
                    audit_record(actor=dpo, action="view", obj=alice, ip="192.0.2.1")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, WRITERS * ROWS + 1))
    assert audit_verify() == (WRITERS * ROWS, "")
