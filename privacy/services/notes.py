"""The DPO's own traces on a request: internal notes, and the mails that tell staff of a new request or of an
assignment (DSR_NOTIFY_NEW, DSR_NOTIFY_ASSIGNMENT).

A note is a request event that is never shown to the person: not on "My Personal Data", not on the status link,
not in the export (the registry exports events without their note), not in any mail to the person.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.languages import subject_language
from config.mail import mail_send
from privacy.exceptions import RequestError
from privacy.models import DataSubjectRequest, RequestEvent


def _admin_link(req):
    return settings.EXPORT_SITE_URL + reverse("admin:privacy_datasubjectrequest_change", args=[req.pk])


@transaction.atomic
def request_note_add(req, *, actor, text, now=None):
    """Add a staff-only note to a request, open or closed; it changes nothing else."""
    text = (text or "").strip()
    if not text:
        raise RequestError(_("Write the note."))
    req = DataSubjectRequest.objects.get(pk=req.pk)
    return RequestEvent.objects.create(
        request=req,
        actor=actor,
        actor_role=RequestEvent.Role.STAFF,
        note=text,
        visible_to_subject=False,
        created_at=now or timezone.now(),
    )


def staff_notify_new(req):
    """Mail the DPO that a request entered the queue; called inside request_file's transaction."""
    if not settings.DSR_NOTIFY_NEW:
        return 0
    mail_send(
        to=settings.DPO_EMAIL,
        template="dsr_new_request",
        context={"req": req, "link": _admin_link(req), "site_time_zone": settings.SITE_TIME_ZONE},
        language=settings.LANGUAGE_CODE,
    )
    return 1


def staff_notify_assignment(req, *, actor, assignee):
    """Mail the staff member a request was assigned to, unless they took it themselves."""
    if not settings.DSR_NOTIFY_ASSIGNMENT or not assignee.email or (actor is not None and actor.pk == assignee.pk):
        return 0
    by = (actor.get_full_name() or actor.email) if actor is not None else ""
    mail_send(
        to=assignee.email,
        template="dsr_assigned",
        context={
            "req": req,
            "by": by,
            "name": assignee.get_full_name(),
            "link": _admin_link(req),
            "site_time_zone": settings.SITE_TIME_ZONE,
        },
        language=subject_language(assignee) if hasattr(assignee, "preferred_language") else settings.LANGUAGE_CODE,
    )
    return 1
