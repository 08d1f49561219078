"""Site credentials (R72): encrypted with keys from the environment, revealed only by permission after a recent
login, each reveal audited, keys rotated, gone at erasure."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import SiteCredential
from accounts.models.credentials import CredentialUnreadable
from privacy.models import AuditEntry
from privacy.services.audit import audit_verify
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Tr0ub4dor-3-wp-admin"

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(alice):
    service = factories.ServiceFactory(customer=alice, name="Hosting Pro")
    credential = SiteCredential(service=service, label="WordPress admin", username="alice-admin")
    credential.set_secret(SECRET)
    credential.save()
    return credential


@pytest.fixture
def revealer(client):
    """Staff with the dedicated permission, logged in just now."""
    user = factories.StaffFactory(email="tech@example.com")
    user.user_permissions.add(
        Permission.objects.get(codename="reveal_sitecredential"), Permission.objects.get(codename="view_sitecredential")
    )
    client.force_login(user)
    return user


def _reveal(credential):
    return reverse("admin:accounts_sitecredential_reveal", args=[credential.pk])


def _stored_column(credential):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_token FROM accounts_sitecredential WHERE id = %s", [credential.pk])
        return cursor.fetchone()[0]


def test_the_database_holds_only_an_authenticated_ciphertext(credential):
    stored = _stored_column(credential)

    assert SECRET not in stored and stored.startswith("gAAAA")  # a Fernet token: AES-CBC + HMAC-SHA256
    assert SiteCredential.objects.get().reveal() == SECRET
    assert SECRET not in repr(credential) and SECRET not in str(credential)


def test_an_altered_ciphertext_is_refused_not_misread(credential):
    token = _stored_column(credential)
    forged = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    SiteCredential.objects.filter(pk=credential.pk).update(secret_token=forged)

    with pytest.raises(CredentialUnreadable):
        SiteCredential.objects.get().reveal()


def test_staff_with_the_permission_reveal_it_after_a_recent_login_and_the_reveal_is_audited(
    client, revealer, credential, alice
):
    confirm = client.get(_reveal(credential))
    response = client.post(_reveal(credential), REMOTE_ADDR="203.0.113.9")

    assert confirm.status_code == 200 and SECRET not in confirm.content.decode()
    assert response.status_code == 200 and SECRET in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    reveal = AuditEntry.objects.get(action="reveal")
    assert (reveal.actor, reveal.customer, reveal.ip, reveal.target) == (
        revealer,
        alice,
        "203.0.113.9",
        "accounts.sitecredential",
    )
    assert SECRET not in str(list(AuditEntry.objects.values()))
    assert audit_verify()[1] == ""


def test_a_login_older_than_15_minutes_must_log_in_again_and_nothing_is_revealed(client, revealer, credential):
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(_reveal(credential))

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert not AuditEntry.objects.filter(action="reveal").exists()
    assert "_auth_user_id" not in client.session


def test_a_login_14_minutes_ago_is_recent_enough(client, revealer, credential):
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert SECRET in client.post(_reveal(credential)).content.decode()


def test_staff_without_the_dedicated_permission_cannot_reveal(client, credential, dpo):
    viewer = factories.StaffFactory(email="support@example.com")
    viewer.groups.add(Group.objects.get(name="Support"))
    viewer.user_permissions.add(Permission.objects.get(codename="view_sitecredential"))
    client.force_login(viewer)

    assert client.post(_reveal(credential)).status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_secret_never_reaches_the_logs(client, revealer, credential, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(_reveal(credential))
        new = SiteCredential(service=credential.service, label="FTP")
        new.set_secret(SECRET)
        new.save()

    assert SECRET not in caplog.text and _stored_column(credential) not in caplog.text


def test_staff_add_a_credential_through_the_admin_and_it_is_stored_encrypted(client, alice):
    dpo = factories.StaffFactory(email="dpo2@example.com")
    dpo.groups.add(Group.objects.get(name="DPO"))
    client.force_login(dpo)
    service = factories.ServiceFactory(customer=alice)

    response = client.post(
        reverse("admin:accounts_sitecredential_add"),
        {"service": service.pk, "label": "cPanel", "login_url": "", "username": "alice", "secret": SECRET},
    )

    assert response.status_code == 302
    stored = SiteCredential.objects.get(label="cPanel")
    assert stored.reveal() == SECRET and SECRET not in _stored_column(stored)


def test_rotation_reencrypts_every_row_under_the_new_key(credential, settings):
    old_key = settings.CREDENTIALS_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [new_key, old_key]
    out = StringIO()

    call_command("rotate_credentials", stdout=out)

    assert out.getvalue().strip() == "rotated=1 unreadable=0 second_factors_rotated=0 second_factors_unreadable=0"
    settings.CREDENTIALS_KEYS = [new_key]  # the old key can now be removed
    assert SiteCredential.objects.get().reveal() == SECRET
    assert SiteCredential.objects.get().rotated_at is not None


def test_rotation_names_rows_no_key_can_read(credential, settings):
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(SystemExit) as exit_:
        call_command("rotate_credentials", stdout=StringIO(), stderr=StringIO())

    assert exit_.value.code == 1


def test_erasure_deletes_the_credentials(credential, alice):
    from retention.services import customer_erase

    credential.service.status, credential.service.ended_at = "terminated", timezone.now()
    credential.service.save()

    customer_erase(customer=alice, reference="TEST-ERASE")

    assert not SiteCredential.objects.exists()


def _start(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("CREDENTIALS_KEYS", "DATABASE_URL")}
    env.update({"DEBUG": "False", "SECRET_KEY": "x" * 50, **env_extra})
    code = "import django; django.setup(); from django.conf import settings; print(len(settings.CREDENTIALS_KEYS))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, **_OUT
    )


_OUT = {"capture_output": True, "text": True, "timeout": 60}


def test_production_refuses_to_start_without_the_key():
    refused = _start({})
    started = _start({"CREDENTIALS_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"})

    assert refused.returncode != 0 and "CREDENTIALS_KEYS is not set" in refused.stderr
    assert started.returncode == 0 and started.stdout.strip() == "2"
