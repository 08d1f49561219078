"""The twelve findings of issue 9, each reproduced as an attacker would try it; none may work any more.

Findings 4 and 10 also have tests in tests/config/test_settings.py and tests/accounts/test_rate_limits.py;
finding 6 in tests/accounts/test_reauthentication.py and tests/exports/test_reauthentication.py.
"""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.models import User
from privacy.models import Purpose
from privacy.services import consent_current
from tests import factories
from tests.accounts.allauth_steps import (
    GOOD,
    LOGIN,
    VERIFY,
    code_in,
    enrol_totp,
    login,
    signup,
    totp_code,
    verify,
)
from tests.accounts.test_reauthentication import _post_data

DASHBOARD = reverse("accounts:dashboard")
ADMIN = reverse("admin:index")


# 1. The sign-up link was a reusable login link.
@pytest.mark.django_db
def test_1_the_code_logs_in_only_the_signing_up_session_and_only_once(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)
    code = code_in(mail.outbox[0])

    bearer = Client()  # someone else who got hold of the mail
    bearer.post(VERIFY, {"code": code})
    assert bearer.get(DASHBOARD).status_code == 302

    verify(client, django_capture_on_commit_callbacks, code)
    first_login = User.objects.get().last_login
    assert client.get(DASHBOARD).status_code == 200 and first_login is not None

    client.post(reverse("account_logout"))
    client.post(VERIFY, {"code": code})
    assert client.get(DASHBOARD).status_code == 302
    assert User.objects.get().last_login == first_login


@pytest.mark.django_db
def test_1_the_old_signed_link_opens_nothing(client, alice):
    token = signing.dumps({"u": alice.pk, "e": alice.email}, salt="accounts.signup")

    assert client.get(f"/account/signup/verify/{token}/").status_code == 404


# 2. An account could be taken over before its owner opened it.
@pytest.mark.django_db
def test_2_the_owners_sign_up_resets_a_pre_registration(django_capture_on_commit_callbacks):
    attacker, victim = Client(), Client()
    signup(
        attacker,
        django_capture_on_commit_callbacks,
        email="victim@example.com",
        password1="attacker-pass-123",
        first_name="Eve",
        marketing_email="on",
    )
    response = signup(
        victim,
        django_capture_on_commit_callbacks,
        email="victim@example.com",
        password1="victims-own-pass-456",
        first_name="Vic",
    )

    assert response.status_code == 302 and response.url == VERIFY  # what a fresh sign-up gets
    verify(victim, django_capture_on_commit_callbacks, code_in(mail.outbox[-1]))
    assert victim.get(DASHBOARD).status_code == 200
    account = User.objects.get()
    assert account.first_name == "Vic" and account.check_password("victims-own-pass-456")
    assert not account.check_password("attacker-pass-123")
    assert consent_current(customer=account)[Purpose.MARKETING_EMAIL] is False
    assert login(Client(), "victim@example.com", "attacker-pass-123").status_code == 200  # refused


@pytest.mark.django_db
def test_2_a_verified_account_is_never_reset_by_a_sign_up(alice, password, django_capture_on_commit_callbacks):
    signup(Client(), django_capture_on_commit_callbacks, email="alice@example.com", password1="attacker-pass-123")

    alice.refresh_from_db()
    assert alice.check_password(password) and not alice.check_password("attacker-pass-123")
    assert mail.outbox[-1].to == ["alice@example.com"]  # Alice hears that someone tried


# 3. Passwords could be guessed without limit, on /account/login/ and /admin/login/.
@pytest.mark.django_db
def test_3_five_wrong_passwords_lock_the_account_for_a_while_even_for_the_right_one(client, alice, password):
    for n in range(5):
        assert login(client, "alice@example.com", f"guess-{n}").status_code == 200

    locked = login(client, "alice@example.com", password)

    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert client.get(DASHBOARD).status_code == 302


@pytest.mark.django_db
def test_3_one_address_guessing_many_accounts_is_stopped(client):
    statuses = [login(client, f"someone{n}@example.com", "guess").status_code for n in range(11)]

    assert statuses[:10] == [200] * 10 and statuses[10] == 429


