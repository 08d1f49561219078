"""The public request form (R10, R11, R79): nothing reaches the queue until the emailed link is clicked."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from privacy.models import DataSubjectRequest, PendingPublicRequest
from privacy.models.requests import Kind
from privacy.services.requests import public_requests_purge

PARIS = ZoneInfo("Europe/Paris")
SUBMITTED = datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)  # due Sat 28 Feb 2026 (REQUIREMENTS 2.7 example 2)
FORM = reverse("privacy:public_request")
LIMITED = "Too many requests from this address or for this email; try again in an hour."


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The rate-limit counters live in the default (local-memory) cache, shared by every test of the process.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    def post(ip="198.51.100.20", **overrides):
        data = {"name": "Jeanne Petit", "email": "jeanne@example.org", "kind": Kind.ACCESS, "details": "", **overrides}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(FORM, {k: v for k, v in data.items() if v is not None}, REMOTE_ADDR=ip)

    return post


def _main(response):
    """The page body without the header, whose forms carry a fresh CSRF token each time."""
    return re.split(r"<main[^>]*>", response.content.decode())[1]


def _link(message):
    return re.search(r"https?://[^\s\"<]+(/privacy/request/confirm/[^/\s\"<]+/)", message.body).group(1)


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_form_works_without_an_account_and_offers_the_ten_kinds(client):
    html = client.get(FORM).content.decode()

    select = re.search(r'<select name="kind"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', select) == list(Kind.values)
    assert 'name="is_guardian"' in html and "I am the parent or guardian of the person concerned" in html
    for name in ("name", "email", "details"):
        assert f'name="{name}"' in html


@pytest.mark.django_db
def test_a_submission_is_held_and_mails_one_link(submit):
    response = submit(details="Please send me everything.")

    assert response.status_code == 200
    assert "Check your mailbox" in response.content.decode()
    pending = PendingPublicRequest.objects.get()
    assert (pending.email, pending.kind, pending.ip) == ("jeanne@example.org", Kind.ACCESS, "198.51.100.20")
    assert not DataSubjectRequest.objects.exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jeanne@example.org"]
    assert _link(mail.outbox[0])


@pytest.mark.django_db
def test_the_answer_does_not_tell_whether_the_address_has_an_account(submit, alice):
    unknown = _main(submit(email="nobody@example.org")).replace("nobody@example.org", "EMAIL")
    known = _main(submit(email="alice@example.com")).replace("alice@example.com", "EMAIL")

    assert unknown == known
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"kind": "deletion"}, "kind"),
        ({"kind": Kind.OTHER}, "details"),
        ({"details": "card 4111 1111 1111 1111"}, "details"),
    ],
)
@pytest.mark.django_db
def test_a_wrong_submission_is_shown_and_nothing_is_held(submit, overrides, field):
    response = submit(**overrides)

    assert response.status_code == 200 and field in response.context["form"].errors
    assert not PendingPublicRequest.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_confirming_within_72_hours_queues_it_as_received_at_submission_linked_to_the_matching_account(
    client, submit, alice
):
    with time_machine.travel(SUBMITTED, tick=False):
        submit(email="Alice@Example.com")
    with time_machine.travel(SUBMITTED + timedelta(hours=71, minutes=59), tick=False):
        response = client.get(_link(mail.outbox[0]))

    assert response.status_code == 200
    req = DataSubjectRequest.objects.get()
    assert req.received_at == SUBMITTED
    assert (req.customer, req.channel, req.requester_email) == (alice, "public_form", "alice@example.com")
    assert not PendingPublicRequest.objects.exists()
    html = response.content.decode()
    assert req.reference in html and "28 February 2026, Paris time" in html


@pytest.mark.django_db
def test_a_confirmed_request_from_an_unknown_address_is_not_linked(client, submit, alice):
    submit(email="someone.else@example.org", name="Alice Martin")
    client.get(_link(mail.outbox[0]))

    req = DataSubjectRequest.objects.get()
    assert req.customer is None and req.requester_email == "someone.else@example.org"


@pytest.mark.django_db
def test_a_link_works_once(client, submit):
    submit()
    link = _link(mail.outbox[0])

    assert client.get(link).status_code == 200
    second = client.get(link)

    assert second.status_code == 400
    assert "This link does not work" in second.content.decode()
    assert DataSubjectRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_link_expires_after_72_hours(client, submit):
    with time_machine.travel(SUBMITTED, tick=False):
        submit()
    with time_machine.travel(SUBMITTED + timedelta(hours=72, seconds=1), tick=False):
        response = client.get(_link(mail.outbox[0]))

    assert response.status_code == 400
    assert not DataSubjectRequest.objects.exists()
    assert PendingPublicRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_tampered_link_is_refused(client, submit):
    submit()
    link = _link(mail.outbox[0])

    assert client.get(link.replace(":", "x:", 1)).status_code == 400
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.django_db
def test_unconfirmed_submissions_are_purged_after_7_days_only(submit):
    with time_machine.travel(SUBMITTED, tick=False):
        submit(email="old@example.org")
    with time_machine.travel(SUBMITTED + timedelta(days=6), tick=False):
        submit(email="recent@example.org")

    deleted = public_requests_purge(now=SUBMITTED + timedelta(days=7, seconds=1))

    assert deleted == 1
    assert list(PendingPublicRequest.objects.values_list("email", flat=True)) == ["recent@example.org"]


@pytest.mark.django_db
def test_the_guardian_flag_is_kept_through_confirmation(client, submit):
    submit(is_guardian="on")

    assert PendingPublicRequest.objects.get().is_guardian is True
    client.get(_link(mail.outbox[0]))
    assert DataSubjectRequest.objects.get().is_guardian is True


@override_settings(PUBLIC_REQUEST_RATE="2/h")
@pytest.mark.django_db
def test_too_many_submissions_from_one_address_are_refused(submit):
    assert submit(email="a@example.org").status_code == 200
    assert submit(email="b@example.org").status_code == 200

    response = submit(email="c@example.org")

    assert response.status_code == 429
    assert LIMITED in response.content.decode()
    assert not PendingPublicRequest.objects.filter(email="c@example.org").exists()
    assert len(mail.outbox) == 2
    assert submit(email="c@example.org", ip="203.0.113.50").status_code == 200  # another address is not held up


@override_settings(PUBLIC_REQUEST_RATE="2/h")
@pytest.mark.django_db
def test_too_many_submissions_for_one_email_are_refused_whatever_the_address(submit):
    assert submit(email="jeanne@example.org", ip="198.51.100.1").status_code == 200
    assert submit(email="jeanne@example.org", ip="198.51.100.2").status_code == 200

    response = submit(email="JEANNE@example.org", ip="198.51.100.3")

    assert response.status_code == 429
    assert LIMITED in response.content.decode()
    assert PendingPublicRequest.objects.count() == 2 and len(mail.outbox) == 2


@override_settings(PUBLIC_REQUEST_RATE="2/h")
@pytest.mark.django_db
def test_the_limit_lifts_after_an_hour(submit):
    with time_machine.travel(SUBMITTED, tick=False):
        submit(email="a@example.org")
        submit(email="b@example.org")
        assert submit(email="c@example.org").status_code == 429
    with time_machine.travel(SUBMITTED + timedelta(hours=1, minutes=1), tick=False):
        assert submit(email="c@example.org").status_code == 200


@pytest.mark.django_db
def test_reading_the_form_is_never_limited(client):
    for _ in range(20):
        assert client.get(FORM).status_code == 200


@override_settings(PUBLIC_REQUEST_LINK_MAX_AGE=48 * 3600, RETENTION_PUBLIC_REQUEST_DAYS=10)
@pytest.mark.django_db
def test_the_sent_page_says_the_configured_link_and_purge_periods(submit):
    text = _main(submit())

    assert "within 48 hours" in text and "after 10 days" in text and "72 hours" not in text
