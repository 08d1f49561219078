from django import forms
from django.utils.translation import gettext_lazy as _


class TransmitForm(forms.Form):
    """Where to send a copy directly: the receiving provider's address (Art. 20(2))."""

    recipient = forms.EmailField(
        label=_("Email address of the provider who should receive it"),
        help_text=_("We first email you to confirm; nothing is sent before you click that link."),
    )