@pytest.mark.django_db
def test_3_the_admin_login_is_the_same_throttled_login(client, dpo, password):
    assert client.get(reverse("admin:login")).url.startswith(LOGIN)
    posted = client.post(reverse("admin:login"), {"username": "dpo@example.com", "password": password})
    assert posted.status_code == 302 and posted.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session

    for n in range(5):
        login(client, "dpo@example.com", f"guess-{n}")
    assert login(client, "dpo@example.com", password).status_code == 429


# 4. A forgotten DEBUG gave away the admin (settings: tests/config/test_settings.py).
# Transactional: allauth records the enrolment when the request's transaction commits, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_4_with_debug_off_the_dpo_needs_a_second_factor_for_the_admin(client, dpo, password, settings):
    settings.DEBUG = False
    dpo.is_superuser = True
    dpo.save()

    response = login(client, "dpo@example.com", password)

    assert response.url == reverse("mfa_activate_totp")  # enrolment at the first login
    gate = client.get(ADMIN)
    assert gate.status_code == 302 and gate.url.startswith(reverse("mfa_activate_totp"))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302

    secret = enrol_totp(client)
    assert client.get(ADMIN).status_code == 200

    # Next login: the password alone opens nothing; the code does.
    other = Client()
    assert login(other, "dpo@example.com", password).url == reverse("mfa_authenticate")
    assert other.get(ADMIN).status_code == 302
    other.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=1)})
    assert other.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_4_the_demo_dpo_is_exempt_only_while_debug_is_on(client, dpo, password, settings):
    login(client, "dpo@example.com", password)

    settings.DEBUG = True
    assert client.get(ADMIN).status_code == 200
    settings.DEBUG = False
    assert client.get(ADMIN).status_code == 302

    settings.DEBUG = True
    other_staff = factories.StaffFactory(email="support@example.com")
    other = Client()
    login(other, other_staff.email, password)
    assert other.get(ADMIN).status_code == 302  # the exemption is the demo DPO's alone


# 5. Staff could make themselves superuser.
@pytest.mark.django_db
def test_5_a_dpo_who_is_not_superuser_cannot_raise_their_own_privileges(dpo_client, dpo):
    url = reverse("admin:accounts_user_change", args=[dpo.pk])

    response = dpo_client.post(url, {"email": dpo.email, "is_superuser": "on", "is_staff": "on"})

    assert response.status_code == 403
    dpo.refresh_from_db()
    assert dpo.is_superuser is False


@pytest.mark.django_db
def test_5_privilege_fields_are_read_only_for_non_superusers(dpo_client, alice):
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    form = dpo_client.get(url).context["adminform"].form
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(form.fields)

    data = _post_data(form) | {
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name="DPO").pk],
    }
    dpo_client.post(url, data)

    alice.refresh_from_db()
    assert (alice.is_staff, alice.is_superuser, alice.groups.count()) == (False, False, 0)


@pytest.mark.django_db
def test_5_groups_and_their_permissions_are_for_superusers_only(dpo_client):
    dpo_client.get(ADMIN)
    assert dpo_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert dpo_client.get(reverse("admin:auth_group_change", args=[Group.objects.get(name="DPO").pk])).status_code in (
        302,
        403,
    )


# 7. Archived customers were visible to Support through their orders and tickets: tests/accounts/test_groups.py.


# 8. Accounts could be enumerated.
@pytest.mark.django_db
def test_8_sign_up_reads_the_same_for_a_taken_and_a_free_address(alice, django_capture_on_commit_callbacks):
    taken, free = Client(), Client()
    taken_response = signup(taken, django_capture_on_commit_callbacks, email="alice@example.com")
    free_response = signup(free, django_capture_on_commit_callbacks, email="nobody-yet@example.com")

    assert taken_response.status_code == free_response.status_code == 302
    assert taken_response.url == free_response.url == VERIFY
    taken_page = taken.get(VERIFY).content.decode().replace("alice@example.com", "X")
    free_page = free.get(VERIFY).content.decode().replace("nobody-yet@example.com", "X")
    assert _without_tokens(taken_page) == _without_tokens(free_page)
    assert "already" not in taken_page
    assert {m.to[0] for m in mail.outbox} == {"alice@example.com", "nobody-yet@example.com"}


def _without_tokens(html):
    import re

    return re.sub(r'value="[^"]{20,}"', "", html)


