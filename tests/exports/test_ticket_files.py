"""Ticket attachments and chat transcripts are personal data in files (R56): exported as files, and deleted with
their ticket, file included, by an erasure and by the retention rule."""

import json
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import ChatTranscript, TicketAttachment
from accounts.services_support import ticket_reply, transcript_import
from accounts.transcripts import TranscriptError
from exports.models import ExportJob
from retention.services import customer_erase, rule_apply
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
PDF = b"%PDF-1.7\nZoe's contract\n%%EOF\n"
DISCORD_JSON = {
    "guild": {"name": "Hosting"},
    "channel": {"name": "support-zoe"},
    "messages": [
        {"timestamp": "2026-03-01T09:00:00+00:00", "author": {"name": "zoe"}, "content": "Mon site est en panne"},
        {
            "timestamp": "2026-03-01T09:05:00+00:00",
            "author": {"name": "helper", "nickname": "Support"},
            "content": "On regarde",
            "attachments": [{"fileName": "trace.png"}],
        },
    ],
}


def _files(zoe, ticket):
    ticket_reply(ticket=ticket, author=zoe, body="Le contrat", upload=SimpleUploadedFile("contrat.pdf", PDF))
    transcript = transcript_import(ticket=ticket, raw=json.dumps(DISCORD_JSON).encode(), name="chat.json")
    return TicketAttachment.objects.get(message__ticket=ticket), transcript


@pytest.mark.django_db
def test_the_export_holds_the_attachment_and_the_transcript_as_files_named_by_their_rows(zoe, build_export, fast_pdf):
    attachment, transcript = _files(zoe, factories.TicketFactory(customer=zoe, subject="Panne"))

    job = build_export(customer=zoe, requested_by=zoe)

    assert job.status == ExportJob.Status.READY, job.error
    with zipfile.ZipFile(job.path) as archive:
        data = json.loads(archive.read("data.json"))
        rows = {row["record"]: row for row in data["sections"]["support"]}
        assert archive.read(f"files/{rows['accounts.ticketattachment']['file']}") == PDF
        assert rows["accounts.ticketattachment"]["original_name"] == "contrat.pdf"
        assert archive.read(f"files/{rows['accounts.chattranscript']['file']}") == json.dumps(DISCORD_JSON).encode()
        assert "zoe: Mon site est en panne" in rows["accounts.chattranscript"]["content"]
        assert "files/" in archive.read("README.txt").decode()
    assert {attachment.file.name, transcript.file.name} == {
        rows["accounts.ticketattachment"]["file"],
        rows["accounts.chattranscript"]["file"],
    }


@pytest.mark.django_db
def test_another_customers_files_are_not_in_the_export(zoe, bob, build_export, fast_pdf):
    _files(bob, factories.TicketFactory(customer=bob))

    job = build_export(customer=zoe, requested_by=zoe)

    with zipfile.ZipFile(job.path) as archive:
        assert not [n for n in archive.namelist() if n.startswith("files/")]


@pytest.mark.django_db
def test_erasing_the_customer_deletes_the_rows_and_the_files(zoe, settings, run_on_commit):
    attachment, transcript = _files(zoe, factories.TicketFactory(customer=zoe))
    paths = [settings.TICKET_FILES_ROOT / attachment.file.name, settings.TICKET_FILES_ROOT / transcript.file.name]
    assert all(p.exists() for p in paths)

    with run_on_commit(), transaction.atomic():
        customer_erase(customer=zoe, reference="test")
        # Still on disk until the erasure commits: a rollback keeps them.
        assert all(p.exists() for p in paths)

    assert not TicketAttachment.objects.exists() and not ChatTranscript.objects.exists()
    assert not any(p.exists() for p in paths)


