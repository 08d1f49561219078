"""The DPO's erasure page for an erasure request (R23): retention's preview of what goes and what stays, the
person's email typed again, a login within 15 minutes, then the request completes like any other.

Completing calls privacy.services.requests.request_complete, which hands over to retention's engine once
(privacy.handover.hand_over_erasure); the preview is asked of the engine once per page (privacy.handover).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Invoice, Service
from accounts.security import reauthentication_response, recently_authenticated
from accounts.services import invoice_settle, service_terminate
from privacy.exceptions import RequestError
from privacy.handover import preview_erasure
from privacy.models import DataSubjectRequest
from privacy.models.requests import Kind, Status
from privacy.services.requests import request_complete

# Who may run an erasure; Support staff work tickets and do not have it.
ERASE_PERMISSION = "retention.erase_customer"

# What the erasure page offers to clear the way: action slug -> (model, service, message once done).
CLEARING = {
    "terminate": (Service, service_terminate, lambda: _("Service %(record)s terminated.")),
    "settle": (Invoice, invoice_settle, lambda: _("Invoice %(record)s recorded as paid.")),
}


def _change_permission(model):
    return f"{model._meta.app_label}.change_{model._meta.model_name}"


class EraseForm(forms.Form):
    confirm_email = forms.CharField(
        label=gettext_lazy("Type the person's email address to confirm"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 40}),
    )
    response = forms.CharField(
        label=gettext_lazy("Answer sent to the person"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        initial=gettext_lazy("Your personal data has been erased, except what the law requires us to keep (below)."),
    )

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject

    def clean_confirm_email(self):
        typed = self.cleaned_data["confirm_email"].strip().lower()
        if typed != self.subject.strip().lower():
            raise ValidationError(_("This is not the person's email address."))
        return typed


class ErasurePage:
    """The erasure page of the request admin, at <request id>/erase/ (URL name privacy_datasubjectrequest_erase).

    Mixed into DataSubjectRequestAdmin, whose `_change_url` it sends back to.
    """

    def erasure_urls(self):
        view = self.admin_site.admin_view(self.erase_view)
        clear = self.admin_site.admin_view(self.clear_view)
        return [
            path("<int:object_id>/erase/", view, name="privacy_datasubjectrequest_erase"),
            path("<int:object_id>/erase/<slug:action>/<int:pk>/", clear, name="privacy_datasubjectrequest_erase_clear"),
        ]

    def clear_view(self, request, object_id, action, pk):
        """POST: terminate an active service or settle an unpaid invoice of the person, after a recent login.

        Only the records of the request's own customer: another customer's id is a 404.
        """
        if action not in CLEARING:
            raise Http404
        model, clear, done = CLEARING[action]
        if not (request.user.has_perm(ERASE_PERMISSION) and request.user.has_perm(_change_permission(model))):
            raise PermissionDenied
        req = get_object_or_404(DataSubjectRequest, pk=object_id, kind=Kind.ERASURE, customer__isnull=False)
        if request.method != "POST" or not req.is_open:
            return HttpResponseRedirect(self._erase_url(req))
        record = get_object_or_404(model, pk=pk, customer_id=req.customer_id)
        # R69: acting on another person's contract needs a login in this session within 15 minutes.
        if (response := reauthentication_response(request)) is not None:
            return response
        clear(**{model._meta.model_name: record})
        self.message_user(request, done() % {"record": record}, messages.SUCCESS)
        return HttpResponseRedirect(self._erase_url(req))

    def _erase_url(self, req):
        return reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_erase", args=[req.pk])

    def erase_view(self, request, object_id):
        """Preview, typed confirmation and recent login, then the request completes through its normal path."""
        if not request.user.has_perm(ERASE_PERMISSION):
            raise PermissionDenied
        req = get_object_or_404(DataSubjectRequest.objects.select_related("customer"), pk=object_id, kind=Kind.ERASURE)
        now = timezone.now()
        subject = req.customer.email if req.customer_id else req.requester_email
        recent = recently_authenticated(request)
        form = EraseForm(request.POST or None, subject=subject)
        if request.method == "POST":
            # R23, R69: a login in THIS session within 15 minutes (accounts.security); the POST resumes after it.
            if (response := reauthentication_response(request)) is not None:
                return response
            if form.is_valid():
                try:
                    request_complete(req, actor=request.user, response=form.cleaned_data["response"])
                except RequestError as e:
                    form.add_error(None, str(e))
                else:
                    self.message_user(
                        request,
                        _("Request %(ref)s completed: the person is erased and has been told.")
                        % {"ref": req.reference},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._change_url(req))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase the person of request %(ref)s") % {"ref": req.reference},
            "req": req,
            "subject": subject,
            "preview": preview_erasure(request=req, at=now),
            "form": form,
            "recent": recent,
            "can_complete": req.status in (Status.IN_PROGRESS, Status.EXTENDED),
            "request_url": self._change_url(req),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/privacy/datasubjectrequest/erase.html", context)
