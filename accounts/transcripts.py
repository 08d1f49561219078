"""Reading a chat transcript file into text (R56): DiscordChatExporter's JSON and CSV, or plain text as it is.

Only the conversation is kept: who wrote, when, and what. Nothing is fetched from the chat service.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _


class TranscriptError(Exception):
    """A file that cannot be read as a transcript; nothing was imported."""


@dataclass
class Transcript:
    text: str
    count: int
    first_at: datetime | None
    last_at: datetime | None
    channel: str = ""


def _moment(value):
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _line(moment, author, content, raw_date=""):
    when = moment.isoformat(timespec="minutes") if moment else raw_date
    return f"[{when}] {author}: {content}".rstrip()


def _from_lines(rows, channel=""):
    """rows: (moment or None, raw date, author, content)."""
    lines, moments = [], []
    for moment, raw, author, content in rows:
        lines.append(_line(moment, author, content, raw))
        if moment:
            moments.append(moment)
    if not lines:
        raise TranscriptError(_("The file holds no messages."))
    return Transcript("\n".join(lines), len(lines), min(moments, default=None), max(moments, default=None), channel)


def _json(text):
    try:
        data = json.loads(text)
        messages = data["messages"]
        rows = []
        for m in messages:
            author = m.get("author") or {}
            name = author.get("nickname") or author.get("name") or "?"
            content = m.get("content") or ""
            files = [a.get("fileName", "") for a in m.get("attachments") or []]
            if files:
                content = (content + " " + " ".join(f"[{f}]" for f in files)).strip()
            rows.append((_moment(m.get("timestamp")), str(m.get("timestamp", "")), name, content))
        channel = (data.get("channel") or {}).get("name", "")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise TranscriptError(_("This JSON file is not a chat export (a list of “messages” is expected).")) from error
    return _from_lines(rows, channel=str(channel)[:200])


def _csv(text):
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"Author", "Date", "Content"} <= set(reader.fieldnames):
        raise TranscriptError(_("This CSV file is not a chat export (columns Author, Date and Content are expected)."))
    return _from_lines((_moment(r["Date"]), r["Date"], r["Author"], r["Content"] or "") for r in reader)


def _text(text):
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks:
        raise TranscriptError(_("The file holds no messages."))
    return Transcript(text.strip(), len(blocks), None, None)


def transcript_read(raw: bytes, name: str) -> Transcript:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TranscriptError(_("The file is not UTF-8 text.")) from error
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return _json(text)
    if suffix == ".csv":
        return _csv(text)
    if suffix in (".txt", ".log"):
        return _text(text)
    raise TranscriptError(_("Transcripts are read from .json, .csv or .txt files."))
