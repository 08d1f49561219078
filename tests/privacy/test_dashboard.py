"""The DPO's dashboard on the admin index: counts, median time to answer, and the chart of requests per month."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy import dashboard
from privacy.models import DataSubjectRequest
from privacy.models.requests import Status
from privacy.services import requests as services
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
INDEX = reverse("admin:index")


def _file(received, *, kind="access", email="lea@example.org"):
    return services.request_file(kind=kind, channel="email", name="Léa Moreau", email=email, received_at=received)


def _answered(received, days, *, status=Status.COMPLETED, **kwargs):
    req = _file(received, **kwargs)
    DataSubjectRequest.objects.filter(pk=req.pk).update(status=status, closed_at=received + timedelta(days=days))
    return req


@pytest.fixture
def history(db):
    """Three open requests (one overdue, one due soon) and three answered in 2, 10 and 30 days."""
    with time_machine.travel(NOW, tick=False):
        _file(datetime(2026, 10, 1, 9, 0, tzinfo=PARIS), email="late@example.org")  # due 31 Oct: overdue
        _file(datetime(2026, 10, 25, 9, 0, tzinfo=PARIS), kind="erasure")  # due 24 Nov: due soon
        _file(datetime(2026, 11, 19, 9, 0, tzinfo=PARIS), kind="objection")  # due 19 Dec
        _answered(datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), 2)
        _answered(datetime(2026, 6, 1, 9, 0, tzinfo=PARIS), 10, status=Status.REJECTED)
        _answered(datetime(2026, 8, 3, 9, 0, tzinfo=PARIS), 30, kind="rectification")
        _answered(datetime(2025, 6, 2, 9, 0, tzinfo=PARIS), 90)  # answered more than 12 months ago
        withdrawn = _file(datetime(2026, 9, 1, 9, 0, tzinfo=PARIS), email="w@example.org")
        DataSubjectRequest.objects.filter(pk=withdrawn.pk).update(status=Status.WITHDRAWN, closed_at=NOW)


def test_the_counts_use_the_queue_definitions(history):
    assert dashboard.queue_counts(NOW) == {"open": 3, "overdue": 1, "due_soon": 1}


def test_the_median_counts_answers_of_the_last_12_months_only(history):
    assert dashboard.median_days_to_answer(NOW) == 10


def test_no_answer_yet_shows_a_dash(db):
    assert dashboard.median_days_to_answer(NOW) is None
    assert dashboard.summary(NOW)["median_display"] == "—"


def test_requests_are_counted_per_local_month_and_kind(history):
    with time_machine.travel(NOW, tick=False):
        # 23:30 UTC on 31 January is already 1 February in Paris.
        _file(datetime(2026, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC")), kind="portability")

    months = dashboard.requests_per_month(NOW)

    assert [m.isoformat() for m, _ in (months[0], months[-1])] == ["2025-12-01", "2026-11-01"]
    assert len(months) == 12
    counts = dict(months)
    assert counts[datetime(2026, 2, 1).date()] == {"portability": 1}
    assert counts[datetime(2026, 1, 1).date()] == {}
    assert counts[datetime(2026, 10, 1).date()] == {"access": 1, "erasure": 1}
    assert sum(sum(c.values()) for _, c in months) == 8  # all but the request of June 2025


def test_the_chart_has_a_bar_group_per_month_axes_and_a_legend(history):
    svg = str(dashboard.chart_svg(dashboard.requests_per_month(NOW)))

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('<g class="month"') == 12
    assert svg.count('<g class="legend-item">') == 4  # access, rectification, erasure, objection
    for label in ("Access to my data", "Erasure of my data", "Correction of my data", "Objection to processing"):
        assert f">{label}</text>" in svg
    assert "Requests" in svg and "Month received (site time)" in svg and ">Nov<" in svg


def test_the_chart_obeys_the_content_security_policy_and_escapes_its_labels():
    months = [(datetime(2026, m, 1).date(), {"access": m}) for m in range(1, 13)]

    svg = str(dashboard.chart_svg(months, labels={"access": '<script>alert("x")</script>'}))

    assert "<script" not in svg and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    assert "style=" not in svg and "<style" not in svg
    assert not re.search(r"\son\w+=", svg)  # no event handler attributes


def test_an_empty_year_says_so():
    months = [(datetime(2026, m, 1).date(), {}) for m in range(1, 13)]

    svg = str(dashboard.chart_svg(months))

    assert "No requests in the last 12 months." in svg and svg.count('<g class="month"') == 12


@time_machine.travel(NOW, tick=False)
def test_the_admin_index_shows_the_dashboard_to_the_dpo(dpo_client, history):
    html = dpo_client.get(INDEX).content.decode()

    assert re.search(r'id="queue-open">3<', html)
    assert re.search(r'id="queue-overdue">1<', html) and re.search(r'id="queue-due-soon">1<', html)
    assert re.search(r'id="queue-median">10.0<', html)
    assert "<svg" in html and html.count('<g class="month"') == 12
    assert "?deadline=overdue" in html and "css/admin-queue.css" in html
    assert html.index("queue-dashboard") < html.index('id="content-main"')


def test_support_staff_see_no_dashboard(client, db):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)

    html = client.get(INDEX).content.decode()

    assert "queue-dashboard" not in html and "queue-chart-svg" not in html and "Data-subject requests" not in html


def _forget_history():
    from django.core.cache import cache
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            cache.delete(dashboard.HISTORY_CACHE_KEY.format(language=translation.get_language()))


def _index_queries(client):
    """What the index costs with the 12 months computed, not read from the cache."""
    _forget_history()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(INDEX).status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_costs_the_same_queries_whatever_the_number_of_requests(dpo_client, history):
    dpo_client.get("/admin/")  # warms the cached policy version in force (one query a minute per process)
    few = _index_queries(dpo_client)
    for day in range(60):
        received = datetime(2026, 1, 1, 9, 0, tzinfo=PARIS) + timedelta(days=5 * day)
        _answered(received, day % 25, kind=("access", "erasure", "portability", "other")[day % 4], email=f"{day}@x.org")

    assert _index_queries(dpo_client) == few


def _shown(html, element_id):
    return re.search(rf'id="{element_id}">([^<]*)<', html).group(1)


def test_the_twelve_months_come_from_the_cache_for_a_few_minutes_while_the_counts_stay_live(dpo_client, history):
    with time_machine.travel(NOW, tick=False):
        first = dpo_client.get(INDEX).content.decode()
        computed = _index_queries(dpo_client)
        with CaptureQueriesContext(connection) as ctx:
            again = dpo_client.get(INDEX).content.decode()
        from_cache = len(ctx.captured_queries)  # read now: the next request empties the log
        _answered(datetime(2026, 11, 2, 9, 0, tzinfo=PARIS), 1, email="new@example.org")
        _file(datetime(2026, 11, 19, 9, 0, tzinfo=PARIS), email="open@example.org")
        later = dpo_client.get(INDEX).content.decode()

    # Read from the cache: the two passes over the year are not run again, and the page says as of when.
    assert from_cache == computed - 2
    assert "as of" not in first and "the counts above are live" in again
    # The counts follow the new open request at once; the chart and its total wait for the cache to expire.
    assert int(_shown(later, "queue-open")) == int(_shown(first, "queue-open")) + 1
    assert re.search(r"(\d+) requests received", later).group(1) == re.search(r"(\d+) requests received", first).group(
        1
    )

    with time_machine.travel(NOW + timedelta(seconds=settings.DASHBOARD_HISTORY_SECONDS + 1), tick=False):
        expired = dpo_client.get(INDEX).content.decode()
    received = int(re.search(r"(\d+) requests received", first).group(1))
    assert re.search(r"(\d+) requests received", expired).group(1) == str(received + 2)


@pytest.mark.parametrize(
    "moment",
    [
        NOW,
        datetime(2026, 10, 31, 23, 59, 59, tzinfo=PARIS),  # the last second before the first request is overdue
        datetime(2026, 11, 1, 0, 0, tzinfo=PARIS),
        datetime(2026, 11, 17, 0, 0, tzinfo=PARIS),  # the due-soon window's edge for the 24 November request
        datetime(2026, 11, 16, 23, 59, 59, tzinfo=PARIS),
        datetime(2027, 3, 28, 2, 30, tzinfo=ZoneInfo("UTC")),  # summer time starts in Paris
    ],
)
def test_the_one_pass_counts_are_the_queue_filters_counts(history, moment):
    requests = DataSubjectRequest.objects

    assert requests.counts(moment) == {
        "open": requests.open().count(),
        "overdue": requests.overdue(moment).count(),
        "due_soon": requests.due_soon(moment).count(),
    }
