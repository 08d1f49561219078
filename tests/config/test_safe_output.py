"""Safe output (issue 8, finding 8): text mails are not escaped, bad UTF-8 is refused, personal pages are not cached."""

import re
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import ChangeLog, User
from privacy.models import PendingPublicRequest
from privacy.models.requests import Kind

TRICKY = "O'Brien <x>"
EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _public_request(client, django_capture_on_commit_callbacks, **overrides):
    data = {"name": TRICKY, "email": "obrien@example.org", "kind": Kind.ACCESS, "details": "", **overrides}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("privacy:public_request"), data, REMOTE_ADDR="198.51.100.7")


@pytest.mark.django_db
def test_a_name_with_a_quote_and_brackets_is_raw_in_the_text_part_and_escaped_in_the_html(
    client, django_capture_on_commit_callbacks
):
    _public_request(client, django_capture_on_commit_callbacks)
    confirm = mail.outbox[-1]
    link = re.search(r"/privacy/request/confirm/[^/\s]+/", confirm.body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(link)
    received = mail.outbox[-1]

    for message in (confirm, received):
        html = message.alternatives[0].content
        assert f"Hello {TRICKY}," in message.body
        assert "&#x27;" not in message.body and "&lt;" not in message.body
        assert "Hello O&#x27;Brien &lt;x&gt;," in html and TRICKY not in html


@pytest.mark.parametrize("path", sorted(EMAILS.glob("*/*.txt")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_plain_text_mail_template_turns_escaping_off(path):
    text = path.read_text()
    body = re.sub(r"^\{% load [^%]*%\}", "", text)

    assert body.startswith("{% autoescape off %}") and body.rstrip().endswith("{% endautoescape %}")


# Bad UTF-8: raw bytes, as a broken client or an old document pasted in a form sends them.


def _raw_post(client, url, pairs, **extra):
    body = "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)


def _profile_pairs(customer, **raw):
    data = {
        "form": "profile",
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "new_email": customer.email,
        "phone": customer.phone,
        "address": customer.address,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country,
        "company": customer.company,
        "vat_number": customer.vat_number,
        "preferred_language": customer.preferred_language,
    }
    pairs = [(k.encode(), str(v or "").encode()) for k, v in data.items() if k not in raw]
    return pairs + [(k.encode(), v) for k, v in raw.items()]


@pytest.mark.django_db
def test_bad_utf8_in_the_profile_form_is_refused_clearly_and_nothing_is_saved(alice_client, alice):
    before = User.objects.values().get(pk=alice.pk)

    response = _raw_post(alice_client, reverse("accounts:profile"), _profile_pairs(alice, last_name=b"Mart\xe9n"))

    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode() and "Nothing was saved" in response.content.decode()
    assert User.objects.values().get(pk=alice.pk) == before
    assert not ChangeLog.objects.exists()


@pytest.mark.django_db
def test_bad_utf8_in_the_public_request_form_is_refused_and_nothing_is_held(client):
    pairs = [(b"name", b"Jos\xe9 \xff\xfe"), (b"email", b"jose@example.org"), (b"kind", b"access"), (b"details", b"")]

    response = _raw_post(client, reverse("privacy:public_request"), pairs, REMOTE_ADDR="198.51.100.8")

    assert response.status_code == 400 and "not valid UTF-8" in response.content.decode()
    assert not PendingPublicRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_bad_utf8_in_a_multipart_form_and_in_a_query_string_is_refused(client):
    boundary = "BoUnDaRy"

    def part(name, value: bytes):
        return f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"

    body = part("name", b"Jos\xe9") + part("email", b"jose@example.org") + part("kind", b"access")
    body += f"--{boundary}--\r\n".encode()
    multipart = client.post(
        reverse("privacy:public_request"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    query = client.get(reverse("privacy:public_request"), QUERY_STRING="q=%E9t%E9")

    assert multipart.status_code == 400 and query.status_code == 400
    assert not PendingPublicRequest.objects.exists()


@pytest.mark.django_db
def test_valid_utf8_from_every_script_still_goes_through(client, django_capture_on_commit_callbacks):
    response = _public_request(client, django_capture_on_commit_callbacks, name="Zoé Ålander Анна 山田 محمد 🙂")

    assert response.status_code in (200, 302)
    assert PendingPublicRequest.objects.get().name == "Zoé Ålander Анна 山田 محمد 🙂"


# Cache-Control: no page with personal data stays in a browser's or a proxy's cache.


def _no_store(response):
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "accounts:dashboard",
        "accounts:profile",
        "accounts:order_list",
        "accounts:invoice_list",
        "accounts:ticket_list",
        "accounts:connection_list",
        "privacy:my_data",
    ],
)
def test_client_area_pages_send_no_store(alice_client, name):
    response = alice_client.get(reverse(name))

    assert response.status_code == 200 and _no_store(response)


@pytest.mark.django_db
def test_an_export_download_sends_no_store(alice_client, alice, django_capture_on_commit_callbacks, monkeypatch):
    from exports.builder import pdf
    from exports.services import export_request

    monkeypatch.setattr(pdf, "render", lambda context, path: path.write_bytes(b"%PDF-1.7 placeholder"))
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(customer=alice, requested_by=alice)

    response = alice_client.get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 200 and _no_store(response)
    assert response.headers["Content-Type"] == "application/zip"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["admin:index", "admin:accounts_user_changelist", "admin:privacy_datasubjectrequest_changelist"],
)
def test_admin_pages_send_no_store(client, alice, name):
    root = User.objects.create_superuser(email="root@example.com", password="x" * 12)  # noqa: S106
    client.force_login(root)

    response = client.get(reverse(name))

    assert response.status_code == 200 and _no_store(response)


@pytest.mark.django_db
def test_the_admin_change_page_of_a_customer_sends_no_store(client, alice):
    root = User.objects.create_superuser(email="root@example.com", password="x" * 12)  # noqa: S106
    client.force_login(root)

    response = client.get(reverse("admin:accounts_user_change", args=[alice.pk]))

    assert response.status_code == 200 and _no_store(response)