@pytest.mark.django_db
def test_8_a_wrong_password_costs_one_hash_for_an_active_an_archived_and_an_unknown_account(
    client, alice, bob, monkeypatch
):
    bob.set_state(User.State.ARCHIVED)
    bob.save()
    calls = []
    for name in ("verify", "encode"):
        original = getattr(Argon2PasswordHasher, name)
        monkeypatch.setattr(
            Argon2PasswordHasher,
            name,
            lambda self, *a, _o=original, _n=name, **k: calls.append(_n) or _o(self, *a, **k),
        )

    counts = {}
    for email in ("alice@example.com", "bob@example.com", "nobody@example.com"):
        calls.clear()
        login(client, email, "wrong-password")
        counts[email] = len(calls)

    assert set(counts.values()) == {1}, counts


# 9. Email change asked no password, told the old address nothing, and its link could be replayed.
@pytest.mark.django_db
def test_9_an_email_change_needs_the_password_and_its_code_works_once(
    alice_client, alice, password, django_capture_on_commit_callbacks
):
    email_page = reverse("account_email")
    with django_capture_on_commit_callbacks(execute=True):
        asked = alice_client.post(email_page, {"action_add": "", "email": "alice.new@example.org"})
        assert asked.url.startswith(reverse("account_reauthenticate"))
        alice_client.post(asked.url, {"password": password})
    first_code = code_in(mail.outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(VERIFY, {"code": first_code})
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(email_page, {"action_add": "", "email": "alice@example.com"})
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(VERIFY, {"code": code_in(mail.outbox[-1])})
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    told = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    assert told, "the old address is told of the change"

    # Back at the old address, the first code changes nothing.
    alice_client.post(VERIFY, {"code": first_code})
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


# 10. Rate limits were per process and missing on reset and sign-up: tests/accounts/test_rate_limits.py.


# 11. A lost verification mail left the user stuck.
@pytest.mark.django_db
def test_11_the_code_can_be_sent_again(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(VERIFY, {"action": "resend"})

    assert len(mail.outbox) == 2
    verify(client, django_capture_on_commit_callbacks, code_in(mail.outbox[1]))
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_11_a_second_sign_up_and_a_password_reset_both_work_for_an_unverified_account(
    django_capture_on_commit_callbacks,
):
    signup(Client(), django_capture_on_commit_callbacks)  # the mail is lost
    again = Client()
    assert signup(again, django_capture_on_commit_callbacks).url == VERIFY
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": GOOD["email"]})

    assert len(mail.outbox) == 3 and "password/reset/key" in mail.outbox[-1].body
    assert User.objects.count() == 1


# 12. The client area had no account security.
@pytest.mark.django_db
def test_12_the_customer_changes_the_password_and_sees_the_sessions(client, alice, password):
    login(client, "alice@example.com", password)
    profile = client.get(reverse("accounts:profile")).content.decode()
    for name in ("account_change_password", "account_email", "mfa_index", "usersessions_list"):
        assert reverse(name) in profile

    sessions = client.get(reverse("usersessions_list"))
    assert sessions.status_code == 200 and "127.0.0.1" in sessions.content.decode()

    changed = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": "a-brand-new-pass-99", "password2": "a-brand-new-pass-99"},
    )
    assert changed.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-pass-99")


@pytest.mark.django_db
def test_12_a_customer_turns_totp_on_and_the_next_login_asks_for_it(client, alice, password):
    login(client, "alice@example.com", password)
    secret = enrol_totp(client)
    client.post(reverse("account_logout"))

    asked = login(client, "alice@example.com", password)
    assert asked.url == reverse("mfa_authenticate")
    assert client.get(DASHBOARD).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=1)})
    assert right.status_code == 302 and client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_12_sessions_are_per_browser_and_one_can_be_ended(alice, password):
    from allauth.usersessions.models import UserSession

    phone, laptop = Client(), Client()
    login(phone, "alice@example.com", password)
    login(laptop, "alice@example.com", password)
    assert UserSession.objects.filter(user=alice).count() == 2

    laptop.post(reverse("usersessions_list"), {"action": "logout"})  # "log out the other sessions"

    assert phone.get(DASHBOARD).status_code == 302
    assert laptop.get(DASHBOARD).status_code == 200
