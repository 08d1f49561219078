"""The status link of a request filed without an account (issue 13, must-have 2): mailed with the acknowledgement,
signed, with no readable personal data in the URL; it shows the status, the due date and the answer, and
nothing about the person or the staff's notes. A forged link is a 404, an expired one a 410, neither leaks."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from outbox.models import OutgoingMail
from privacy.models import DataSubjectRequest
from privacy.models.requests import Kind
from privacy.services.notes import request_note_add
from privacy.services.requests import (
    public_request_confirm,
    public_request_submit,
    request_complete,
    request_file,
    request_link_account,
    request_reject,
    request_start,
    request_verify_identity,
)
from privacy.status_links import SALT, request_status_token
from tests.factories import CustomerFactory

PARIS = ZoneInfo("Europe/Paris")
SUBMITTED = datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)  # due Sat 28 Feb 2026


def _status_path(text):
    return re.search(r"https?://[^\s\"<]+(/privacy/request/status/[^/\s\"<]+/)", text).group(1)


@pytest.fixture
def public_req(db):
    with time_machine.travel(SUBMITTED, tick=False):
        pending = public_request_submit(name="Jeanne Petit", email="Jeanne@Example.org", kind=Kind.ACCESS)
        confirm = OutgoingMail.objects.get(template="public_request_confirm")
        token = re.search(r"/privacy/request/confirm/([^/\s\"<]+)/", confirm.text).group(1)
        req = public_request_confirm(token=token)
    assert pending.email == "jeanne@example.org"
    return req


@pytest.mark.django_db
def test_the_acknowledgement_carries_a_status_link_without_personal_data_in_it(public_req):
    ack = OutgoingMail.objects.get(template="request_received")
    path = _status_path(ack.text)

    assert path == _status_path(ack.html)
    token = path.split("/")[-2]
    assert "jeanne" not in token.lower() and "example" not in token.lower()
    # What the token carries, once its signature is checked: the request's id and a keyed digest, nothing else.
    payload = signing.loads(token, salt=SALT)
    assert set(payload) == {"r", "h"} and payload["r"] == public_req.pk and "@" not in payload["h"]


@pytest.mark.django_db
def test_the_status_page_shows_status_due_date_and_no_personal_details(client, public_req, dpo):
    path = _status_path(OutgoingMail.objects.get(template="request_received").text)
    request_note_add(public_req, actor=dpo, text="Staff only: called the bank.")

    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert public_req.reference in html and "Access to my data" in html and "Received" in html
    assert "28 February 2026, Paris time" in html and "We have not answered yet" in html
    assert "Jeanne" not in html and "jeanne@example.org" not in html and "called the bank" not in html


@pytest.mark.django_db
def test_the_status_page_shows_the_answer_once_there_is_one(client, public_req, dpo):
    request_verify_identity(public_req, actor=dpo)
    request_note_add(public_req, actor=dpo, text="Staff only: the letter looked forged.")
    request_reject(public_req, actor=dpo, code="identity_not_established", text="We could not match your details.")

    html = client.get(reverse("privacy:request_status", args=[request_status_token(public_req)])).content.decode()

    assert "Rejected" in html and "Identity not established" in html and "We could not match your details." in html
    assert "CNIL" in html and "looked forged" not in html


@pytest.mark.django_db
def test_the_status_link_keeps_working_after_staff_link_the_account_and_the_check_is_recorded(client, public_req, dpo):
    path = _status_path(OutgoingMail.objects.get(template="request_received").text)
    jeanne = CustomerFactory(email="j.petit@example.net")

    request_link_account(public_req, actor=dpo, customer=jeanne, check="Invoice number and postcode match.")
    request_start(public_req, actor=dpo)
    request_complete(public_req, actor=dpo, response="Your copy is on its way.")

    req = DataSubjectRequest.objects.get()
    check = req.events.get(note__contains="Invoice number and postcode match.")
    assert req.customer == jeanne and req.identity_verified_at is not None
    assert (check.actor, check.visible_to_subject) == (dpo, False)
    html = client.get(path).content.decode()
    assert "Your copy is on its way." in html and "postcode match" not in html


@pytest.mark.django_db
def test_a_forged_link_is_a_404_that_names_no_request(client, public_req):
    token = request_status_token(public_req)
    other = request_file(kind=Kind.ERASURE, channel="email", name="Other", email="other@example.org")
    tampered = signing.dumps({"r": other.pk, "h": "0" * 20}, salt=SALT, compress=True)
    wrong_salt = signing.dumps({"r": public_req.pk, "h": "0" * 20}, salt="privacy.public-request")

    for bad in (token[:-2] + "xx", tampered, wrong_salt, "nonsense"):
        response = client.get(reverse("privacy:request_status", args=[bad]))
        html = response.content.decode()
        assert response.status_code == 404, bad
        assert public_req.reference not in html and other.reference not in html and "This link does not work" in html


@pytest.mark.django_db
def test_an_expired_link_is_a_410_and_an_anonymised_request_a_404(client, public_req, settings):
    settings.DSR_STATUS_LINK_DAYS = 30
    url = reverse("privacy:request_status", args=[request_status_token(public_req)])

    with time_machine.travel(timezone_now() + timedelta(days=31)):
        expired = client.get(url)
    DataSubjectRequest.objects.filter(pk=public_req.pk).update(requester_email="anonymised@invalid")
    anonymised = client.get(url)

    assert expired.status_code == 410 and public_req.reference not in expired.content.decode()
    assert "too old" in expired.content.decode()
    assert anonymised.status_code == 404


def timezone_now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db
def test_a_client_area_request_gets_no_status_link(alice):
    request_file(kind=Kind.ACCESS, channel="client_area", customer=alice, actor=alice)
    ack = OutgoingMail.objects.get(template="request_received")
    assert "/privacy/request/status/" not in ack.text + ack.html
