"""The DPO's retention back-office: legal holds, the rules in force, the runs, and the erasure ledgers.

Erasure for a request is run from the request queue (privacy/admin/erasure.py).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.security import reauthentication_response
from config.admin_mixins import ReadOnlyAdmin
from privacy.registry import registry
from retention.models import ErasureTombstone, FraudMarker, HostArchive, LegalHold, RetentionRun
from retention.rules import RULES, SKIP_REASONS
from retention.services import counts_line, hold_lift
from retention.tasks import retention_nightly


def personal_data_types():
    """The record types a hold may name: the models of the personal-data registry, never permissions and the like."""
    ids = [ContentType.objects.get_for_model(entry.model).pk for entry in registry.entries()]
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ("customer", "content_type", "object_id", "reason", "reference", "ends_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "content_type" in self.fields:
            field = self.fields["content_type"]
            field.queryset = personal_data_types()
            field.label_from_instance = lambda ct: str(ct.model_class()._meta.verbose_name).capitalize()

    def clean(self):
        data = super().clean()
        customer, content_type, object_id = data.get("customer"), data.get("content_type"), data.get("object_id")
        if bool(customer) == bool(content_type or object_id):
            raise ValidationError(_("Name either a customer, or one record (its kind and id), not both."))
        if content_type and object_id is None or object_id is not None and not content_type:
            raise ValidationError(_("A record is named by its kind and its id."))
        if content_type and not content_type.model_class()._base_manager.filter(pk=object_id).exists():
            kind = content_type.model_class()._meta.verbose_name
            raise ValidationError(_("There is no %(kind)s with id %(id)s.") % {"kind": kind, "id": object_id})
        if data.get("ends_at") and data["ends_at"] <= timezone.now():
            raise ValidationError(_("The end of a hold must be in the future."))
        return data


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Holds are evidence: placed with a reason, never edited or deleted, only lifted (after a recent login)."""

    form = LegalHoldForm
    list_display = ("__str__", "customer", "record_link", "reference", "author", "created_at", "ends_at", "in_force")
    list_filter = ("content_type", "lifted_at", "created_at")
    search_fields = ("reference", "reason", "customer__email")
    list_select_related = ("customer", "author", "content_type")
    autocomplete_fields = ("customer",)
    actions = ["lift"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*LegalHoldForm.Meta.fields, "author", "created_at", "lifted_at", "lifted_by")

    def get_fields(self, request, obj=None):
        if obj is None:
            return LegalHoldForm.Meta.fields
        return self.get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("record"))
    def record_link(self, obj):
        if not obj.content_type_id:
            return "-"
        model = obj.content_type.model_class()
        label = f"{capfirst(model._meta.verbose_name)} #{obj.object_id}"
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=gettext_lazy("in force"), boolean=True)
    def in_force(self, obj):
        return obj.is_active()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Lift the selected holds"))
    def lift(self, request, queryset):
        # R69: a login in this session within 15 minutes (accounts.security); the POST resumes after it.
        if (response := reauthentication_response(request)) is not None:
            return response
        lifted = sum(hold_lift(hold=hold, actor=request.user) for hold in queryset)
        self.message_user(
            request, ngettext("%(n)d hold lifted.", "%(n)d holds lifted.", lifted) % {"n": lifted}, messages.SUCCESS
        )
        return None


# Who may start the retention job by hand: the DPO (the Management group only reads the runs).
RUN_PERMISSION = "retention.erase_customer"


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("rule_label", "as_of", "dry_run", "status", "started_at", "finished_at", "summary")
    list_filter = ("rule", "as_of", "dry_run")
    search_fields = ("rule",)
    date_hierarchy = "started_at"
    readonly_fields = ("rule", "as_of", "dry_run", "started_at", "finished_at", "summary", "counts", "error")
    change_list_template = "admin/retention/retentionrun/change_list.html"

    @admin.display(description=gettext_lazy("rule"), ordering="rule")
    def rule_label(self, obj):
        # What the rule governs, in words; its code stays beside it, as the command and the logs print it.
        rule = RULES.get(obj.rule)
        if rule is None:
            return obj.rule
        return format_html("{}<br><small><code>{}</code></small>", rule.data, obj.rule)

    @admin.display(description=gettext_lazy("counts"))
    def summary(self, obj):
        return counts_line(obj.rule, obj.counts or {}).split(": ", 1)[-1] if obj.rule in RULES else "-"

    def get_urls(self):
        view = self.admin_site.admin_view(self.rules_view)
        run = self.admin_site.admin_view(self.run_now_view)
        return [
            path("rules/", view, name="retention_rules"),
            path("run-now/", run, name="retention_run_now"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_run_now": request.user.has_perm(RUN_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def run_now_view(self, request):
        """The DPO starts the nightly job now: a dry run at once, a real run after a confirmation page.

        The job goes to the retention queue like the nightly one (retention.tasks.retention_nightly), once the
        request's transaction has committed; its runs appear in this list, dry ones marked.
        """
        if not request.user.has_perm(RUN_PERMISSION):
            raise PermissionDenied
        dry_run = request.POST.get("mode", request.GET.get("mode")) != "real"
        if request.method == "POST":
            # A real run deletes and anonymises: a login in this session within 15 minutes (R69).
            if not dry_run and (response := reauthentication_response(request)) is not None:
                return response
            # Nothing is lost if this never leaves: nothing was promised but a run, and the nightly one still runs.
            transaction.on_commit(lambda: retention_nightly.delay(dry_run=dry_run))
            self.message_user(
                request,
                _("A dry run of every rule is queued: its counts appear below, marked as dry runs, when it ends.")
                if dry_run
                else _("A run of every rule is queued: it appears below when it starts."),
                messages.SUCCESS,
            )
            return redirect(reverse(f"{self.admin_site.name}:retention_retentionrun_changelist"))
        if dry_run:
            return redirect(reverse(f"{self.admin_site.name}:retention_retentionrun_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Run every retention rule now?"),
            "opts": self.model._meta,
            "rules": list(RULES.values()),
        }
        return TemplateResponse(request, "admin/retention/run_now.html", context)

    def rules_view(self, request):
        """Every rule with the period in force, its legal limits, and its last run (read-only, R47)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        last = dict(RetentionRun.objects.values_list("rule").annotate(last=Max("started_at")))
        rows = []
        for rule in RULES.values():
            governed = sorted(
                {str(e.model._meta.verbose_name_plural) for e in registry.entries() if e.retention == rule.name}
            )
            rows.append(
                {
                    "rule": rule,
                    "exceptions": [SKIP_REASONS[code] for code in rule.exceptions],
                    "governed": governed,
                    "last_run": last.get(rule.name),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retention rules"),
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/retention/rules.html", context)


@admin.register(ErasureTombstone)
class ErasureTombstoneAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "erased_at", "replayed_at", "short_digest")
    list_filter = ("kind", "erased_at")
    search_fields = ("reference",)
    date_hierarchy = "erased_at"

    @admin.display(description=gettext_lazy("subject hash"))
    def short_digest(self, obj):
        return f"{obj.subject_digest[:16]}…"


@admin.register(FraudMarker)
class FraudMarkerAdmin(ReadOnlyAdmin):
    list_display = ("kind", "created_at", "digest")
    list_filter = ("kind",)
    search_fields = ("digest",)


@admin.register(HostArchive)
class HostArchiveAdmin(ReadOnlyAdmin):
    """The restricted archive of R62: readable by the DPO only (view permission), written only by erasure."""

    list_display = ("customer", "contract_ended_at", "created_at")
    search_fields = ("customer__email",)
    raw_id_fields = ("customer",)
