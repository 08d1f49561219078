"""The DPO's erasure page in the request queue: preview, typed email, a login within 15 minutes (R23, R69).

Moved from tests/retention/test_request_erasure.py with the page (once retention's admin, now privacy's).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import Order, User
from privacy.models import DataSubjectRequest
from privacy.services.requests import request_file
from tests import factories
from tests.retention.population import erasure_request, everything

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_asks(alice, dpo):
    with time_machine.travel(NOW, tick=False):
        everything(alice, now=NOW, staff=dpo)
        return erasure_request(alice, staff=dpo, now=NOW)


def _erase_url(req):
    return reverse("admin:privacy_datasubjectrequest_erase", args=[req.pk])


def _login(client, user, when):
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        User.objects.filter(pk=user.pk).update(last_login=when)


def test_the_dpo_sees_per_category_what_goes_and_what_stays_and_why(client, alice_asks, dpo):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()

    assert "alice@example.com" in html and 'id="erasure-preview"' in html
    assert "Accounting record kept 10 years" in html and "Support tickets" in html
    assert "The account stays as an anonymised record" in html
    assert 'id="erase-form"' in html
    assert User.objects.get(email="alice@example.com")  # a preview changes nothing


def test_a_wrong_typed_email_erases_nothing(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = client.post(_erase_url(alice_asks), {"confirm_email": "bob@example.com", "response": "Done."})

    assert response.status_code == 200 and "not the person" in response.content.decode()
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_login_older_than_15_minutes_sends_the_dpo_to_log_in_again(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        response = client.post(_erase_url(alice_asks), {"confirm_email": "alice@example.com", "response": "Done."})

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert "next=" in response["Location"]
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_login_elsewhere_does_not_refresh_an_old_session(alice_asks, dpo, alice, password):
    # Two sessions of the same DPO (issue 9, finding 6): the old one stays old whatever the other does.
    old, fresh = Client(), Client()
    _login(old, dpo, NOW)
    _login(fresh, dpo, NOW + timedelta(minutes=20))
    data = {"confirm_email": "alice@example.com", "response": "Done."}
    with time_machine.travel(NOW + timedelta(minutes=21), tick=False):
        refused = old.post(_erase_url(alice_asks), data)
        assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
        assert User.objects.get(pk=alice.pk).email == "alice@example.com"
        done = fresh.post(_erase_url(alice_asks), data)

    assert done.status_code == 302
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED


def test_a_recent_login_and_the_right_email_complete_the_request(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=14), tick=False):
        response = client.post(
            _erase_url(alice_asks), {"confirm_email": " Alice@Example.com ", "response": "Your data is erased."}
        )

    assert response.status_code == 302
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED
    assert DataSubjectRequest.objects.get(pk=alice_asks.pk).status == "completed"
    assert not Order.objects.filter(customer=alice).exclude(target_url="").exists()


def test_a_blocked_erasure_shows_why_and_offers_no_button(client, alice_asks, dpo, alice):
    factories.ServiceFactory(customer=alice, status="active")
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()

    assert "active service" in html and 'id="erase-form"' not in html


def test_support_staff_cannot_open_the_erasure_page(client, alice_asks):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    _login(client, support, NOW)

    with time_machine.travel(NOW, tick=False):
        assert client.get(_erase_url(alice_asks)).status_code == 403


def test_only_erasure_requests_have_an_erasure_page(client, dpo, alice):
    req = request_file(kind="access", channel="client_area", customer=alice)
    _login(client, dpo, NOW)

    with time_machine.travel(NOW, tick=False):
        assert client.get(_erase_url(req)).status_code == 404
