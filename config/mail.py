"""Development mail backend: one .eml file per message, readable by any mail client."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(file_path)

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


def mail_render(*, template, context, language):
    """Subject, text and HTML of templates/emails/<template>/, in the recipient's language."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}/subject.txt", context).strip()
        text = render_to_string(f"emails/{template}/body.txt", context)
        html = render_to_string(f"emails/{template}/body.html", context)
    return " ".join(subject.split()), text, html


def mail_send(*, to, template, context, language, headers=None):
    """The one way the product sends mail: rendered now, handed to a worker once the transaction commits.

    `headers` adds mail headers, e.g. List-Unsubscribe on marketing mail (RFC 8058).
    """
    from django.db import transaction

    from accounts.tasks import send_rendered_mail

    subject, text, html = mail_render(template=template, context=context, language=language)
    extra = dict(headers or {})
    transaction.on_commit(
        lambda: send_rendered_mail.delay(to=[to], subject=subject, text=text, html=html, headers=extra)
    )
