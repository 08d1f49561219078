"""Re-authentication per session, within 15 minutes (R69): two sessions of the same staff member, one fresh, one
twenty minutes old; only the fresh one acts. Covers holds, staff groups and secrets (erasure: tests/retention,
exports: tests/exports/test_reauthentication.py)."""

import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.security import reauthentication_required
from retention.models import LegalHold
from tests import factories
from tests.conftest import session_authenticated

TWENTY_MINUTES_AGO = -20 * 60


@pytest.fixture
def superuser(db):
    return factories.StaffFactory(is_superuser=True, email="root@example.com")


@pytest.fixture
def two_sessions(dpo):
    old, fresh = Client(), Client()
    old.force_login(dpo)
    session_authenticated(old, dpo, at=time.time() + TWENTY_MINUTES_AGO)
    fresh.force_login(dpo)
    return old, fresh


@pytest.mark.django_db
def test_lifting_a_hold_needs_a_fresh_session_and_resumes_after_the_password(two_sessions, alice, password, dpo):
    old, fresh = two_sessions
    hold = LegalHold.objects.create(customer=alice, reason="Dispute")
    changelist = reverse("admin:retention_legalhold_changelist")
    lift = {"action": "lift", "_selected_action": [hold.pk]}

    refused = old.post(changelist, lift)
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
    hold.refresh_from_db()
    assert hold.lifted_at is None

    # The password typed on the re-authentication page carries out the suspended action.
    old.post(refused["Location"], {"password": password})
    hold.refresh_from_db()
    assert hold.lifted_by == dpo


@pytest.mark.django_db
def test_a_fresh_session_lifts_at_once(two_sessions, alice):
    _, fresh = two_sessions
    hold = LegalHold.objects.create(customer=alice, reason="Dispute")

    fresh.post(reverse("admin:retention_legalhold_changelist"), {"action": "lift", "_selected_action": [hold.pk]})

    hold.refresh_from_db()
    assert hold.lifted_at is not None


@pytest.mark.django_db
def test_changing_a_staff_members_groups_needs_a_fresh_session(superuser, password):
    support = factories.StaffFactory(email="support@example.com", first_name="Sam", last_name="Port")
    old, fresh = Client(), Client()
    old.force_login(superuser)
    session_authenticated(old, superuser, at=time.time() + TWENTY_MINUTES_AGO)
    fresh.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[support.pk])
    billing = Group.objects.get(name="Billing")

    form = fresh.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(_post_data(form), groups=[billing.pk])
    refused = old.post(url, data)
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
    assert not support.groups.exists()

    accepted = fresh.post(url, data)
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    assert list(support.groups.all()) == [billing]


def _post_data(form):
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name in ("password",):
            continue
        if hasattr(value, "code"):
            value = value.code
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
            continue
        data[name] = getattr(value, "pk", value)
    for name in ("date_joined", "last_login", "email_verified_at", "state_changed_at"):
        data.pop(name, None)
    return data


@pytest.mark.django_db
def test_seeing_recovery_codes_needs_a_fresh_session(client, alice, password):
    from allauth.mfa.recovery_codes.internal.flows import auto_generate_recovery_codes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(alice, generate_totp_secret())
    client.force_login(alice)
    session_authenticated(client, alice, at=time.time() + TWENTY_MINUTES_AGO)
    request = type("R", (), {"user": alice})()
    auto_generate_recovery_codes(request)

    response = client.get(reverse("mfa_view_recovery_codes"))

    assert response.status_code == 302 and "reauthenticate" in response["Location"]


@pytest.mark.django_db
def test_the_decorator_lets_a_fresh_session_through_and_sends_a_stale_one_away(rf, alice):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    view = reauthentication_required(lambda request: HttpResponse("done"))
    for offset, expected in ((-60, 200), (TWENTY_MINUTES_AGO, 302)):
        request = rf.post("/somewhere/", {"x": "1"})
        request.user, request.session = alice, SessionStore()
        request._messages = FallbackStorage(request)
        request.session["account_authentication_methods"] = [{"method": "password", "at": time.time() + offset}]
        request.session["account_authentication_methods_user"] = str(alice.pk)
        assert view(request).status_code == expected
