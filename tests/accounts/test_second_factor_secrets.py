"""Second-factor secrets are stored encrypted (accounts/adapter.py, MFAAdapter): a copy of the database alone gives
nobody's TOTP key or recovery codes. They are encrypted under CREDENTIALS_KEYS and rotated with site credentials."""

import json
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models.credentials import SECOND_FACTOR_MARK, second_factor_decrypt
from tests.accounts.allauth_steps import enrol_totp, login, totp_code

migration = __import__("accounts.migrations.0011_encrypt_second_factor_secrets", fromlist=["encrypt", "decrypt"])
DASHBOARD = reverse("accounts:dashboard")


def _stored(authenticator):
    """The row as the database holds it: what a copy of the database would give."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value)


def _logs_in_with(client, email, password, code):
    client.post(reverse("account_logout"))
    assert login(client, email, password).url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    return response.status_code == 302 and client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_the_totp_key_is_stored_encrypted_and_still_logs_in(client, alice, password):
    login(client, alice.email, password)
    secret = enrol_totp(client)

    totp = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    assert secret not in _stored(totp)
    assert totp.data["secret"].startswith(SECOND_FACTOR_MARK)
    assert second_factor_decrypt(totp.data["secret"]) == secret
    assert _logs_in_with(client, alice.email, password, totp_code(secret, offset=1))


@pytest.mark.django_db
def test_the_recovery_codes_seed_is_stored_encrypted_and_a_code_still_logs_in(client, alice, password):
    login(client, alice.email, password)
    enrol_totp(client)
    codes_row = Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(codes_row).get_unused_codes()

    seed = second_factor_decrypt(codes_row.data["seed"])
    assert seed not in _stored(codes_row) and not any(code in _stored(codes_row) for code in codes)
    assert _logs_in_with(client, alice.email, password, codes[0])


@pytest.mark.django_db
def test_secrets_stored_before_are_encrypted_by_the_migration_and_still_work(alice, password):
    # As allauth stored them before the adapter encrypted: the key and the seed in clear.
    secret, seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ab" * 40
    totp = Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": secret})
    codes = Authenticator.objects.create(
        user=alice, type=Authenticator.Type.RECOVERY_CODES, data={"seed": seed, "used_mask": 0}
    )

    migration.encrypt(apps, None)

    for row, clear in ((totp, secret), (codes, seed)):
        row.refresh_from_db()
        assert clear not in _stored(row)
    assert codes.data["used_mask"] == 0
    assert _logs_in_with(Client(), alice.email, password, totp_code(secret, offset=1))

    migration.encrypt(apps, None)  # a second run leaves encrypted values as they are
    totp.refresh_from_db()
    assert second_factor_decrypt(totp.data["secret"]) == secret

    migration.decrypt(apps, None)  # and the way back gives the clear values again
    totp.refresh_from_db()
    assert totp.data["secret"] == secret


@pytest.mark.django_db
def test_rotation_reencrypts_second_factors_under_the_new_key(client, alice, password, settings):
    login(client, alice.email, password)
    secret = enrol_totp(client)
    old_key = settings.CREDENTIALS_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [new_key, old_key]
    out = StringIO()

    call_command("rotate_credentials", stdout=out)

    assert "second_factors_rotated=2 second_factors_unreadable=0" in out.getvalue()
    settings.CREDENTIALS_KEYS = [new_key]  # the old key can now be removed
    assert _logs_in_with(client, alice.email, password, totp_code(secret, offset=1))


@pytest.mark.django_db
def test_rotation_names_second_factors_no_key_can_read(client, alice, password, settings):
    login(client, alice.email, password)
    enrol_totp(client)
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(SystemExit) as exit_:
        call_command("rotate_credentials", stdout=StringIO(), stderr=(err := StringIO()))

    assert exit_.value.code == 1 and "second factors not readable" in err.getvalue()


def test_a_secret_never_encrypted_is_refused_not_used():
    with pytest.raises(ValueError, match="unencrypted"):
        second_factor_decrypt("JBSWY3DPEHPK3PXP")
