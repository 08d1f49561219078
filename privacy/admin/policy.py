"""The DPO's policy back-office: versions with their texts and the publish guard, the processors, who has not
accepted a version, and the record of processing as a page and a CSV (R42-R46)."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy.models import PolicyText, PolicyVersion, Processor
from privacy.policy_page import RECORD_COLUMNS, processing_record
from privacy.services.policy import PolicyError, policy_not_accepted, policy_problems, policy_publish
from privacy.templatetags.privacy_tags import in_full


class PolicyTextInline(admin.StackedInline):
    model = PolicyText
    extra = 0

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_published)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "published", "substantial", "needs_approval", "languages")
    inlines = [PolicyTextInline]
    actions = ["publish"]
    readonly_fields = ("published_at", "problems", "not_accepted_link")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.is_published:
            return (*self.readonly_fields, "number", "substantial", "needs_approval", "summary")
        return self.readonly_fields

    @admin.display(description=gettext_lazy("published"))
    def published(self, obj):
        return in_full(obj.published_at) if obj.published_at else _("Draft")

    @admin.display(description=gettext_lazy("languages"))
    def languages(self, obj):
        return ", ".join(sorted(t.language for t in obj.texts.all()))

    @admin.display(description=gettext_lazy("what stops publishing"))
    def problems(self, obj):
        if not obj.pk or obj.is_published:
            return "—"
        found = policy_problems(obj)
        return "; ".join(found) if found else _("Nothing: this version can be published.")

    @admin.display(description=gettext_lazy("customers who have not accepted"))
    def not_accepted_link(self, obj):
        if not obj.pk or not obj.is_published or not obj.needs_approval:
            return "—"
        url = reverse("admin:privacy_policyversion_not_accepted", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, policy_not_accepted(obj).count())

    @admin.action(description=gettext_lazy("Publish the selected version now"), permissions=["change"])
    def publish(self, request, queryset):
        for version in queryset:
            try:
                policy_publish(version=version)
            except PolicyError as e:
                self.message_user(request, f"{version.number}: {e}", messages.ERROR)
            else:
                self.message_user(request, _("Version %(n)s is published.") % {"n": version.number}, messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view(self.not_accepted_view)
        return [path("<int:pk>/not-accepted/", view, name="privacy_policyversion_not_accepted"), *super().get_urls()]

    def not_accepted_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(PolicyVersion, pk=pk)
        customers = policy_not_accepted(version).only("pk", "email")[:500]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Customers who have not accepted version %(n)s") % {"n": version.number},
            "customers": customers,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/privacy/policy_not_accepted.html", context)


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    list_display = ("provider", "role", "location", "transfer_tool", "active")
    list_filter = ("transfer_tool", "active")

    def get_urls(self):
        view = self.admin_site.admin_view(self.record_view)
        return [path("record/", view, name="privacy_processing_record"), *super().get_urls()]

    def record_view(self, request):
        """The Art. 30 record of processing, generated from the registry and the processors (R45)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = processing_record()
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="record-of-processing.csv"'
            response.write("\ufeff")
            writer = csv.writer(response)
            writer.writerow([str(c) for c in RECORD_COLUMNS])
            writer.writerows(rows)
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record of processing activities"),
            "columns": RECORD_COLUMNS,
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/privacy/processing_record.html", context)
