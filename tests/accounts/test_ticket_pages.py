"""Support from the client area (R56): open a ticket, reply, attach a file within the limits; owner-scoped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SupportTicket, TicketAttachment, TicketMessage
from tests import factories

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name="invoice.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.django_db
def test_a_customer_opens_a_ticket_with_a_file_and_downloads_it_back(alice_client, alice, settings):
    response = alice_client.post(
        reverse("accounts:ticket_create"),
        {"subject": "My site is down", "body": "It answers 502.", "attachment": _pdf()},
    )

    ticket = SupportTicket.objects.get(customer=alice)
    assert response.status_code == 302 and response.url == reverse("accounts:ticket_detail", args=[ticket.pk])
    message = ticket.messages.get()
    assert (message.author_role, message.body) == (TicketMessage.Role.CUSTOMER, "It answers 502.")
    attachment = message.attachments.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "invoice.pdf",
        "application/pdf",
        len(PDF),
    )
    stored = settings.TICKET_FILES_ROOT / attachment.file.name
    # Stored under a random name in the private folder: the customer's file name is in the row only.
    assert stored.read_bytes() == PDF and "invoice" not in attachment.file.name

    page = alice_client.get(reverse("accounts:ticket_detail", args=[ticket.pk]))
    assert "invoice.pdf" in page.content.decode()
    download = alice_client.get(reverse("accounts:ticket_attachment", args=[ticket.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_customer_replies_to_an_open_ticket_with_a_file(alice_client, alice):
    ticket = factories.TicketFactory(customer=alice)

    response = alice_client.post(
        reverse("accounts:ticket_detail", args=[ticket.pk]),
        {"body": "Here is the log.", "attachment": SimpleUploadedFile("error.log", b"502 Bad Gateway\n")},
    )

    assert response.status_code == 302
    reply = ticket.messages.get(body="Here is the log.")
    assert reply.author == alice and reply.attachments.get().content_type == "text/plain"


@pytest.mark.django_db
def test_another_customers_ticket_and_files_are_not_found(alice_client, bob):
    ticket = factories.TicketFactory(customer=bob)
    message = factories.TicketMessageFactory(ticket=ticket)
    from accounts.services_support import ticket_reply

    ticket_reply(ticket=ticket, author=bob, body="mine", upload=_pdf())
    attachment = TicketAttachment.objects.get(message__ticket=ticket)

    assert alice_client.get(reverse("accounts:ticket_detail", args=[ticket.pk])).status_code == 404
    assert alice_client.post(reverse("accounts:ticket_detail", args=[ticket.pk]), {"body": "x"}).status_code == 404
    assert alice_client.get(reverse("accounts:ticket_attachment", args=[ticket.pk, attachment.pk])).status_code == 404
    assert ticket.messages.count() == 2 and message.body != "x"


@pytest.mark.django_db
def test_her_own_ticket_does_not_open_another_customers_file(alice_client, alice, bob):
    from accounts.services_support import ticket_reply

    hers = factories.TicketFactory(customer=alice)
    his = factories.TicketFactory(customer=bob)
    ticket_reply(ticket=his, author=bob, body="mine", upload=_pdf())
    attachment = TicketAttachment.objects.get(message__ticket=his)

    assert alice_client.get(reverse("accounts:ticket_attachment", args=[hers.pk, attachment.pk])).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "Files of this type cannot be attached. Accepted: pdf"),
        (SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf"), "This file is not really a .pdf file"),
        (SimpleUploadedFile("notes.txt", b"\xff\xfe\x00binary"), "This file is not really a .txt file"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * 2048), "files up to 1.0\xa0KB are accepted"),
        (SimpleUploadedFile("empty.txt", b""), "The submitted file is empty."),
    ],
)
@pytest.mark.django_db
def test_a_file_over_the_limits_is_refused_with_a_clear_message_and_nothing_is_written(
    alice_client, alice, settings, upload, message
):
    settings.TICKET_ATTACHMENT_MAX_BYTES = 1024
    response = alice_client.post(
        reverse("accounts:ticket_create"), {"subject": "Help", "body": "See the file.", "attachment": upload}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupportTicket.objects.filter(customer=alice).exists()
    assert not TicketAttachment.objects.exists()
    assert not settings.TICKET_FILES_ROOT.exists() or not any(settings.TICKET_FILES_ROOT.iterdir())


@pytest.mark.django_db
def test_a_card_number_in_a_message_is_refused(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:ticket_create"), {"subject": "Payment", "body": "My card is 4111 1111 1111 1111"}
    )

    assert response.status_code == 400 and "payment card number" in response.content.decode()
    assert not SupportTicket.objects.filter(customer=alice).exists()


@pytest.mark.django_db
def test_a_closed_ticket_takes_no_reply(alice_client, alice):
    ticket = factories.TicketFactory(customer=alice)
    ticket.close()
    ticket.save()

    response = alice_client.post(reverse("accounts:ticket_detail", args=[ticket.pk]), {"body": "Again"}, follow=True)

    assert "This ticket is closed" in response.content.decode()
    assert not ticket.messages.filter(body="Again").exists()


@pytest.mark.django_db
def test_the_ticket_page_costs_the_same_queries_with_many_messages_and_files(client, alice):
    from accounts.services_support import ticket_reply

    client.force_login(alice)
    ticket = factories.TicketFactory(customer=alice)
    ticket_reply(ticket=ticket, author=alice, body="one", upload=_pdf())
    url = reverse("accounts:ticket_detail", args=[ticket.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        ticket_reply(ticket=ticket, author=alice, body=f"more {n}", upload=_pdf(f"f{n}.pdf"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many) == len(few)
