"""Files of support tickets: what a customer attaches to a message, and chat transcripts staff import (R56).

Both live in the private folder TICKET_FILES_ROOT, named by a random token (never the customer's own file name),
flat, so that the orphan sweep of privacy.files can tell each file's owner. The registry declares them, so they are
exported (the file itself goes into the ZIP) and deleted with their ticket, file included.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from accounts.models.support import SupportTicket, TicketMessage
from privacy import categories
from privacy.registry import Delete, registry


@deconstructible(path="accounts.models.support_files.TicketFileStorage")
class TicketFileStorage(FileSystemStorage):
    """The private ticket folder, read from the settings at each use (tests and deployments point it elsewhere).

    No URL: a file is only ever served by the owner-scoped view, never by a web server.
    """

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(settings.TICKET_FILES_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


def ticket_file_name(instance, filename):
    """A random name keeping only the (already checked) extension: the customer's file name stays in the row."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"{uuid.uuid4().hex}{suffix}"


class TicketAttachment(models.Model):
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=TicketFileStorage(), upload_to=ticket_file_name, max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket attachment")
        verbose_name_plural = _("ticket attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ChatTranscript(models.Model):
    """A conversation held elsewhere (a Discord channel) imported into a ticket: the file as received, and its text."""

    class Source(models.TextChoices):
        DISCORD = "discord", _("Discord")
        OTHER = "other", _("Other chat")

    ticket = models.ForeignKey(SupportTicket, on_delete=models.CASCADE, related_name="transcripts")
    source = models.CharField(_("chat"), max_length=10, choices=Source.choices, default=Source.DISCORD)
    channel = models.CharField(_("channel"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=TicketFileStorage(), upload_to=ticket_file_name, max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    content = models.TextField(_("conversation"))
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    first_at = models.DateTimeField(_("first message at"), null=True, blank=True)
    last_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    # The staff member who imported it; exported as nothing (R67: staff are never named to the customer).
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chat transcript")
        verbose_name_plural = _("chat transcripts")
        ordering = ["imported_at", "pk"]

    def __str__(self):
        return f"{self.get_source_display()} {self.channel}".strip()


registry.register(
    TicketAttachment,
    category=categories.SUPPORT,
    owner="message__ticket__customer",
    fields=("message__ticket__subject", "original_name", "content_type", "size", "uploaded_at", "file"),
    erasure=Delete(),
    retention="support_ticket_delete",
    personal_fields=("original_name",),
    files={"file": "TICKET_FILES_ROOT"},
)
registry.register(
    ChatTranscript,
    category=categories.SUPPORT,
    owner="ticket__customer",
    fields=(
        "ticket__subject",
        "source",
        "channel",
        "original_name",
        "message_count",
        "first_at",
        "last_at",
        "imported_at",
        "content",
        "file",
    ),
    erasure=Delete(),
    retention="support_ticket_delete",
    personal_fields=("content", "original_name"),
    files={"file": "TICKET_FILES_ROOT"},
)
