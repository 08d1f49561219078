"""What a customer may attach to a support ticket: a size limit, and a type checked from the file's first bytes.

The extension alone proves nothing (an .exe renamed .pdf); the browser's content type neither. Each allowed type
names the bytes its files start with, or, for text, that it reads as UTF-8 without NUL bytes.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension -> (content type stored and served, accepted first bytes; None: UTF-8 text)
TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "txt": ("text/plain", None),
    "log": ("text/plain", None),
    "csv": ("text/csv", None),
}


def allowed_extensions() -> list[str]:
    return [ext for ext in settings.TICKET_ATTACHMENT_TYPES if ext in TYPES]


def _is_text(upload) -> bool:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def attachment_check(upload) -> str:
    """Raise a ValidationError that says what is wrong and what is accepted; return the content type to store."""
    limit = settings.TICKET_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; files up to %(limit)s are accepted.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    allowed = allowed_extensions()
    if extension not in allowed:
        raise ValidationError(
            _("Files of this type cannot be attached. Accepted: %(types)s.") % {"types": ", ".join(allowed)},
            code="type",
        )
    content_type, starts = TYPES[extension]
    if starts is None:
        ok = _is_text(upload)
    else:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        ok = head.startswith(starts)
    if not ok:
        raise ValidationError(
            _("This file is not really a .%(ext)s file: its content does not match its name.") % {"ext": extension},
            code="content",
        )
    return content_type
