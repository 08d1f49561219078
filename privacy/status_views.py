"""A request's status for its requester: the signed status link for people without an account (public form,
mail, post), and the owner-only link to the copy of the data an access answer delivers (R20)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.ownership import get_owned_or_404
from config.links import LinkInvalid
from privacy.models import DataSubjectRequest
from privacy.models.request_choices import CLOSED_STATUSES, Kind, Status
from privacy.status_links import LinkExpired, request_for_status_token

COPY_KINDS = (Kind.ACCESS, Kind.PORTABILITY)


def delivered_copies(req):
    """The ready copies of the data delivered with this request, newest first (exports attach them to it)."""
    return (
        req.exports.filter(status="ready", deliver_to_subject=True)
        .order_by("-ready_at", "-pk")
        .only("pk", "status", "ready_at")
    )


def _dead_link(request, status):
    explanation = (
        _("This status link is too old. Write to us or send the request again if you still need an answer.")
        if status == 410
        else _("This status link is incomplete or no longer valid. Nothing about any request is shown.")
    )
    context = {
        "explanation": explanation,
        "next_url": reverse("privacy:public_request"),
        "next_label": _("Send a request"),
    }
    response = render(request, "link_invalid.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def request_status(request, token):
    """Status, due date and answer of one request; never the requester's details or the staff's notes."""
    try:
        req = request_for_status_token(token)
    except LinkExpired:
        return _dead_link(request, 410)
    except LinkInvalid:
        return _dead_link(request, 404)
    events = req.events.filter(visible_to_subject=True).exclude(to_status="").order_by("created_at", "pk")
    context = {
        "req": req,
        "events": list(events),
        "answered": req.status in (Status.COMPLETED, Status.REJECTED),
        "closed": req.status in CLOSED_STATUSES,
    }
    response = render(request, "privacy/request_status.html", context)
    # The URL is the key: keep it out of caches and of the Referer sent to any other site.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_GET
def request_copy(request, pk):
    """The copy of the data an access or portability answer delivered: only its owner reaches it (404 otherwise)."""
    req = get_owned_or_404(request, DataSubjectRequest, pk)
    if req.kind not in COPY_KINDS:
        return redirect(reverse("privacy:my_data") + "#requests")
    job = next((j for j in delivered_copies(req) if not j.is_expired()), None)
    if job is None:
        messages.info(request, _("The copy of your data is not ready yet, or has expired: see below."))
        return redirect(reverse("privacy:my_data") + "#copy")
    return redirect("exports:download", pk=job.pk)
