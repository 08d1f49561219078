"""manage.py import_transcript TICKET_ID FILE [--source discord|other] [--channel NAME]: a chat export into a ticket."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ChatTranscript, SupportTicket
from accounts.services_support import transcript_import
from accounts.transcripts import TranscriptError


class Command(BaseCommand):
    help = "Import a chat transcript (DiscordChatExporter JSON or CSV, or plain text) into a support ticket."

    def add_arguments(self, parser):
        parser.add_argument("ticket", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", choices=ChatTranscript.Source.values, default=ChatTranscript.Source.DISCORD)
        parser.add_argument("--channel", default="")

    def handle(self, *args, ticket, file, source, channel, **options):
        try:
            row = SupportTicket.objects.get(pk=ticket)
        except SupportTicket.DoesNotExist:
            raise CommandError(f"No support ticket {ticket}.") from None
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            transcript = transcript_import(
                ticket=row, raw=file.read_bytes(), name=file.name, source=source, channel=channel
            )
        except TranscriptError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Imported {transcript.message_count} messages into ticket {row.pk} ({transcript.pk}).")
