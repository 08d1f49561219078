"""Forms of the client area's support pages: open a ticket, reply to one, each with at most one file."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.uploads import allowed_extensions, attachment_check
from accounts.validators import validate_no_card_number


def _attachment_field():
    return forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("One file, up to %(limit)s: %(types)s.")
        % {"limit": filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES), "types": ", ".join(allowed_extensions())},
    )


class _WithAttachment(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["attachment"] = _attachment_field()
        self.fields["attachment"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in allowed_extensions())

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachment_check(upload)
        return upload or None


class TicketForm(_WithAttachment):
    subject = forms.CharField(label=_("Subject"), max_length=200, validators=[validate_no_card_number])
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_no_card_number],
        max_length=20000,
    )


class ReplyForm(_WithAttachment):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_card_number],
        max_length=20000,
    )
