"""The DPO queue's first page comes from an index, not from sorting every request (bench/web.py, issue 16).

At 100,000 requests the queue's ORDER BY (open first, nearest deadline on top) sorted the whole table on every
page view: 1.6 s. PostgreSQL can serve it from privacy_request_queue_order; with sorting forbidden, the plan
shows that it does.
"""

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.models import DataSubjectRequest
from privacy.models.requests import Channel, Kind
from privacy.services.requests import request_file

pytestmark = pytest.mark.django_db


def _plan(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        # Forbid sorting (and a full scan) so that only a usable index gives a plan without a Sort node.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _queue_queries(dpo_client, query):
    """The SQL of one queue page (`query` its filter) over three requests; PostgreSQL only (the tests read plans)."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    for n in range(3):
        request_file(kind=Kind.ACCESS, channel=Channel.EMAIL, name=f"Person {n}", email=f"p{n}@example.org")
    with CaptureQueriesContext(connection) as captured:
        response = dpo_client.get(reverse("admin:privacy_datasubjectrequest_changelist") + query)
    assert response.status_code == 200
    return [q["sql"] for q in captured]


@pytest.mark.parametrize("query", ["", "?deadline=overdue", "?deadline=open"])
def test_the_queue_pages_are_read_in_index_order(dpo_client, query):
    [page] = [sql for sql in _queue_queries(dpo_client, query) if "ORDER BY CASE WHEN" in sql]

    plan = _plan(page)

    assert "privacy_request_queue_order" in plan, plan
    assert "Sort" not in plan, plan


def test_the_queue_search_is_read_from_trigram_indexes(rf, dpo):
    """The queue's search (the admin's own search condition) reads the trigram indexes of migration 0014."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    for n in range(3):
        request_file(kind=Kind.ACCESS, channel=Channel.EMAIL, name=f"Person {n}", email=f"p{n}@example.org")
    request = rf.get("/", {"q": "p1@example"})
    request.user = dpo
    queue = admin.site._registry[DataSubjectRequest]
    found, _ = queue.get_search_results(request, DataSubjectRequest.objects.all(), "p1@example")
    assert [r.requester_email for r in found] == ["p1@example.org"]
    sql, params = found.values("pk").query.sql_with_params()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would otherwise just be read
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    for column in ("reference", "requester_email", "requester_name"):
        assert f"privacy_request_{column}_trgm" in plan, plan


@pytest.mark.parametrize("query", ["?deadline=overdue", "?deadline=open"])
def test_the_queue_counts_open_requests_from_their_deadline_index_alone(dpo_client, query):
    """The paginator's count of the open or overdue requests reads privacy_request_open_deadline (migration 0015),
    index only: at 20,000 open requests, counting them from the table took 19 ms of each queue view."""
    queries = _queue_queries(dpo_client, query)
    [count] = [sql for sql in queries if "COUNT(*)" in sql and "privacy_datasubjectrequest" in sql]

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would otherwise just be read
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using privacy_request_open_deadline" in plan, plan
