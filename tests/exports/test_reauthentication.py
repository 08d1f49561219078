"""Staff downloading another person's export need a login in THIS session within 15 minutes (R69, finding 6)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from exports.models import DownloadLog, ExportJob
from tests.conftest import session_authenticated


@pytest.fixture
def ready(zoe, build_export, fast_pdf):
    job = build_export(customer=zoe, requested_by=zoe)
    assert job.status == ExportJob.Status.READY, job.error
    return job


@pytest.mark.django_db
def test_two_sessions_of_the_dpo_only_the_fresh_one_downloads(ready, dpo, password):
    old, fresh = Client(), Client()
    old.force_login(dpo)
    session_authenticated(old, dpo, at=time.time() - 3 * 3600)  # logged in three hours ago (finding 6)
    fresh.force_login(dpo)  # the same person logs in elsewhere now: it must not refresh the old session
    url = reverse("exports:download", args=[ready.pk])

    refused = old.get(url)
    allowed = fresh.get(url)

    assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
    assert allowed.status_code == 200
    assert DownloadLog.objects.count() == 1

    # The old session proves the password again, and the download goes through.
    again = old.post(refused["Location"], {"password": password}, follow=True)
    assert again.status_code == 200 and again.headers["Content-Type"] == "application/zip"
    assert DownloadLog.objects.count() == 2


@pytest.mark.django_db
def test_the_subject_downloads_their_own_export_without_being_asked_again(client, ready, zoe):
    client.force_login(zoe)
    session_authenticated(client, zoe, at=time.time() - 3 * 3600)

    assert client.get(reverse("exports:download", args=[ready.pk])).status_code == 200
