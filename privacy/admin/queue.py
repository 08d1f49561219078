"""The DPO queue (R15): the request list with its deadlines, the request's page, and the pages of its actions.

Nothing here changes a request directly: every step is a service of privacy.services.requests, reached through
a form of privacy.admin.forms, so deadlines, events and mails stay right. Erasure has its own page (erasure.py).
"""

import functools

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin_mixins import QuickActionCheckbox
from privacy import deadlines
from privacy.admin.base import QueueOnly, can_work_queue
from privacy.admin.erasure import ErasurePage
from privacy.admin.forms import QUEUE_ACTIONS, LogRequestForm
from privacy.admin.inlines import RecipientNotificationInline, RequestEventInline
from privacy.admin.queue_filters import DeadlineFilter, KindFilter, staff_kind
from privacy.admin.register import RegisterDownload
from privacy.admin.restrictions import restriction_banner
from privacy.exceptions import RequestError
from privacy.models import DataSubjectRequest, RecipientNotification
from privacy.models.requests import OPEN_STATUSES, Kind, Status
from privacy.services.requests import request_assign, request_file
from privacy.templatetags.privacy_tags import in_full

# The kinds of request answered with an export of the person's data (R20, R27).
EXPORT_KINDS = (Kind.ACCESS, Kind.PORTABILITY)

# Inlines other apps add for their records attached to a request (exports adds its builds in exports/admin.py).
REQUEST_INLINES = []


def _local_day(moment):
    return formats.date_format(deadlines.local_date(moment, settings.SITE_TIME_ZONE), "DATE_FORMAT")


