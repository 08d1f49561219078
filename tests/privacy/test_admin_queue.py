"""The DPO queue in the admin: columns and marks, filters, the actions that call the services, who may use them."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from privacy import deadlines
from privacy.models import DataSubjectRequest, RecipientNotification, RequestEvent, Restriction
from privacy.models.requests import Status
from privacy.services import requests as services
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
# REQUIREMENTS 2.7 example 2: received Sat 31 Jan 2026 09:00 Paris, due Sat 28 Feb 2026, ceiling Tue 28 Apr 2026.
RECEIVED = datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)
FILED = datetime(2026, 2, 2, 10, 0, tzinfo=PARIS)
DUE_AT = datetime(2026, 2, 28, 22, 59, 59, 999999, tzinfo=UTC)
XSS = '<script>alert("x")</script>'
ACTIONS = ("verify", "await_identity", "start", "assign", "extend", "complete", "reject")
CHANGELIST = reverse("admin:privacy_datasubjectrequest_changelist")


def _url(name, req):
    return reverse(f"admin:privacy_datasubjectrequest_{name}", args=[req.pk])


def _file(received=RECEIVED, *, kind="access", email="lea@example.org", name="Léa Moreau", **kwargs):
    return services.request_file(
        kind=kind, channel="email", name=name, email=email, received_at=received, details="By email.", **kwargs
    )


def _started(dpo, **kwargs):
    return services.request_verify_identity(_file(**kwargs), actor=dpo)


def _row(html, reference):
    """The <tr> of the changelist holding this reference."""
    rows = [row for row in html.split("<tr") if reference in row]
    assert len(rows) == 1, reference
    return rows[0]


def _html(response):
    return response.content.decode()


def _state(req):
    req = DataSubjectRequest.objects.get(pk=req.pk)
    return req.status, req.extended_until, req.closed_at, req.response, req.events.count()


@pytest.fixture
def support(db):
    """Support staff: is_staff, in the Support group, without privacy.work_queue."""
    user = factories.StaffFactory(email="support@example.com", first_name="Sam", last_name="Support")
    user.groups.add(Group.objects.get(name="Support"))
    return user


@pytest.fixture
def superuser_client(db):
    client = Client()
    client.force_login(factories.StaffFactory(is_superuser=True, email="root@example.com"))
    return client


# -- the changelist -----------------------------------------------------------------------------------------------


@pytest.fixture
def queue(db, dpo):
    """On Sat 21 Feb 2026 at noon, Paris: one request of each countdown state."""
    with time_machine.travel(datetime(2026, 2, 21, 12, 0, tzinfo=PARIS), tick=False):
        rows = {
            "soon": _file(RECEIVED, email="soon@example.org"),  # due 28 Feb: 7 days left
            "today": _file(datetime(2026, 1, 22, 9, 0, tzinfo=PARIS), email="today@example.org"),  # due 21 Feb
            "overdue": _file(datetime(2026, 1, 10, 9, 0, tzinfo=PARIS), email="late@example.org"),  # due 9 Feb
            "later": _file(
                datetime(2026, 2, 10, 9, 0, tzinfo=PARIS), email="later@example.org"
            ),  # due 10 Mar (one month)
            "done": _started(dpo, received=datetime(2026, 1, 12, 9, 0, tzinfo=PARIS), email="done@example.org"),
        }
        services.request_complete(rows["done"], actor=dpo, response="Here is your data.")
    return rows


@time_machine.travel(datetime(2026, 2, 21, 12, 0, tzinfo=PARIS), tick=False)
def test_the_queue_shows_the_columns_and_marks_overdue_and_due_soon_rows(dpo_client, queue):
    html = _html(dpo_client.get(CHANGELIST, {"deadline": "all"}))

    for heading in ("Reference", "Kind", "Requester", "Channel", "Received", "Due", "Days left", "Status", "Assignee"):
        assert f">{heading}<" in html, heading
    assert 'class="queue-badge queue-soon">7<' in _row(html, queue["soon"].reference)
    assert 'class="queue-badge queue-soon">0 (today)<' in _row(html, queue["today"].reference)
    assert 'class="queue-badge queue-overdue">-12 (overdue)<' in _row(html, queue["overdue"].reference)
    later = _row(html, queue["later"].reference)
    assert '<span class="queue-days">17</span>' in later and "queue-badge" not in later
    done = _row(html, queue["done"].reference)
    assert "queue-days" not in done and "queue-badge" not in done and "Completed" in done
    assert "soon@example.org" in html and "Feb. 28, 2026" in html


@time_machine.travel(datetime(2026, 2, 21, 12, 0, tzinfo=PARIS), tick=False)
def test_open_requests_come_first_nearest_deadline_on_top(dpo_client, queue):
    results = list(dpo_client.get(CHANGELIST, {"deadline": "all"}).context["cl"].result_list)

    assert [r.requester_email for r in results] == [
        "late@example.org",
        "today@example.org",
        "soon@example.org",
        "later@example.org",
        "done@example.org",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("overdue", {"overdue"}),
        ("due_soon", {"soon", "today"}),
        ("open", {"soon", "today", "overdue", "later"}),
        (None, {"soon", "today", "overdue", "later"}),
        ("closed", {"done"}),
        ("all", {"soon", "today", "overdue", "later", "done"}),
    ],
)
@time_machine.travel(datetime(2026, 2, 21, 12, 0, tzinfo=PARIS), tick=False)
def test_the_deadline_filters_return_the_right_rows(dpo_client, queue, value, expected):
    results = dpo_client.get(CHANGELIST, {"deadline": value} if value else {}).context["cl"].result_list

    assert {r.reference for r in results} == {queue[name].reference for name in expected}


@time_machine.travel(datetime(2026, 2, 21, 12, 0, tzinfo=PARIS), tick=False)
def test_the_queue_opens_on_the_open_requests_and_the_closed_ones_are_one_click_away(dpo_client, queue):
    """Issue 14: the queue listed closed requests by default."""
    html = _html(dpo_client.get(CHANGELIST))

    assert queue["done"].reference not in html and queue["overdue"].reference in html
    filters = html[html.index('id="changelist-filter"') :]
    assert 'href="?deadline=closed"' in filters and 'href="?deadline=all"' in filters
    # "Open" is the default: selected without a parameter, and its link drops the parameter.
    assert re.search(r'<li class="selected">\s*<a href="\?"[^>]*>Open</a>', filters), filters


def test_the_queue_searches_by_email_and_by_reference(dpo_client, queue):
    by_email = dpo_client.get(CHANGELIST, {"q": "late@example.org"}).context["cl"].result_list
    by_reference = dpo_client.get(CHANGELIST, {"q": queue["soon"].reference}).context["cl"].result_list

    assert [r.pk for r in by_email] == [queue["overdue"].pk]
    assert [r.pk for r in by_reference] == [queue["soon"].pk]


def test_a_possibly_repetitive_request_carries_the_flag(dpo_client, db):
    _file(datetime(2026, 1, 5, 9, 0, tzinfo=PARIS))
    second = _file(RECEIVED)

    html = _html(dpo_client.get(CHANGELIST))
    page = _html(dpo_client.get(_url("change", second)))

    assert second.possibly_repetitive
    assert "possibly repetitive" in _row(html, second.reference)
    assert "possibly repetitive" in page and "Never a reason to refuse on its own" in page


def _bulk(n, dpo, alice):
    """n requests in every status, half with an account, a third assigned, some extended."""
    statuses = list(Status)
    rows = []
    for i in range(n):
        received = datetime(2026, 1, 1, 9, 0, tzinfo=PARIS) + timedelta(hours=7 * i)
        due = deadlines.due_at(received, tz="Europe/Paris")
        status = statuses[i % len(statuses)]
        rows.append(
            DataSubjectRequest(
                kind="access",
                channel="email",
                status=status,
                requester_name=f"Person {i}",
                requester_email=f"p{i}@example.org",
                customer=alice if i % 2 else None,
                assignee=dpo if i % 3 else None,
                received_at=received,
                due_at=due,
                extended_until=due + timedelta(days=20) if status == Status.EXTENDED else None,
                possibly_repetitive=i % 5 == 0,
            )
        )
    DataSubjectRequest.objects.bulk_create(rows)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_changelist_costs_the_same_queries_for_10_and_1000_requests(dpo_client, dpo, alice):
    _bulk(10, dpo, alice)
    dpo_client.get(CHANGELIST)  # warms the cached policy version in force (one query a minute per process)
    small = _queries(dpo_client, CHANGELIST), _queries(dpo_client, CHANGELIST + "?deadline=overdue")
    _bulk(990, dpo, alice)
    large = _queries(dpo_client, CHANGELIST), _queries(dpo_client, CHANGELIST + "?deadline=overdue")

    assert small == large


def test_the_changelist_runs_these_queries(dpo_client, dpo, alice, django_assert_num_queries):
    _bulk(150, dpo, alice)
    dpo_client.get(CHANGELIST)  # warms the cached policy version in force (one query a minute per process)
    # session, user, savepoint (ATOMIC_REQUESTS), the user's permissions, their groups' permissions,
    # count of the filtered rows (not of all rows: show_full_result_count is off), the page of requests with
    # account and assignee, release; then the staff audit row (R71): savepoint, lock the chain head, insert the
    # row, move the head, release
    with django_assert_num_queries(13):
        dpo_client.get(CHANGELIST)


# -- the change page ----------------------------------------------------------------------------------------------


def test_the_request_page_shows_the_deadline_and_is_read_only(dpo_client, db):
    with time_machine.travel(FILED, tick=False):
        req = _file()
        html = _html(dpo_client.get(_url("change", req)))

    assert "28 February 2026, Paris time" in html  # the due date in full
    assert "March 2, 2026: the legal month moved past weekends" in html  # legal latest, for information
    assert "April 28, 2026" in html  # the latest possible extension
    assert '<span class="queue-days">26</span>' in html
    for field in ("status", "due_at", "requester_email", "details", "kind"):
        assert f'name="{field}"' not in html, field
    for action in ("verify", "await_identity", "assign", "reject"):
        assert _url(action, req) in html, action
    assert _url("complete", req) not in html  # offered only once the request is in progress


def test_nobody_deletes_a_request_not_even_a_superuser(superuser_client, db):
    req = _file()

    assert superuser_client.get(_url("delete", req)).status_code == 403
    assert superuser_client.post(_url("delete", req), {"post": "yes"}).status_code == 403
    assert DataSubjectRequest.objects.filter(pk=req.pk).exists()


def test_a_superuser_cannot_edit_or_delete_events(superuser_client, db):
    req = _file()
    event = req.events.get()
    change = reverse("admin:privacy_requestevent_change", args=[event.pk])

    assert superuser_client.get(change).status_code == 200
    assert superuser_client.post(change, {"note": "rewritten"}).status_code == 403
    assert superuser_client.get(reverse("admin:privacy_requestevent_delete", args=[event.pk])).status_code == 403
    assert superuser_client.post(reverse("admin:privacy_requestevent_delete", args=[event.pk])).status_code == 403
    assert superuser_client.get(reverse("admin:privacy_requestevent_add")).status_code == 403
    page = superuser_client.get(_url("change", req))
    events = next(f for f in page.context["inline_admin_formsets"] if f.opts.model is RequestEvent)
    assert not (events.has_add_permission or events.has_change_permission or events.has_delete_permission)
    assert RequestEvent.objects.get(pk=event.pk).note == event.note


def test_a_restricted_customer_shows_a_banner_on_the_request_page(dpo_client, alice, dpo):
    req = services.request_file(kind="restriction", channel="client_area", customer=alice, restriction_ground="c")
    Restriction.objects.create(customer=alice, request=req, ground="c")

    html = _html(dpo_client.get(_url("change", req)))
    form = _html(dpo_client.get(_url("reject", req)))

    assert "Processing of this customer is restricted (Art. 18(1)(c))" in html
    assert "no retention erasure" in html
    assert "Processing of this customer is restricted (Art. 18(1)(c))" in form


def test_a_lifted_restriction_shows_no_banner(dpo_client, alice):
    req = services.request_file(kind="restriction", channel="client_area", customer=alice, restriction_ground="a")
    Restriction.objects.create(customer=alice, request=req, ground="a", lifted_at=datetime(2026, 3, 1, tzinfo=UTC))

    assert "is restricted" not in _html(dpo_client.get(_url("change", req)))


def _notification_post(req, row, **values):
    return {
        "notifications-TOTAL_FORMS": "1",
        "notifications-INITIAL_FORMS": "1",
        "notifications-MIN_NUM_FORMS": "0",
        "notifications-MAX_NUM_FORMS": "1000",
        "notifications-0-id": str(row.pk),
        "notifications-0-request": str(req.pk),
        "notifications-0-notified_at": f"{values['date']}T{values['time']}" if "date" in values else "",
        "notifications-0-impossible_reason": values.get("reason", ""),
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "exports-TOTAL_FORMS": "0",
        "exports-INITIAL_FORMS": "0",
        "exports-MIN_NUM_FORMS": "0",
        "exports-MAX_NUM_FORMS": "1000",
        "_continue": "1",
    }


def test_staff_tick_off_each_recipient_with_a_date_or_a_reason(dpo_client, dpo, db):
    req = _file(kind="erasure")
    told = RecipientNotification.objects.create(request=req, recipient="Stripe", categories="Payments")
    gone = RecipientNotification.objects.create(request=req, recipient="Old host", categories="Hosting")

    response = dpo_client.post(_url("change", req), _notification_post(req, told, date="2026-03-02", time="10:00"))
    dpo_client.post(_url("change", req), _notification_post(req, gone, reason="The company was dissolved."))

    assert response.status_code == 302
    told.refresh_from_db()
    gone.refresh_from_db()
    assert told.notified_at == datetime(2026, 3, 2, 10, 0, tzinfo=PARIS) and told.done_by == dpo
    assert gone.impossible_reason == "The company was dissolved." and gone.is_done
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.RECEIVED
    page = dpo_client.get(_url("change", req))
    inline = next(f for f in page.context["inline_admin_formsets"] if f.opts.model is RecipientNotification)
    assert inline.has_change_permission and not (inline.has_add_permission or inline.has_delete_permission)
    assert 'name="notifications-0-DELETE"' not in _html(page)


def test_the_recipients_have_one_date_and_time_input_each_and_the_zone_is_said_once(dpo_client, db):
    """Issue 14: separate date and time widgets, and the time-zone note repeated under each of five rows."""
    req = _file(kind="erasure")
    for name in ("Stripe", "Host", "Accountant", "Registrar", "Mailer"):
        RecipientNotification.objects.create(request=req, recipient=name, categories="Payments")

    html = _html(dpo_client.get(_url("change", req)))

    assert len(re.findall(r'<input type="datetime-local" name="notifications-\d-notified_at"', html)) == 5
    assert "notified_at_0" not in html and "notified_at_1" not in html
    assert html.count('title="Date and time, Europe/Paris time."') == 1
    assert "vDateField" not in html


def test_a_recipient_cannot_be_told_in_the_future(dpo_client, db):
    req = _file(kind="erasure")
    row = RecipientNotification.objects.create(request=req, recipient="Stripe", categories="Payments")

    response = dpo_client.post(_url("change", req), _notification_post(req, row, date="2099-01-01", time="10:00"))

    assert response.status_code == 200 and "cannot be in the future" in _html(response)
    assert RecipientNotification.objects.get(pk=row.pk).notified_at is None


# -- the actions --------------------------------------------------------------------------------------------------


def test_the_whole_life_cycle_through_the_admin(dpo_client, dpo, django_capture_on_commit_callbacks):
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(
            reverse("admin:privacy_datasubjectrequest_add"),
            {
                "kind": "access",
                "channel": "post",
                "received_at": "2026-01-31T09:00",
                "requester_name": "Léa Moreau",
                "requester_email": "lea@example.org",
                "details": "A letter asking for a copy of my data.",
            },
        )
    req = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and response.url == _url("change", req)
    assert (req.received_at, req.due_at, req.channel) == (RECEIVED, DUE_AT, "post")

    with time_machine.travel(FILED + timedelta(days=1), tick=False):
        dpo_client.post(_url("verify", req), {"note": "Signed letter matches the account."})
        dpo_client.post(_url("assign", req), {"assignee": dpo.pk})
    extend_day, answer_day = datetime(2026, 2, 25, 10, 0, tzinfo=PARIS), datetime(2026, 4, 10, 10, 0, tzinfo=PARIS)
    with time_machine.travel(extend_day, tick=False), django_capture_on_commit_callbacks(execute=True):
        dpo_client.post(_url("extend", req), {"until": "2026-04-15", "reason": "Archives on paper to search."})
    with time_machine.travel(answer_day, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(_url("complete", req), {"response": "Your data is attached."}, follow=True)

    req.refresh_from_db()
    assert req.status == Status.COMPLETED and req.assignee == dpo
    assert req.extended_until == datetime(2026, 4, 15, 21, 59, 59, 999999, tzinfo=UTC)
    assert req.closed_at == datetime(2026, 4, 10, 10, 0, tzinfo=PARIS)
    moves = [(e.from_status, e.to_status) for e in req.events.all() if e.to_status]
    assert moves == [
        ("", "received"),
        ("received", "in_progress"),
        ("in_progress", "extended"),
        ("extended", "completed"),
    ]
    assert req.events.filter(actor=dpo).count() == 6  # logged, verified, moved, assigned, extended, completed
    # acknowledgement, extension, answer, and the export the answer delivers (R20)
    assert [m.to for m in mail.outbox] == [["lea@example.org"]] * 4
    assert "The request is completed and the answer was sent." in _html(response)
    assert "queue-days" not in _html(response) and "queue-badge queue" not in _html(response)


@time_machine.travel(FILED, tick=False)
def test_asking_for_identity_details_mails_the_person(dpo_client, dpo, db, django_capture_on_commit_callbacks):
    req = _file()

    with django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(_url("await_identity", req), {"note": "The postcode on your last invoice."})

    assert response.status_code == 302
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.AWAITING_IDENTITY
    assert req.events.last().note == "The postcode on your last invoice."
    assert "The postcode on your last invoice." in mail.outbox[0].body


@time_machine.travel(FILED, tick=False)
def test_start_moves_a_verified_request_into_progress(dpo_client, dpo, alice):
    req = services.request_file(kind="access", channel="client_area", customer=alice)

    page = _html(dpo_client.get(_url("change", req)))
    response = dpo_client.post(_url("start", req))

    assert _url("start", req) in page and _url("verify", req) not in page
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.IN_PROGRESS
    assert req.events.last().actor == dpo


def test_assign_to_me_is_a_changelist_action(dpo_client, dpo, db):
    first, second = _file(email="a@example.org"), _file(email="b@example.org")

    dpo_client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [first.pk, second.pk]})

    assert set(DataSubjectRequest.objects.values_list("assignee", flat=True)) == {dpo.pk}
    assert RequestEvent.objects.filter(actor=dpo, note__startswith="Assigned to").count() == 2


def test_the_assign_form_offers_only_people_who_work_the_queue(dpo_client, dpo, support, db):
    req = _file()

    choices = dpo_client.get(_url("assign", req)).context["form"].fields["assignee"].queryset

    assert dpo in choices and support not in choices


@time_machine.travel(FILED, tick=False)
def test_the_complete_form_asks_only_for_what_the_kind_needs(dpo_client, dpo, alice):
    objection = _started(dpo, kind="objection", objection_scope="fraud_prevention")
    restriction = services.request_start(
        services.request_file(kind="restriction", channel="client_area", customer=alice), actor=dpo
    )
    access = _started(dpo, email="other@example.org")

    assert set(dpo_client.get(_url("complete", objection)).context["form"].fields) == {"response", "objection_upheld"}
    assert set(dpo_client.get(_url("complete", restriction)).context["form"].fields) == {
        "response",
        "restriction_ground",
    }
    assert set(dpo_client.get(_url("complete", access)).context["form"].fields) == {"response"}

    dpo_client.post(_url("complete", objection), {"response": "We stop.", "objection_upheld": "true"})
    dpo_client.post(_url("complete", restriction), {"response": "Restricted.", "restriction_ground": "a"})

    objection.refresh_from_db()
    assert objection.status == Status.COMPLETED and objection.objection_upheld is True
    assert Restriction.objects.get(request=restriction).ground == "a"


def test_an_erasure_is_completed_only_on_the_erasure_page(dpo_client, dpo, db):
    req = _started(dpo, kind="erasure")
    before = _state(req)
    erase_url = _url("erase", req)

    page = _html(dpo_client.get(_url("change", req)))
    response = dpo_client.post(_url("complete", req), {"response": "Done."})

    assert erase_url in page and _url("complete", req) not in page
    assert response.status_code == 302 and response.url == erase_url
    assert _state(req) == before


def test_a_decision_left_out_is_refused(dpo_client, dpo, db):
    req = _started(dpo, kind="automated_decision_review")
    before = _state(req)

    response = dpo_client.post(_url("complete", req), {"response": "Reviewed."})

    assert "Record whether the automated decision is confirmed or overturned." in _html(response)
    assert _state(req) == before


def _extended(dpo):
    with time_machine.travel(FILED, tick=False):
        req = _started(dpo)
        return services.request_extend(req, actor=dpo, until=datetime(2026, 4, 1).date(), reason="Paper archives.")


REFUSALS = {
    "extension beyond the ceiling": (
        lambda dpo: _started(dpo),
        FILED,
        "extend",
        {"until": "2026-04-29", "reason": "A long search."},
        "Choose a date after 28 February 2026 and no later than 28 April 2026.",
    ),
    "extension without a reason": (
        lambda dpo: _started(dpo),
        FILED,
        "extend",
        {"until": "2026-04-01", "reason": "   "},
        "Write the reason for the extension: the person will receive it.",
    ),
    "completing without an answer": (
        lambda dpo: _started(dpo),
        FILED,
        "complete",
        {"response": ""},
        "Write the answer the person will receive.",
    ),
    "asking for identity without saying what": (
        lambda dpo: _file(),
        FILED,
        "await_identity",
        {"note": ""},
        "Say which details you need, so the person knows what to send.",
    ),
    "rejection without a code": (
        lambda dpo: _file(),
        FILED,
        "reject",
        {"code": "", "text": "We will not answer."},
        "A rejection needs a reason code and a written explanation.",
    ),
    "rejection without a text": (
        lambda dpo: _file(),
        FILED,
        "reject",
        {"code": "not_gdpr", "text": ""},
        "A rejection needs a reason code and a written explanation.",
    ),
}


NOT_APPLICABLE = {
    "second extension": (
        _extended,
        FILED + timedelta(days=3),
        "extend",
        {"until": "2026-04-20", "reason": "Still searching."},
        "This request was already extended once; it cannot be extended again.",
    ),
    "extension after the due date": (
        lambda dpo: _started(dpo),
        datetime(2026, 3, 1, 0, 0, 1, tzinfo=PARIS),
        "extend",
        {"until": "2026-04-20", "reason": "Too late."},
        "The first due date has passed: an extension can no longer be granted.",
    ),
    "completing before starting": (
        lambda dpo: _file(),
        FILED,
        "complete",
        {"response": "Here it is."},
        "Start the request (after verifying identity) before completing it.",
    ),
    "starting before the identity is verified": (
        lambda dpo: _file(),
        FILED,
        "start",
        {},
        "Verify the person's identity first.",
    ),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_step_shows_the_error_and_changes_nothing(dpo_client, dpo, case, django_capture_on_commit_callbacks):
    make, when, action, data, error = case
    with time_machine.travel(FILED, tick=False):
        req = make(dpo)
    before = _state(req)

    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = dpo_client.post(_url(action, req), data)

    assert response.status_code == 200
    assert escape(error) in _html(response) and 'class="errornote"' in _html(response)
    assert _state(req) == before
    assert callbacks == []


@pytest.mark.parametrize("case", NOT_APPLICABLE.values(), ids=NOT_APPLICABLE.keys())
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_step_that_does_not_apply_is_refused_when_opened_and_when_submitted(
    dpo_client, dpo, case, method, django_capture_on_commit_callbacks
):
    """Issue 14: after an extension the extension form was still reachable by its URL, refused only on submit."""
    make, when, action, data, _error = case
    with time_machine.travel(FILED, tick=False):
        req = make(dpo)
    before = _state(req)

    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = getattr(dpo_client, method)(_url(action, req), data)
        page = dpo_client.get(response["Location"]) if response.status_code == 302 else None

    assert response.status_code == 302 and response["Location"] == _url("change", req)
    assert "does not apply to request" in _html(page)
    assert _state(req) == before
    assert callbacks == []


def test_an_action_needs_a_post_with_a_csrf_token(dpo, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dpo)
    req = _file()

    assert client.get(_url("reject", req)).status_code == 200
    assert client.post(_url("reject", req), {"code": "not_gdpr", "text": "No."}).status_code == 403
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.RECEIVED


def test_a_rejection_in_time_mails_the_reasons_and_the_right_to_complain(
    dpo_client, dpo, db, django_capture_on_commit_callbacks
):
    with time_machine.travel(FILED, tick=False):
        req = _file()
        with django_capture_on_commit_callbacks(execute=True):
            response = dpo_client.post(
                _url("reject", req), {"code": "not_gdpr", "text": "This is a billing question."}, follow=True
            )

    html = _html(response)
    assert "The request is rejected and the reasons were sent." in html and "after the deadline" not in html
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.REJECTED
    assert req.events.last().to_status == Status.REJECTED
    assert "CNIL" in mail.outbox[0].body and "court" in mail.outbox[0].body


def test_a_late_rejection_shows_a_warning(dpo_client, dpo, db):
    with time_machine.travel(FILED, tick=False):
        req = _file()
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False):
        form = _html(dpo_client.get(_url("reject", req)))
        response = dpo_client.post(_url("reject", req), {"code": "excessive", "text": "Fifth request."}, follow=True)

    assert "past its deadline" in form
    assert "This rejection went out after the deadline of 28 February 2026, Paris time" in _html(response)
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.REJECTED


# -- the add page -------------------------------------------------------------------------------------------------


ADD = reverse("admin:privacy_datasubjectrequest_add")


def _logged(**changes):
    data = {
        "kind": "erasure",
        "channel": "phone",
        "received_at": "2026-01-31T09:00",
        "requester_name": "Léa Moreau",
        "requester_email": "Lea@Example.org",
        "details": "Called the hotline.",
    }
    return {**data, **changes}


@time_machine.travel(FILED, tick=False)
def test_staff_log_a_request_with_its_real_receipt_time(dpo_client, dpo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dpo_client.post(ADD, _logged())

    req = DataSubjectRequest.objects.get()
    assert (req.received_at, req.due_at, req.created_at) == (RECEIVED, DUE_AT, FILED)
    assert req.requester_email == "lea@example.org" and req.status == Status.RECEIVED
    assert req.events.get().actor == dpo
    assert mail.outbox[0].to == ["lea@example.org"] and "28 February 2026" in mail.outbox[0].body


@time_machine.travel(FILED, tick=False)
def test_staff_can_link_the_account_and_the_name_comes_from_it(dpo_client, alice):
    dpo_client.post(ADD, _logged(requester_name="", requester_email="", customer=alice.pk))

    req = DataSubjectRequest.objects.get()
    assert (req.customer, req.requester_email, req.requester_name) == (alice, "alice@example.com", "Alice Martin")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"received_at": "2026-02-02T10:05"}, "The receipt time cannot be in the future."),
        ({"channel": "client_area"}, "Select a valid choice."),
        ({"requester_email": ""}, "Give the requester's email, or link their account."),
        ({"received_at": ""}, "This field is required."),
    ],
)
@time_machine.travel(FILED, tick=False)
def test_the_add_page_refuses_what_the_law_or_the_queue_cannot_take(dpo_client, changes, error):
    response = dpo_client.post(ADD, _logged(**changes))

    assert response.status_code == 200 and error in unescape(_html(response))
    assert not DataSubjectRequest.objects.exists()


# -- who may work the queue ---------------------------------------------------------------------------------------


def test_support_staff_cannot_see_or_work_the_queue(client, support, dpo, db):
    req = _file()
    client.force_login(support)

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.get(_url("change", req)).status_code == 403
    for action in ACTIONS:
        assert client.get(_url(action, req)).status_code == 403, action
        assert client.post(_url(action, req), {"note": "x", "code": "not_gdpr", "text": "x"}).status_code == 403
    assert client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [req.pk]}).status_code == 403
    assert "Data-subject requests" not in _html(client.get(reverse("admin:index")))
    assert _state(req)[0] == Status.RECEIVED and req.events.count() == 1


def test_a_customer_is_sent_to_the_login_page(alice_client, db):
    req = _file()

    for url in (CHANGELIST, _url("reject", req)):
        response = alice_client.get(url)
        assert response.status_code == 302 and "login" in response.url


# -- what people type comes out escaped -----------------------------------------------------------------------------


def test_markup_typed_anywhere_comes_out_escaped_in_the_admin_and_in_mails(
    dpo_client, dpo, django_capture_on_commit_callbacks
):
    escaped = escape(XSS)
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        dpo_client.post(ADD, _logged(kind="access", requester_name=XSS, details=XSS))
        req = DataSubjectRequest.objects.get()
        dpo_client.post(_url("verify", req), {"note": XSS})
        dpo_client.post(_url("extend", req), {"until": "2026-04-01", "reason": XSS})
        dpo_client.post(_url("reject", req), {"code": "excessive", "text": XSS})

    assert req.events.count() == 5  # received, verified, in progress, extended, rejected
    pages = [
        _html(dpo_client.get(CHANGELIST, {"deadline": "all"})),
        _html(dpo_client.get(_url("change", req))),
        _html(dpo_client.get(reverse("admin:privacy_requestevent_changelist"))),
    ]
    for html in pages:
        assert XSS not in html and "<script>alert" not in html
    assert escaped in pages[0] and pages[1].count(escaped) >= 4  # name, details, reason, response and notes
    assert [m.subject for m in mail.outbox] and len(mail.outbox) == 3  # received, extended, rejected
    for message in mail.outbox:
        html = message.alternatives[0].content
        assert XSS not in html and escaped in html
    assert re.search(r"CNIL", mail.outbox[2].alternatives[0].content)
