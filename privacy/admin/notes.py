"""The queue's internal note action: staff write a note on a request, open or closed, never shown to the person."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from privacy.admin.forms import QUEUE_ACTIONS, QueueActionForm
from privacy.services.notes import request_note_add


class NoteForm(QueueActionForm):
    title = _("Add an internal note")
    submit_label = _("Add the note")
    text = forms.CharField(
        label=_("Note (internal)"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("For staff only: never shown or sent to the person, and left out of their copy of the data."),
    )

    @classmethod
    def applies(cls, req, now):
        return True

    def act(self, *, actor):
        request_note_add(self.req, actor=actor, text=self.cleaned_data["text"])
        return [(messages.SUCCESS, _("The note is added to the request's history."))]


QUEUE_ACTIONS["note"] = NoteForm
