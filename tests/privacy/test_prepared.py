"""The counting query of the personal-data pages is planned once per connection on PostgreSQL (privacy/prepared.py)."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from privacy import prepared

pytestmark = pytest.mark.django_db
SQL = "SELECT %s + 1, upper(%s), %s IS NOT NULL, '100%%'"
PARAMS = [41, "a_b%c", datetime(2024, 2, 29, 23, 59, tzinfo=UTC)]
EXPECTED = (42, "A_B%C", True, "100%")


def _prepared_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'gdpr_%%'")
        return {row[0] for row in cursor.fetchall()}


def test_the_same_row_as_the_query_run_directly():
    with connection.cursor() as cursor:
        cursor.execute(SQL, PARAMS)
        assert cursor.fetchone() == EXPECTED
    assert prepared.fetchone("default", SQL, PARAMS) == EXPECTED
    assert prepared.fetchone("default", SQL, [1, "x", datetime(2999, 1, 1, tzinfo=UTC)]) == (2, "X", True, "100%")


def test_postgresql_plans_it_once_then_executes_it_by_name():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    sql = SQL + " -- planned once"  # a text no other test prepared on this connection
    before = _prepared_names()
    prepared.fetchone("default", sql, PARAMS)
    [name] = _prepared_names() - before

    with CaptureQueriesContext(connection) as captured:
        assert prepared.fetchone("default", sql, PARAMS) == EXPECTED
    assert [q["sql"].split("(")[0] for q in captured] == [f"EXECUTE {name}"]


def test_a_statement_postgresql_will_not_prepare_runs_directly_and_leaves_the_transaction_usable(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    monkeypatch.setattr(prepared, "_numbered", lambda sql: "SELECT nonsense FROM nowhere")
    with transaction.atomic():
        assert prepared.fetchone("default", SQL + " -- refused", PARAMS) == EXPECTED
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # the transaction was not aborted
            assert cursor.fetchone() == (1,)