@pytest.mark.django_db
def test_the_retention_rule_deletes_a_closed_tickets_files_three_years_after_closure(zoe, settings, run_on_commit):
    ticket = factories.TicketFactory(customer=zoe)
    attachment, transcript = _files(zoe, ticket)
    ticket.close(when=datetime(2023, 2, 28, 12, tzinfo=PARIS))
    ticket.save()
    paths = [settings.TICKET_FILES_ROOT / attachment.file.name, settings.TICKET_FILES_ROOT / transcript.file.name]

    with time_machine.travel(datetime(2026, 2, 27, 12, tzinfo=PARIS), tick=False), run_on_commit():
        rule_apply(rule="support_ticket_delete")
    assert all(p.exists() for p in paths)

    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=PARIS), tick=False), run_on_commit():
        rule_apply(rule="support_ticket_delete")

    assert not TicketAttachment.objects.exists() and not ChatTranscript.objects.exists()
    assert not any(p.exists() for p in paths)


@pytest.mark.django_db
def test_deleting_a_ticket_in_the_admin_way_takes_its_files(zoe, settings, run_on_commit):
    ticket = factories.TicketFactory(customer=zoe)
    attachment, transcript = _files(zoe, ticket)
    paths = [settings.TICKET_FILES_ROOT / attachment.file.name, settings.TICKET_FILES_ROOT / transcript.file.name]

    with run_on_commit():
        ticket.delete()

    assert not any(p.exists() for p in paths)


@pytest.mark.django_db
def test_the_command_imports_a_discord_csv_export(zoe, tmp_path):
    ticket = factories.TicketFactory(customer=zoe)
    source = tmp_path / "chat.csv"
    source.write_text(
        "AuthorID,Author,Date,Content,Attachments,Reactions\n"
        '1,zoe,2026-03-01T09:00:00+01:00,"Bonjour, le site ?",,\n'
        "2,Support,2026-03-01T09:10:00+01:00,C'est réparé,,\n",
        encoding="utf-8",
    )

    call_command("import_transcript", str(ticket.pk), str(source), "--channel", "support")

    transcript = ChatTranscript.objects.get(ticket=ticket)
    assert (transcript.message_count, transcript.channel) == (2, "support")
    assert transcript.first_at == datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Europe/Paris"))
    assert "Support: C'est réparé" in transcript.content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("chat.json", b'{"nothing": []}', "not a chat export"),
        ("chat.csv", b"a,b\n1,2\n", "columns Author, Date and Content"),
        ("chat.exe", b"MZ", "Transcripts are read from"),
        ("chat.txt", b"card 4111 1111 1111 1111", "looks like a card number"),
    ],
)
@pytest.mark.django_db
def test_a_file_that_is_not_a_transcript_is_refused_and_nothing_is_kept(
    zoe, tmp_path, settings, name, content, message
):
    ticket = factories.TicketFactory(customer=zoe)
    source = tmp_path / name
    source.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_transcript", str(ticket.pk), str(source))

    assert not ChatTranscript.objects.exists()
    assert not settings.TICKET_FILES_ROOT.exists() or not any(settings.TICKET_FILES_ROOT.iterdir())


@pytest.mark.django_db
def test_a_plain_text_transcript_is_kept_as_it_is(zoe):
    ticket = factories.TicketFactory(customer=zoe)

    row = transcript_import(ticket=ticket, raw=b"[09:00] zoe\nhello\n\n[09:01] support\nhi\n", name="chat.txt")

    assert row.message_count == 2 and row.content.startswith("[09:00] zoe")
    with pytest.raises(TranscriptError):
        transcript_import(ticket=ticket, raw=b"\n\n", name="empty.txt")


@pytest.mark.django_db
def test_the_orphan_sweep_removes_a_ticket_file_no_row_owns_and_keeps_the_others(zoe, settings):
    import os
    import time

    from privacy.files import files_orphans_remove

    attachment, transcript = _files(zoe, factories.TicketFactory(customer=zoe))
    orphan = settings.TICKET_FILES_ROOT / "0123456789abcdef.pdf"
    orphan.write_bytes(PDF)
    old = time.time() - 3600
    for path in (orphan, settings.TICKET_FILES_ROOT / attachment.file.name):
        os.utime(path, (old, old))

    files_orphans_remove(grace_seconds=60)

    assert not orphan.exists()
    assert (settings.TICKET_FILES_ROOT / attachment.file.name).exists()
    assert (settings.TICKET_FILES_ROOT / transcript.file.name).exists()