def countdown(req, now=None):
    """'12', '0 (today)' or '-3 (overdue)' in a badge marking overdue and due-soon rows; nothing once closed (R15)."""
    now = now or timezone.now()
    left = req.days_left(now)
    if left is None:
        return ""
    if req.is_overdue(now):
        return format_html(
            '<span class="queue-badge queue-overdue">{}</span>', _("%(days)d (overdue)") % {"days": left}
        )
    text = _("%(days)d (today)") % {"days": left} if left == 0 else str(left)
    if req.is_due_soon(now):
        return format_html('<span class="queue-badge queue-soon">{}</span>', text)
    return format_html('<span class="queue-days">{}</span>', text)


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", _("Assigned to me")), ("nobody", _("Not assigned")))

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(QueueOnly, QuickActionCheckbox, ErasurePage, RegisterDownload, admin.ModelAdmin):
    """The DPO queue (R15): open requests first, the nearest deadline on top; actions go through the services."""

    # The deadline, the status and who has it come right after the reference: they are what a DPO scans for, and
    # they stay on screen at 1280 pixels beside the filters, however long the names (issue 14).
    list_display = (
        "reference",
        "due",
        "days_left",
        "status_and_flags",
        "assigned_to",
        "kind_label",
        "requester",
        "channel",
        "received",
    )
    list_display_links = ("reference",)
    list_filter = (DeadlineFilter, "status", KindFilter, "channel", AssigneeFilter, "possibly_repetitive")
    search_fields = ("reference", "requester_email", "requester_name")
    list_select_related = ("customer", "assignee")
    # Each row is eleven rendered cells: 100 per page made the queue ~20x a bare page under load (bench/web.py);
    # the most urgent requests come first, so a page of 25 shows the day's work.
    list_per_page = 25
    # The filtered count is shown; the count of every request ever received, beside it, was a second pass over the
    # table on each view (bench/web.py) for a figure the DPO does not work from.
    show_full_result_count = False
    # Open requests first, the nearest deadline (extended or not) on top. Expressions, not the with_deadline()
    # annotation, because the admin also orders plain querysets with this (foreign-key choices elsewhere).
    ordering = (
        Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()).asc(),
        Coalesce("extended_until", "due_at").asc(),
        "pk",
    )
    actions = ["assign_to_me"]
    inlines = [RecipientNotificationInline, RequestEventInline]
    fieldsets = (
        (None, {"fields": ("reference", "kind_label", "status", "channel", "repetitive_note")}),
        (
            _("Requester"),
            {"fields": ("requester_name", "requester_email", "customer", "is_guardian", "details")},
        ),
        (
            _("Deadline"),
            {
                "fields": (
                    "received_at",
                    "due_in_full",
                    "extended_in_full",
                    "extension_reason",
                    "days_left",
                    "legal_latest_in_full",
                    "extension_ceiling_in_full",
                )
            },
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "assignee",
                    "identity_verified_at",
                    "created_at",
                    "closed_at",
                    "response",
                    "rejection_code",
                )
            },
        ),
    )
    # What some kinds carry, shown only for those kinds.
    KIND_FIELDS = {
        Kind.RECTIFICATION: ("rectification",),
        Kind.RESTRICTION: ("restriction_ground",),
        Kind.OBJECTION: ("objection_scope", "objection_upheld"),
        Kind.AUTOMATED_DECISION_REVIEW: ("order", "decision_overturned"),
        Kind.POST_MORTEM: ("directive", "trusted_person"),
    }

    class Media:
        css = {"all": ("css/admin-queue.css", "css/admin-notices.css")}

    def get_inlines(self, request, obj):
        return [*self.inlines, *REQUEST_INLINES]

    def has_work_queue_permission(self, request):
        return can_work_queue(request)

    def get_queryset(self, request):
        return super().get_queryset(request).with_deadline()

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return staff_kind(obj)

    @admin.display(description=_("requester"), ordering="requester_name")
    def requester(self, obj):
        return format_html('{}<br><span class="queue-muted">{}</span>', obj.requester_name, obj.requester_email)

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj):
        local = timezone.localtime(obj.received_at)
        return format_html(
            '{}<br><span class="queue-muted">{}</span>',
            formats.date_format(local, "DATE_FORMAT"),
            formats.time_format(local, "TIME_FORMAT"),
        )

    @admin.display(description=_("due"), ordering="deadline_at")
    def due(self, obj):
        if obj.extended_until:
            return format_html(
                '{}<br><span class="queue-muted">{}</span>', _local_day(obj.extended_until), _("(extended)")
            )
        return _local_day(obj.due_at)

    @admin.display(description=_("days left"), ordering="deadline_at")
    def days_left(self, obj):
        return countdown(obj)

    @admin.display(description=_("status"), ordering="status")
    def status_and_flags(self, obj):
        # The enum's label, not get_status_display(): that builds a dictionary of every choice on each call.
        return format_html("{}<br>{}", Status(obj.status).label, self.flags(obj))

    @admin.display(description=_("assignee"), ordering="assignee__first_name")
    def assigned_to(self, obj):
        return (obj.assignee.get_full_name() or obj.assignee.email) if obj.assignee else ""

    @admin.display(description=_("flags"))
    def flags(self, obj):
        if obj.possibly_repetitive:
            return format_html(
                '<span class="queue-badge queue-flag" title="{}">{}</span>',
                _("Same kind from the same person within %(days)d days: never a reason to refuse on its own.")
                % {"days": settings.DSR_REPETITIVE_DAYS},
                _("possibly repetitive"),
            )
        return ""

    @admin.display(description=_("possibly repetitive"))
    def repetitive_note(self, obj):
        if not obj.possibly_repetitive:
            return _("No")
        return format_html(
            '<span class="queue-badge queue-flag">{}</span> {}',
            _("possibly repetitive"),
            _(
                "A request of the same kind from the same person within %(days)d days. "
                "Never a reason to refuse on its own (Art. 12(5)): it must be shown to be excessive."
            )
            % {"days": settings.DSR_REPETITIVE_DAYS},
        )

    @admin.action(description=_("Assign the selected open requests to me"), permissions=["work_queue"])
    def assign_to_me(self, request, queryset):
        n = 0
        for req in queryset.open():
            request_assign(req, actor=request.user, assignee=request.user)
            n += 1
        self.message_user(
            request, ngettext("%(n)d request assigned to you.", "%(n)d requests assigned to you.", n) % {"n": n}
        )

    # The change page: everything is read-only, the services own the fields.

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(self.fieldsets)
        specific = self.KIND_FIELDS.get(obj.kind) if obj else None
        if specific:
            fieldsets.append((_("What this kind needs"), {"fields": specific}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [name for _name, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    @admin.display(description=_("first due date"))
    def due_in_full(self, obj):
        return in_full(obj.due_at)

    @admin.display(description=_("extended until"))
    def extended_in_full(self, obj):
        return in_full(obj.extended_until) if obj.extended_until else _("not extended")

    @admin.display(description=_("legal latest (information only)"))
    def legal_latest_in_full(self, obj):
        return _("%(date)s: the legal month moved past weekends and public holidays; the due date above applies.") % {
            "date": formats.date_format(obj.legal_latest, "DATE_FORMAT")
        }

    @admin.display(description=_("latest possible extension"))
    def extension_ceiling_in_full(self, obj):
        return formats.date_format(obj.extension_ceiling, "DATE_FORMAT")

    def save_model(self, request, obj, form, change):
        # The request's own fields are all read-only: only the Art. 19 inline is saved from this page.
        if not change:
            raise PermissionDenied

    def save_formset(self, request, form, formset, change):
        if formset.model is not RecipientNotification:
            # The events inline is view-only: its forms never count as changed, so this saves nothing.
            return super().save_formset(request, form, formset, change)
        for row in formset.save(commit=False):
            row.done_by = request.user
            row.save()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            now = timezone.now()
            notifications = [
                f for f in context.get("inline_admin_formsets", []) if f.opts.model is RecipientNotification
            ]
            has_rows = any(f.formset.initial_form_count() for f in notifications)
            context.update(
                {
                    "queue_actions": [
                        *(
                            {"label": form_class.title, "url": self._action_url(obj, slug)}
                            for slug, form_class in QUEUE_ACTIONS.items()
                            if can_work_queue(request) and form_class.applies(obj, now)
                        ),
                        *self._handover_actions(request, obj),
                    ],
                    "restriction_banner": restriction_banner(obj.customer, now),
                    "show_save_and_add_another": False,
                    "show_save": has_rows,
                    "show_save_and_continue": has_rows,
                    "show_delete": False,
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _handover_actions(self, request, obj):
        """Buttons to the pages that carry a request out: this queue's erasure page, and exports' build page."""
        actions = []
        if obj.kind == Kind.ERASURE and obj.status in (Status.IN_PROGRESS, Status.EXTENDED) and can_work_queue(request):
            actions.append(
                {
                    "label": _("Preview and run the erasure"),
                    "url": self._erase_url(obj),
                }
            )
        if obj.is_open and obj.kind in EXPORT_KINDS and request.user.has_perm("exports.add_exportjob"):
            url = reverse("admin:exports_exportjob_build_for_request", args=[obj.pk])
            actions.append({"label": _("Build the export"), "url": url})
        return actions

    # The add page: a request logged by staff goes through request_file, never a plain save.

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        # Staff type the local time of receipt: read and show it in the site's zone.
        with timezone.override(settings.SITE_TIME_ZONE):
            form = LogRequestForm(request.POST if request.method == "POST" else None, admin_site=self.admin_site)
            if form.is_bound and form.is_valid():
                try:
                    req = request_file(actor=request.user, **form.service_kwargs())
                except RequestError as e:
                    form.add_error(None, str(e))
                else:
                    self.log_addition(request, req, [{"added": {}}])
                    self.message_user(
                        request,
                        _("Request %(ref)s logged; it is due on %(due)s. The acknowledgement was sent.")
                        % {"ref": req.reference, "due": in_full(req.due_at)},
                        messages.SUCCESS,
                    )
                    return redirect(self._change_url(req))
            return self._render_queue_form(
                request,
                form,
                req=None,
                title=_("Log a request received by email, post, ticket or phone"),
                submit_label=_("Log the request and send the acknowledgement"),
            )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        actions = [
            path(
                f"<path:object_id>/{slug}/",
                self.admin_site.admin_view(functools.partial(self.queue_action_view, action=slug)),
                name="{}_{}_{}".format(*info, slug.replace("-", "_")),
            )
            for slug in QUEUE_ACTIONS
        ]
        return actions + self.erasure_urls() + self.register_urls() + super().get_urls()

    def _change_url(self, req):
        return reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_change", args=[req.pk])

    def _action_url(self, req, slug):
        return reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_{slug.replace('-', '_')}", args=[req.pk])

    def queue_action_view(self, request, object_id, action):
        if not can_work_queue(request):
            raise PermissionDenied
        req = self.get_object(request, unquote(object_id))
        if req is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form_class = QUEUE_ACTIONS[action]
        if action == "complete" and req.kind == Kind.ERASURE:
            return redirect(self._erase_url(req))
        if not form_class.applies(req, timezone.now()):
            # The page of a step that no longer applies (an extension already made, a closed request) is refused
            # when it is opened, not only when it is submitted.
            self.message_user(
                request,
                _("“%(action)s” does not apply to request %(ref)s as it stands (%(status)s).")
                % {"action": form_class.title, "ref": req.reference, "status": req.get_status_display()},
                messages.WARNING,
            )
            return redirect(self._change_url(req))
        form = form_class(request.POST if request.method == "POST" else None, req=req, admin_site=self.admin_site)
        if form.is_bound and form.is_valid():
            try:
                notes = form.act(actor=request.user)
            except RequestError as e:
                form.add_error(None, str(e))
            else:
                for level, text in notes:
                    self.message_user(request, text, level)
                return redirect(self._change_url(req))
        return self._render_queue_form(
            request,
            form,
            req=req,
            title=form.title,
            submit_label=form.submit_label,
            warnings=form.warnings(timezone.now()),
        )

    def _render_queue_form(self, request, form, *, req, title, submit_label, warnings=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "subtitle": str(req) if req else None,
            "form": form,
            "req": req,
            "submit_label": submit_label,
            "warnings": warnings,
            "media": self.media + form.media,
            "cancel_url": self._change_url(req)
            if req
            else reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_changelist"),
        }
        if req is not None:
            context.update({"summary": self._summary(req), "restriction_banner": restriction_banner(req.customer)})
        return TemplateResponse(request, "admin/privacy/datasubjectrequest/action_form.html", context)

    def _summary(self, req):
        return [
            (_("Reference"), req.reference),
            (_("Kind"), staff_kind(req)),
            (_("Requester"), self.requester(req)),
            (_("Status"), req.get_status_display()),
            (_("Received at"), formats.date_format(timezone.localtime(req.received_at), "DATETIME_FORMAT")),
            (_("Due"), in_full(req.deadline) + (" " + str(_("(extended)")) if req.extended_until else "")),
            (_("Days left"), countdown(req)),
        ] + ([(_("Flags"), self.flags(req))] if req.possibly_repetitive else [])
