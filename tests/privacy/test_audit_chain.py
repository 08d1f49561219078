"""The staff audit trail is a hash chain: any change, deletion or insertion by SQL is found and named (R71)."""

import pytest
from django.core.management import call_command
from django.db import connection

from privacy.models import AppendOnlyError, AuditEntry
from privacy.services.audit import audit_record, audit_verify
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(dpo, alice, bob):
    order = factories.OrderFactory(customer=alice)
    rows = [
        audit_record(actor=dpo, action="view", obj=alice, ip="192.0.2.10", path=f"/admin/accounts/user/{alice.pk}/"),
        audit_record(actor=dpo, action="change", obj=order, ip="192.0.2.10", detail={"fields": ["status"]}),
        audit_record(actor=dpo, action="view", obj=bob, ip="192.0.2.11"),
        audit_record(actor=dpo, action="export", customer=alice, target="exports.exportjob", ip="192.0.2.10"),
    ]
    return rows


def _verify():
    """(exit code, output) of the management command, as an operator runs it."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit_log", stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, err.getvalue()
    return 0, out.getvalue()


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_row_points_to_the_one_before(trail):
    assert [r.seq for r in trail] == [1, 2, 3, 4]
    assert trail[1].prev_hash == trail[0].hash and trail[3].prev_hash == trail[2].hash
    assert trail[0].customer_label == "alice@example.com" and trail[1].customer == trail[0].customer


def test_an_intact_chain_passes(trail):
    assert _verify() == (0, "audit chain intact: 4 rows\n")


def test_an_empty_trail_passes(db):
    assert _verify()[0] == 0


def test_a_value_changed_by_sql_is_named(trail):
    _sql("UPDATE privacy_auditentry SET action = 'view' WHERE seq = 2")

    code, message = _verify()

    assert code == 1
    assert f"row id={trail[1].pk} seq=2" in message and "hash mismatch" in message


def test_a_customer_changed_by_sql_is_named(trail, bob):
    _sql("UPDATE privacy_auditentry SET customer_id = %s, customer_label = %s WHERE seq = 1", [bob.pk, bob.email])

    code, message = _verify()

    assert code == 1 and "seq=1" in message and "customer" in message


def test_a_deleted_row_is_named_by_the_row_after_it(trail):
    _sql("DELETE FROM privacy_auditentry WHERE seq = 2")

    code, message = _verify()

    assert code == 1 and f"row id={trail[2].pk} seq=3" in message


def test_a_deleted_last_row_is_found_by_the_head(trail):
    _sql("DELETE FROM privacy_auditentry WHERE seq = 4")

    code, message = _verify()

    assert code == 1 and "cut off" in message


def test_an_inserted_row_is_named(trail, dpo):
    last = trail[-1]
    _sql(
        "INSERT INTO privacy_auditentry (seq, at, actor_id, actor_label, action, target, customer_label, object_id,"
        " object_repr, path, detail, salt, personal_digest, redacted, prev_hash, hash)"
        " VALUES (5, %s, %s, 'dpo@example.com', 'view', 'accounts.user', '', '', '', '', '', '', %s, %s, %s, %s)",
        [last.at, dpo.pk, "0" * 64, False, last.hash, "f" * 64],
    )
    inserted = AuditEntry.objects.get(seq=5)

    code, message = _verify()

    assert code == 1 and f"row id={inserted.pk} seq=5" in message


def test_a_row_inserted_in_the_middle_is_named(trail, dpo):
    # Shift the later rows up and slot a forged one in at seq 3, copying its neighbour's pointers.
    _sql("UPDATE privacy_auditentry SET seq = seq + 10 WHERE seq >= 3")
    _sql("UPDATE privacy_auditentry SET seq = seq - 9 WHERE seq >= 13")
    _sql(
        "INSERT INTO privacy_auditentry (seq, at, actor_id, actor_label, action, target, customer_label, object_id,"
        " object_repr, path, detail, salt, personal_digest, redacted, prev_hash, hash)"
        " VALUES (3, %s, %s, 'dpo@example.com', 'view', 'accounts.user', '', '', '', '', '', '', %s, %s, %s, %s)",
        [trail[1].at, dpo.pk, trail[2].personal_digest, False, trail[1].hash, trail[2].hash],
    )

    code, message = _verify()

    assert code == 1 and "seq=3" in message


def test_the_orm_refuses_to_change_or_delete_a_row(trail):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=1).update(action="view")
    with pytest.raises(AppendOnlyError):
        trail[0].delete()
    row = AuditEntry.objects.get(seq=1)
    row.action = "delete"
    with pytest.raises(AppendOnlyError):
        row.save()


def test_a_row_cannot_be_forged_without_the_key(trail, settings):
    # Recomputing the chain with another key (what someone with only database access could do) does not verify.
    settings.AUDIT_CHAIN_KEY = "another key"

    assert audit_verify()[1].startswith(f"row id={trail[0].pk} seq=1")


def test_the_command_reads_the_chain_in_chunks_with_a_fixed_number_of_queries(trail, django_assert_max_num_queries):
    for _ in range(30):
        audit_record(actor=None, action="view", target="accounts.user")

    with django_assert_max_num_queries(3):
        assert audit_verify() == (34, "")
