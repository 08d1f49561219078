"""The DPO's working tools (issue 13, must-have 3): staff mails on new requests and assignments, internal notes,
prepared answers, the request register for auditors, the pending Art. 19 notices across requests, and the
identity-check page."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outbox.models import OutgoingMail
from privacy.models import DataSubjectRequest, PreparedAnswer, RecipientContact, RecipientNotification, RequestEvent
from privacy.models.requests import Kind, Status
from privacy.services.requests import (
    request_assign,
    request_await_identity,
    request_complete,
    request_file,
    request_reject,
    request_start,
    request_verify_identity,
)
from tests.factories import CustomerFactory, StaffFactory

PARIS = ZoneInfo("Europe/Paris")
RECEIVED = datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)  # due Sat 28 Feb 2026 (REQUIREMENTS 2.7 example 2)
NOTE = "Internal: the caller sounded like the ex-husband, check twice."


def _url(name, req):
    return reverse(f"admin:privacy_datasubjectrequest_{name}", args=[req.pk])


def _mails(template):
    return list(OutgoingMail.objects.filter(template=template).order_by("pk"))


def _by_email(**kw):
    return request_file(
        kind=kw.pop("kind", Kind.ACCESS), channel="email", name="Léa Moreau", email="lea@example.org", **kw
    )


@pytest.fixture
def support(db):
    """Support staff: is_staff, in the Support group, without privacy.work_queue."""
    user = StaffFactory(email="support@example.com", first_name="Sam", last_name="Support")
    user.groups.add(Group.objects.get(name="Support"))
    return user


@pytest.fixture
def colleague(db):
    user = StaffFactory(email="colleague@example.com", first_name="Cole", last_name="League", preferred_language="fr")
    user.groups.add(Group.objects.get(name="DPO"))
    return user


# Staff mails


@pytest.mark.django_db
def test_each_new_request_mails_the_dpo_in_the_same_transaction(settings, alice):
    settings.DSR_NOTIFY_NEW, settings.DPO_EMAIL = True, "dpo-team@example.com"

    req = _by_email()
    client_area = request_file(kind=Kind.ERASURE, channel="client_area", customer=alice, actor=alice)

    mails = _mails("dsr_new_request")
    assert [m.recipient for m in mails] == ["dpo-team@example.com"] * 2
    assert req.reference in mails[0].subject and client_area.reference in mails[1].subject
    assert f"/admin/privacy/datasubjectrequest/{req.pk}/change/" in mails[0].text
    assert "lea@example.org" not in mails[0].text + mails[0].html  # the queue has the details, not the mailbox
    # A filing rolled back leaves no mail behind: the mail is an outbox row of the same transaction.
    with pytest.raises(RuntimeError), transaction.atomic():
        _by_email(kind=Kind.OTHER)
        raise RuntimeError
    assert len(_mails("dsr_new_request")) == 2


@pytest.mark.django_db
def test_the_new_request_mail_can_be_turned_off(settings):
    settings.DSR_NOTIFY_NEW = False
    _by_email()
    assert _mails("dsr_new_request") == [] and len(_mails("request_received")) == 1


@pytest.mark.django_db
def test_an_assignment_mails_the_assignee_in_their_language_but_not_who_took_it_themselves(settings, dpo, colleague):
    settings.DSR_NOTIFY_ASSIGNMENT = True
    req = _by_email()

    request_assign(req, actor=dpo, assignee=colleague)
    request_assign(req, actor=dpo, assignee=dpo)

    (mail,) = _mails("dsr_assigned")
    assert mail.recipient == "colleague@example.com" and mail.language == "fr"
    assert req.reference in mail.subject and "Dana Protect" in mail.text


@pytest.mark.django_db
def test_the_assignment_mail_can_be_turned_off(settings, dpo, colleague):
    settings.DSR_NOTIFY_ASSIGNMENT = False
    request_assign(_by_email(), actor=dpo, assignee=colleague)
    assert _mails("dsr_assigned") == []


# Internal notes


@pytest.mark.django_db
def test_staff_add_an_internal_note_even_on_a_closed_request_and_see_it_on_the_request_page(dpo_client, dpo, alice):
    req = request_start(request_file(kind=Kind.OTHER, channel="client_area", customer=alice, actor=alice), actor=dpo)
    request_complete(req, actor=dpo, response="Answered.")

    response = dpo_client.post(_url("note", req), {"text": NOTE})
    empty = dpo_client.post(_url("note", req), {"text": "  "})

    assert response.status_code == 302
    note = RequestEvent.objects.get(note=NOTE)
    assert (note.actor, note.visible_to_subject, note.to_status) == (dpo, False, "")
    assert NOTE in dpo_client.get(_url("change", req)).content.decode()
    assert empty.status_code == 200 and RequestEvent.objects.filter(request=req, note="").count() == 0


@pytest.mark.django_db
def test_an_internal_note_never_reaches_the_person_page_or_mails(alice_client, alice, dpo, client):
    req = request_start(request_file(kind=Kind.OTHER, channel="client_area", customer=alice, actor=alice), actor=dpo)
    dpo_client = client.__class__()
    dpo_client.force_login(dpo)
    dpo_client.post(_url("note", req), {"text": NOTE})
    request_complete(req, actor=dpo, response="Here is our answer.")

    page = alice_client.get(reverse("privacy:my_data")).content.decode()

    assert "Here is our answer." in page and "Internal:" not in page and "ex-husband" not in page
    assert all("ex-husband" not in m.text + m.html + m.subject for m in OutgoingMail.objects.all())


# Prepared answers


@pytest.mark.django_db
def test_prepared_answers_prefill_the_completion_and_rejection_in_the_persons_language(dpo_client, dpo):
    PreparedAnswer.objects.create(kind=Kind.ACCESS, outcome="completed", language="fr", text="Voici vos données.")
    PreparedAnswer.objects.create(kind=Kind.ACCESS, outcome="completed", language="en", text="Here is your data.")
    PreparedAnswer.objects.create(kind=Kind.ACCESS, outcome="rejected", language="en", text="We cannot identify you.")
    french = CustomerFactory(preferred_language="fr")
    german = CustomerFactory(preferred_language="de")
    fr_req = request_start(request_file(kind=Kind.ACCESS, channel="client_area", customer=french), actor=dpo)
    de_req = request_start(request_file(kind=Kind.ACCESS, channel="client_area", customer=german), actor=dpo)
    other = request_start(request_file(kind=Kind.OTHER, channel="client_area", customer=german), actor=dpo)

    assert "Voici vos données." in dpo_client.get(_url("complete", fr_req)).content.decode()
    # No German text: the site's language; rejection has its own text; another kind gets none.
    assert "Here is your data." in dpo_client.get(_url("complete", de_req)).content.decode()
    assert "We cannot identify you." in dpo_client.get(_url("reject", de_req)).content.decode()
    assert "Here is your data." not in dpo_client.get(_url("complete", other)).content.decode()


@pytest.mark.django_db
def test_the_dpo_edits_prepared_answers_in_the_admin_and_support_cannot(dpo_client, client, support):
    response = dpo_client.post(
        reverse("admin:privacy_preparedanswer_add"),
        {"kind": Kind.ERASURE, "outcome": "completed", "language": "it", "text": "Abbiamo cancellato i Suoi dati."},
    )
    client.force_login(support)

    assert response.status_code == 302 and PreparedAnswer.objects.get().language == "it"
    assert client.get(reverse("admin:privacy_preparedanswer_changelist")).status_code == 403


# The register


def _register(dpo_client):
    response = dpo_client.get(reverse("admin:privacy_datasubjectrequest_register"))
    body = b"".join(response.streaming_content).decode()
    return response, list(csv.DictReader(io.StringIO(body)))


@pytest.mark.django_db
def test_the_register_lists_every_request_with_dates_kind_outcome_and_days_taken(dpo_client, dpo, alice):
    with time_machine.travel(RECEIVED, tick=False):
        done = request_start(request_file(kind=Kind.ACCESS, channel="client_area", customer=alice), actor=dpo)
        refused = request_verify_identity(_by_email(kind=Kind.ERASURE), actor=dpo)
        still_open = _by_email(kind=Kind.OTHER)
    with time_machine.travel(datetime(2026, 2, 10, 15, 0, tzinfo=PARIS), tick=False):
        request_complete(done, actor=dpo, response="Done.")
    with time_machine.travel(datetime(2026, 3, 5, 15, 0, tzinfo=PARIS), tick=False):
        request_reject(refused, actor=dpo, code="excessive", text="Third time this month.")
        response, rows = _register(dpo_client)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    by_ref = {row["reference"]: row for row in rows}
    assert set(by_ref) == {done.reference, refused.reference, still_open.reference}
    row = by_ref[done.reference]
    assert (row["kind"], row["channel"], row["outcome"]) == ("Access to my data", "Client area", "Completed")
    assert row["received_at"] == "2026-01-31T09:00+01:00" and row["due_date"] == "2026-02-28"
    assert (row["days_taken"], row["answered_in_time"]) == ("10", "yes")
    late = by_ref[refused.reference]
    assert (late["outcome"], late["rejection_reason"]) == ("Rejected", "Excessive or repetitive")
    assert (late["days_taken"], late["answered_in_time"]) == ("33", "no")
    assert by_ref[still_open.reference]["days_taken"] == "33 (still open)"
    # For auditors: no names or addresses.
    assert "lea@example.org" not in str(rows) and "Léa" not in str(rows) and "alice" not in str(rows)


@pytest.mark.django_db
def test_the_register_costs_the_same_queries_for_5_and_60_requests(dpo_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _register(dpo_client)
        return len(queries)

    for _ in range(5):
        _by_email()
    few = count()
    for _ in range(55):
        _by_email()
    assert count() == few


@pytest.mark.django_db
def test_support_cannot_download_the_register(client, support):
    client.force_login(support)
    response = client.get(reverse("admin:privacy_datasubjectrequest_register"))
    assert response.status_code in (302, 403)


# Art. 19 notices across requests


def _notified_request(dpo, customer, recipients):
    req = request_start(request_file(kind=Kind.RECTIFICATION, channel="client_area", customer=customer), actor=dpo)
    request_complete(req, actor=dpo, response="Corrected.")
    for name in recipients:
        RecipientNotification.objects.get_or_create(request=req, recipient=name, defaults={"categories": "Orders"})
    return req


@pytest.mark.django_db
def test_one_list_of_pending_notices_with_contacts_and_a_notified_now_action(dpo_client, dpo, alice, bob):
    first = _notified_request(dpo, alice, ["Our hosting provider", "Our payment providers"])
    second = _notified_request(dpo, bob, ["Our hosting provider"])
    RecipientContact.objects.create(recipient="Our hosting provider", contact="privacy@host.example, 1 rue X")
    done = RecipientNotification.objects.filter(request=first, recipient="Our payment providers")
    done.update(impossible_reason="Provider closed down.")
    url = reverse("admin:privacy_recipientnotification_changelist")

    page = dpo_client.get(url).content.decode()

    assert first.reference in page and second.reference in page
    assert (
        page.count("privacy@host.example, 1 rue X")
        == RecipientNotification.objects.filter(recipient="Our hosting provider", notified_at__isnull=True).count()
    )
    assert "Provider closed down." not in page  # done rows are not on the to-do list

    pending = list(RecipientNotification.objects.filter(notified_at__isnull=True, impossible_reason=""))
    with time_machine.travel(datetime(2026, 5, 4, 11, 0, tzinfo=PARIS), tick=False):
        response = dpo_client.post(
            url, {"action": "notified_now", "_selected_action": [n.pk for n in RecipientNotification.objects.all()]}
        )

    assert response.status_code == 302
    marked = RecipientNotification.objects.filter(pk__in=[n.pk for n in pending])
    assert {(n.notified_at, n.done_by) for n in marked} == {(datetime(2026, 5, 4, 11, 0, tzinfo=PARIS), dpo)}
    assert done.get().notified_at is None  # the impossible one keeps its reason, not a date
    assert first.reference not in dpo_client.get(url).content.decode()


@pytest.mark.django_db
def test_a_notice_without_contact_links_to_the_contact_form_and_support_sees_nothing(
    dpo_client, dpo, alice, client, support
):
    _notified_request(dpo, alice, ["Our chartered accountant"])

    page = dpo_client.get(reverse("admin:privacy_recipientnotification_changelist")).content.decode()
    client.force_login(support)

    assert "recipientcontact/add/?recipient=Our+chartered+accountant" in page
    assert client.get(reverse("admin:privacy_recipientnotification_changelist")).status_code == 403


# The identity check


@pytest.mark.django_db
def test_the_identity_check_shows_what_was_asked_next_to_what_we_hold(dpo_client, dpo):
    CustomerFactory(email="lea@example.org", first_name="Léa", last_name="Moreau", postal_code="25000", city="Besançon")
    req = _by_email()
    request_await_identity(req, actor=dpo, note="Please give the postcode on your last invoice.")

    page = dpo_client.get(_url("verify", req)).content.decode()

    asked = page.index("Please give the postcode on your last invoice.")
    held = page.index("25000")
    assert page.index("What the person was asked") < asked < page.index("What we hold, to compare with") < held
    assert "Besançon" in page and "not linked yet" in page


@pytest.mark.django_db
def test_the_identity_check_says_when_no_account_matches(dpo_client):
    req = _by_email()
    page = dpo_client.get(_url("verify", req)).content.decode()
    assert "No customer account has the requester" in page and "Nothing was asked yet" in page
    assert DataSubjectRequest.objects.get().status == Status.RECEIVED


@pytest.mark.django_db
def test_the_notice_list_costs_the_same_queries_for_2_and_20_requests(dpo_client, dpo):
    url = reverse("admin:privacy_recipientnotification_changelist")
    RecipientContact.objects.create(recipient="Our hosting provider", contact="privacy@host.example")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert dpo_client.get(url).status_code == 200
        return len(queries)

    for _ in range(2):
        _notified_request(dpo, CustomerFactory(), ["Our hosting provider", "Our payment providers"])
    count()  # the first page of a session also loads what later pages find cached (content types, permissions)
    few = count()
    for _ in range(18):
        _notified_request(dpo, CustomerFactory(), ["Our hosting provider", "Our payment providers"])
    assert count() == few


@pytest.mark.django_db
def test_support_staff_cannot_add_a_note(client, support):
    req = _by_email()
    client.force_login(support)

    response = client.post(_url("note", req), {"text": NOTE})

    assert response.status_code in (302, 403) and not RequestEvent.objects.filter(note=NOTE).exists()
