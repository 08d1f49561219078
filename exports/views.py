"""The customer's exports: build, follow, retry, download, send on; and the links mailed to people without an
account (R64-R67, R27).

A customer's export is fetched only through `jobs_of`, scoped to the logged-in owner by the personal-data
registry, so another customer's export is a 404. Staff with `exports.download_any_export` may download any.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.ownership import client_ip, get_owned_or_404, owned
from accounts.security import reauthentication_response
from config.links import LinkInvalid, link_invalid_page
from exports.forms import TransmitForm
from exports.models import DownloadLog, ExportJob, Status, Transmission, token_digest
from exports.services import (
    ExportError,
    export_request,
    export_retry,
    transmission_confirm,
    transmission_for_token,
    transmission_request,
)
from privacy.audit_middleware import in_the_views_transaction


def jobs_of(request):
    """A customer's exports; those the DPO still prepares for an open request are hidden."""
    return owned(request, ExportJob).filter(deliver_to_subject=True)


def _get_job(request, pk):
    return get_owned_or_404(request, ExportJob, pk, queryset=jobs_of(request))


def _back():
    return redirect(reverse("privacy:my_data") + "#copy")


@login_required
@require_POST
def export_create(request):
    try:
        export_request(customer=request.user, requested_by=request.user)
    except ExportError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("Your copy is being built. You can watch it here, or leave: we will email you when it is ready."),
        )
    return _back()


@login_required
@require_GET
def export_status(request, pk):
    job = _get_job(request, pk)
    return JsonResponse({"status": job.status, "progress": job.progress, "label": job.get_status_display()})


@login_required
@require_POST
def export_retry_view(request, pk):
    job = _get_job(request, pk)
    if export_retry(job=job):
        messages.success(request, _("We are building your copy again."))
    else:
        messages.info(request, _("This copy did not fail: there is nothing to try again."))
    return _back()


@login_required
@require_POST
def export_transmit(request, pk):
    job = _get_job(request, pk)
    form = TransmitForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("recipient", []):
            messages.error(request, error)
        return _back()
    try:
        transmission = transmission_request(
            job=job, recipient_email=form.cleaned_data["recipient"], requested_by=request.user
        )
    except ExportError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("We sent you an email to confirm. Nothing goes to %(recipient)s until you click the link in it.")
            % {"recipient": transmission.recipient_email},
        )
    return _back()


def _gone(request, *, by_link=False):
    context = {"days": settings.EXPORT_RETENTION_DAYS, "by_link": by_link}
    return render(request, "exports/expired.html", context, status=410)


def _file(request, job, *, role, transmission=None):
    """The ZIP as an attachment, logged (R66); None when the file is no longer there."""
    try:
        handle = job.path.open("rb")
    except (FileNotFoundError, TypeError):
        return None
    DownloadLog.objects.create(
        job=job,
        user=request.user if request.user.is_authenticated else None,
        transmission=transmission,
        role=role,
        ip=client_ip(request),
    )
    response = FileResponse(handle, as_attachment=True, filename=job.download_name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
@in_the_views_transaction  # a staff member's download is in the audit trail, written with its download log
def export_download(request, pk):
    if request.user.has_perm("exports.download_any_export"):
        job = get_object_or_404(ExportJob, pk=pk)
    else:
        job = _get_job(request, pk)
    if job.is_expired():
        return _gone(request)
    if job.status != Status.READY:
        raise Http404
    own = job.customer_id == request.user.pk
    # Staff downloading another person's data need a login in this session within 15 minutes (R69).
    if not own and (response := reauthentication_response(request)) is not None:
        return response
    role = DownloadLog.Role.SUBJECT if own else DownloadLog.Role.STAFF
    return _file(request, job, role=role) or _gone(request)


@require_http_methods(["GET", "POST"])
def transmission_confirm_view(request, token):
    """The subject confirms, from their mailbox, that their copy goes to another provider (R27).

    GET only shows what will happen: mail scanners that open links must not send anything.
    """
    try:
        transmission = transmission_for_token(token)
    except LinkInvalid:
        return link_invalid_page(
            request,
            explanation=_(
                "It may be incomplete, or older than its time limit. Nothing was sent. If you still want your data "
                "sent to another provider, ask again from the “My Personal Data” page."
            ),
        )
    if request.method == "POST":
        try:
            transmission = transmission_confirm(token=token)
        except ExportError:
            return _gone(request, by_link=True)
        return render(request, "exports/transmission_sent.html", {"transmission": transmission})
    return render(request, "exports/transmission_confirm.html", {"transmission": transmission, "token": token})


@require_GET
def link_download(request, token):
    """The link mailed to the receiving provider, or to a subject without an account."""
    transmission = (
        Transmission.objects.select_related("job")
        .filter(token_digest=token_digest(token), sent_at__isnull=False)
        .first()
    )
    if transmission is None:
        raise Http404
    job = transmission.job
    if transmission.is_link_expired() or not job.is_downloadable():
        return _gone(request, by_link=True)
    controller = transmission.recipient_kind == Transmission.Recipient.CONTROLLER
    role = DownloadLog.Role.CONTROLLER if controller else DownloadLog.Role.SUBJECT
    return _file(request, job, role=role, transmission=transmission) or _gone(request, by_link=True)
