"""The demo accountability data (for seed_demo): a chain that verifies, and fails once a row is changed by SQL."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from privacy.accountability_demo import seed_accountability
from privacy.models import AuditEntry, Breach

pytestmark = pytest.mark.django_db


def _verify():
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit_log", stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, err.getvalue()
    return 0, out.getvalue()


def test_the_demo_trail_verifies_and_fails_after_a_change_by_sql():
    call_command("seed_demo", stdout=StringIO())  # runs privacy.accountability_demo.seed among its SEEDERS

    again = seed_accountability()

    assert again == {"audit": 0, "breach": 0, "disclosure": 0, "credential": 0}
    assert AuditEntry.objects.count() == 4
    assert _verify() == (0, "audit chain intact: 4 rows\n")
    assert Breach.objects.get().hours_left() == 42
    with connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_auditentry SET ip = '198.51.100.99' WHERE seq = 3")
    code, message = _verify()
    assert code == 1 and f"row id={AuditEntry.objects.get(seq=3).pk} seq=3" in message
