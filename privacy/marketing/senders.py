"""Senders for the channels other than email (SMS/phone, social messages), chosen in settings.MARKETING_SENDERS.

A real deployment names its provider's class; the default writes one file per message, as development mail does.
"""

import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class FileSender:
    def __init__(self, channel):
        self.folder = settings.MARKETING_OUTBOX / channel

    def send(self, *, to, text) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        (self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        return 1


def sender_for(channel):
    return import_string(settings.MARKETING_SENDERS[channel])(channel)
