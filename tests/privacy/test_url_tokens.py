"""Links in mails carry no readable personal data: an id and a signature, or a random token stored hashed (finding 2).

Access logs, proxies and browser histories keep URLs; whatever base64 a link holds is readable by all of them.
"""

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.urls import reverse

from exports.models import Transmission, token_digest
from privacy.models import PendingPublicRequest
from privacy.models.requests import Kind
from privacy.services.requests import PUBLIC_SALT
from tests.tokens import links, readable_in, revealed

EMAIL = "harriet.vane@example.org"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_checker_sees_the_old_kind_of_token():
    old = signing.dumps({"p": 7, "e": EMAIL}, salt=PUBLIC_SALT)

    assert revealed(f"https://site.example/privacy/request/confirm/{old}/", [EMAIL])
    assert EMAIL in " ".join(readable_in(f"/x/{signing.dumps({'e': EMAIL * 20}, compress=True)}/"))


@pytest.mark.django_db
def test_the_public_request_confirmation_link_does_not_carry_the_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("privacy:public_request"),
            {"name": "Harriet Vane", "email": EMAIL, "kind": Kind.ACCESS, "details": ""},
            REMOTE_ADDR="198.51.100.9",
        )
    message = mail.outbox[-1]

    assert links(message.body)
    assert revealed(message.body, [EMAIL, "Harriet", "Vane"]) == []
    assert revealed(message.alternatives[0].content, [EMAIL, "Harriet", "Vane"]) == []


@pytest.mark.django_db
def test_a_link_still_confirms_only_its_own_request(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("privacy:public_request"),
            {"name": "Harriet Vane", "email": EMAIL, "kind": Kind.ACCESS, "details": ""},
            REMOTE_ADDR="198.51.100.9",
        )
    pending = PendingPublicRequest.objects.get()
    forged = signing.dumps({"p": pending.pk, "h": "0" * 20}, salt=PUBLIC_SALT)
    bare = signing.dumps({"p": pending.pk}, salt=PUBLIC_SALT)

    for token in (forged, bare):
        response = client.get(reverse("privacy:public_request_confirm", args=[token]))
        assert response.status_code in (200, 400, 404) and PendingPublicRequest.objects.filter(pk=pending.pk).exists()


@pytest.mark.django_db
def test_the_transmission_links_carry_an_id_or_a_hashed_random_token(
    alice, alice_client, django_capture_on_commit_callbacks, monkeypatch
):
    from exports.builder import pdf
    from exports.services import export_request, transmission_confirm, transmission_request

    monkeypatch.setattr(pdf, "render", lambda context, path: path.write_bytes(b"%PDF-1.7 placeholder"))
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(customer=alice, requested_by=alice)
    job.refresh_from_db()
    receiver = "dpo@other-provider.example"
    with django_capture_on_commit_callbacks(execute=True):
        transmission_request(job=job, recipient_email=receiver, requested_by=alice)
    confirm = mail.outbox[-1].body
    token = confirm.split("/export/transmission/")[1].split("/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        transmission_confirm(token=token)
    sent = mail.outbox[-1].body

    needles = [alice.email, alice.first_name, alice.last_name, receiver]
    assert revealed(confirm, needles) == [] and revealed(sent, needles) == []
    link_token = sent.split("/export/link/")[1].split("/")[0]
    stored = Transmission.objects.get(recipient_email=receiver)
    assert stored.token_digest == token_digest(link_token) and link_token not in str(Transmission.objects.values())
