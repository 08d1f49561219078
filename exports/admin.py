"""The DPO's side of exports: the list of builds, building one for a request from the queue, sending one on.

Records are evidence: nobody edits or deletes them here. Actions go through exports.services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.security import reauthentication_response
from accounts.staff import HideArchivedMixin
from config.admin_mixins import ReadOnlyInline
from exports.models import DownloadLog, ExportJob, Status, Transmission
from exports.services import ExportError, export_for_request, export_retry, transmission_request
from privacy.admin.queue import EXPORT_KINDS, REQUEST_INLINES
from privacy.models import DataSubjectRequest


def _download_cell(job):
    if job.is_downloadable():
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("exports:download", args=[job.pk]),
            _("Download the ZIP (logged)"),
            _("until %(date)s") % {"date": formats.date_format(timezone.localtime(job.expires_at), "DATE_FORMAT")},
        )
    if job.is_expired():
        return _("Deleted when it expired; the record stays.")
    return "—"


class DownloadInline(ReadOnlyInline):
    model = DownloadLog
    fields = ("downloaded_at", "role", "user", "ip", "transmission")
    readonly_fields = fields


class TransmissionInline(ReadOnlyInline):
    model = Transmission
    fields = (
        "created_at",
        "recipient_kind",
        "recipient_email",
        "requested_by",
        "confirmed_at",
        "sent_at",
        "expires_at",
    )
    readonly_fields = fields


class RequestExportsInline(ReadOnlyInline):
    """The exports attached to a request, shown on the request's admin page (added to privacy's REQUEST_INLINES)."""

    model = ExportJob
    fk_name = "request"
    fields = ("job", "status", "progress", "created_at", "ready_at", "announced_at", "file")
    readonly_fields = fields
    verbose_name_plural = _("exports attached to this request")

    @admin.display(description=_("export"))
    def job(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:exports_exportjob_change", args=[obj.pk]), obj.pk)

    @admin.display(description=_("file"))
    def file(self, obj):
        return _download_cell(obj)


REQUEST_INLINES.append(RequestExportsInline)


class TransmitForm(forms.Form):
    recipient = forms.EmailField(label=_("Receiving controller's email address"))


@admin.register(ExportJob)
class ExportJobAdmin(HideArchivedMixin, admin.ModelAdmin):
    list_display = ("pk", "subject", "request", "status", "progress", "created_at", "ready_at", "size", "downloads")
    list_filter = ("status", "deliver_to_subject")
    search_fields = ("customer__email", "subject_email", "request__reference")
    list_select_related = ("customer", "request")
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    inlines = [DownloadInline, TransmissionInline]
    change_form_template = "exports/admin/exportjob_change_form.html"
    readonly_fields = (
        "subject",
        "request",
        "requested_by",
        "language",
        "status",
        "progress",
        "download",
        "size",
        "row_count",
        "attempts",
        "error",
        "deliver_to_subject",
        "created_at",
        "dispatched_at",
        "started_at",
        "ready_at",
        "announced_at",
        "failed_at",
        "expired_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        # Exports are built for a request (the queue's button) or by the customer, never from a blank form.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(download_count=Count("downloads"))

    @admin.display(description=_("subject"))
    def subject(self, obj):
        return obj.subject_address

    @admin.display(description=_("size"), ordering="file_size")
    def size(self, obj):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(obj.file_size) if obj.file_size else "—"

    @admin.display(description=_("downloads"), ordering="download_count")
    def downloads(self, obj):
        return obj.download_count

    @admin.display(description=_("file"))
    def download(self, obj):
        return _download_cell(obj)

    @admin.action(description=_("Build the selected failed exports again"), permissions=["add"])
    def retry_failed(self, request, queryset):
        n = sum(export_retry(job=job) for job in queryset.filter(status=Status.FAILED))
        self.message_user(request, ngettext("%(n)d export queued again.", "%(n)d exports queued again.", n) % {"n": n})

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "build-for-request/<int:request_pk>/",
                self.admin_site.admin_view(self.build_for_request_view),
                name="{}_{}_build_for_request".format(*info),
            ),
            path(
                "<int:pk>/transmit/",
                self.admin_site.admin_view(self.transmit_view),
                name="{}_{}_transmit".format(*info),
            ),
            *super().get_urls(),
        ]

    def _request_page(self, req):
        try:
            return reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_change", args=[req.pk])
        except NoReverseMatch:
            return reverse(f"{self.admin_site.name}:exports_exportjob_changelist") + f"?request__id__exact={req.pk}"

    def build_for_request_view(self, request, request_pk):
        """GET: what would be built and what already was; POST: queue the build, attached to the request."""
        if not request.user.has_perm("exports.add_exportjob"):
            raise PermissionDenied
        req = get_object_or_404(DataSubjectRequest.objects.select_related("customer"), pk=request_pk)
        if req.kind not in EXPORT_KINDS:
            # Only access and portability are answered with an export; the page is refused for the others.
            messages.warning(
                request,
                _("Request %(ref)s (%(kind)s) is not answered with an export.")
                % {"ref": req.reference, "kind": req.get_kind_display()},
            )
            return redirect(self._request_page(req))
        if request.method == "POST":
            # Building another person's export needs a login in this session within 15 minutes (R69).
            if (response := reauthentication_response(request)) is not None:
                return response
            try:
                job = export_for_request(request=req, actor=request.user)
            except ExportError as e:
                messages.error(request, str(e))
            else:
                messages.success(
                    request,
                    _("Export %(pk)s for %(who)s is queued; it is attached to request %(ref)s.")
                    % {"pk": job.pk, "who": job.subject_address, "ref": req.reference},
                )
            return redirect(self._request_page(req))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Build the export for request %(ref)s") % {"ref": req.reference},
            "req": req,
            "subject": req.customer.email if req.customer_id else req.requester_email,
            "has_account": req.customer_id is not None,
            "jobs": req.exports.order_by("-created_at")[:10],
            "back": self._request_page(req),
        }
        return TemplateResponse(request, "exports/admin/build_for_request.html", context)

    def transmit_view(self, request, pk):
        """Send a ready export to the controller a subject named (R27); the subject confirms first, by email."""
        if not request.user.has_perm("exports.add_transmission"):
            raise PermissionDenied
        job = get_object_or_404(ExportJob.objects.select_related("customer", "request"), pk=pk)
        form = TransmitForm(request.POST or None)
        # Sending another person's data on needs a login in this session within 15 minutes (R69).
        if request.method == "POST" and (response := reauthentication_response(request)) is not None:
            return response
        if request.method == "POST" and form.is_valid():
            try:
                transmission_request(job=job, recipient_email=form.cleaned_data["recipient"], requested_by=request.user)
            except ExportError as e:
                messages.error(request, str(e))
            else:
                messages.success(
                    request,
                    _("%(subject)s was asked by email to confirm; the link goes to %(to)s once they do.")
                    % {"subject": job.subject_address, "to": form.cleaned_data["recipient"]},
                )
                return redirect(reverse(f"{self.admin_site.name}:exports_exportjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Send export %(pk)s to another controller") % {"pk": job.pk},
            "job": job,
            "form": form,
        }
        return TemplateResponse(request, "exports/admin/transmit.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.is_downloadable() and request.user.has_perm("exports.add_transmission"):
            context["transmit_url"] = reverse(f"{self.admin_site.name}:exports_exportjob_transmit", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(DownloadLog)
class DownloadLogAdmin(HideArchivedMixin, admin.ModelAdmin):
    archived_customer = "job__customer"
    list_display = ("downloaded_at", "job", "role", "user", "ip")
    list_filter = ("role",)
    search_fields = ("job__customer__email", "job__subject_email", "user__email")
    list_select_related = ("job", "job__customer", "user")
    date_hierarchy = "downloaded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transmission)
class TransmissionAdmin(DownloadLogAdmin):
    list_display = ("created_at", "job", "recipient_kind", "recipient_email", "confirmed_at", "sent_at", "expires_at")
    list_filter = ("recipient_kind",)
    search_fields = ("recipient_email", "job__customer__email", "job__subject_email")
    list_select_related = ("job", "job__customer")
    date_hierarchy = "created_at"
