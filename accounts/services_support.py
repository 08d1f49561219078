"""Support tickets from the client area (open, reply, attach a file) and chat transcripts imported by staff (R56).

Every row and its file are written in one transaction; a file saved by a transaction that then fails is left for
the orphan sweep of privacy.files, which removes what no row owns.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ChatTranscript, SupportTicket, TicketAttachment, TicketMessage
from accounts.transcripts import TranscriptError, transcript_read
from accounts.uploads import attachment_check
from accounts.validators import contains_card_number


class TicketClosed(Exception):
    """A reply to a closed ticket: nothing was written."""


def _attach(message, upload, now):
    content_type = attachment_check(upload)
    attachment = TicketAttachment(
        message=message,
        original_name=Path(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_at=now,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def _message(ticket, *, author, role, body, now):
    message = TicketMessage(ticket=ticket, author=author, author_role=role, body=body, created_at=now)
    message.full_clean(exclude=["ticket", "author"])
    message.save()
    return message


@transaction.atomic
def ticket_open(*, customer, subject, body, upload=None, now=None) -> SupportTicket:
    """A customer opens a ticket with a first message, and maybe one file."""
    now = now or timezone.now()
    if upload is not None:
        attachment_check(upload)
    ticket = SupportTicket.objects.create(customer=customer, subject=subject, created_at=now)
    message = _message(ticket, author=customer, role=TicketMessage.Role.CUSTOMER, body=body, now=now)
    if upload is not None:
        _attach(message, upload, now)
    return ticket


@transaction.atomic
def ticket_reply(*, ticket, author, body, upload=None, role=TicketMessage.Role.CUSTOMER, now=None) -> TicketMessage:
    """A reply on an open ticket, and maybe one file. A closed ticket takes no reply: the customer opens a new one."""
    now = now or timezone.now()
    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != SupportTicket.Status.OPEN:
        raise TicketClosed
    if upload is not None:
        attachment_check(upload)
    message = _message(ticket, author=author, role=role, body=body, now=now)
    if upload is not None:
        _attach(message, upload, now)
    return message


@transaction.atomic
def transcript_import(*, ticket, raw: bytes, name: str, actor=None, source=ChatTranscript.Source.DISCORD, channel=""):
    """Staff import a chat export into a ticket: the file as received, and its conversation as text."""
    if len(raw) > settings.TICKET_TRANSCRIPT_MAX_BYTES:
        raise TranscriptError(_("The file is larger than the transcript limit."))
    transcript = transcript_read(raw, name)
    if contains_card_number(transcript.text):
        # Card numbers are never stored (R67): the file must be cleaned before it is imported.
        raise TranscriptError(_("The conversation holds what looks like a card number: remove it, then import again."))
    row = ChatTranscript(
        ticket=ticket,
        source=source,
        channel=(channel or transcript.channel)[:200],
        original_name=Path(name).name[:255],
        content=transcript.text,
        message_count=transcript.count,
        first_at=transcript.first_at,
        last_at=transcript.last_at,
        imported_by=actor,
    )
    row.file.save(name, ContentFile(raw), save=False)
    row.save()
    return row


def upload_errors(upload) -> list[str]:
    """The messages a form shows for a file that cannot be attached (empty when it can)."""
    try:
        attachment_check(upload)
    except ValidationError as error:
        return error.messages
    return []
