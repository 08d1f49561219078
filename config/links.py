"""Links mailed to people (email confirmation, public requests, transmissions): the one exception for a link
that is broken, expired or already used, and the one page that says so. Imports no app.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


class LinkInvalid(Exception):
    """A mailed link that is incomplete, expired or already used; nothing was changed."""


NOTHING_CHANGED = _("It has expired, was already used, or was copied incompletely. Nothing was changed.")


def link_invalid_page(request, *, explanation=NOTHING_CHANGED, next_url="", next_label=""):
    """The page (status 400) for a LinkInvalid, with what to do next where there is something to do."""
    context = {"explanation": explanation, "next_url": next_url, "next_label": next_label}
    return render(request, "link_invalid.html", context, status=400)
