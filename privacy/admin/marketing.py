"""The marketing back-office: campaigns with their dry run and sending, and parental consents (R37-R40, R77)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.admin_mixins import ReadOnlyAdmin
from privacy.admin.base import QueueOnly
from privacy.marketing.audience import REASONS
from privacy.marketing.campaigns import CampaignError, campaign_dry_run, campaign_start
from privacy.models import Campaign, CampaignDelivery, EngagementEvent, ParentalConsent
from privacy.services.minors import parental_consent_record


def _exclusions_text(excluded):
    return "; ".join(f"{REASONS[r]}: {n}" for r, n in excluded.items() if r in REASONS) or "—"


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "status", "reached", "exclusions", "finished_at")
    list_filter = ("channel", "status")
    readonly_fields = ("status", "started_at", "finished_at", "reached", "exclusions")
    fields = ("name", "channel", "subject", "text", *readonly_fields)
    actions = ["dry_run", "send"]

    @admin.display(description=gettext_lazy("people excluded, by reason"))
    def exclusions(self, obj):
        return _exclusions_text(obj.excluded)

    @admin.action(description=gettext_lazy("Dry run: count who would be reached and who is left out"))
    def dry_run(self, request, queryset):
        for campaign in queryset:
            result = campaign_dry_run(campaign=campaign)
            self.message_user(
                request,
                _("%(campaign)s would reach %(n)d people. Left out: %(why)s.")
                % {"campaign": campaign, "n": result["reached"], "why": _exclusions_text(result["excluded"])},
                messages.INFO,
            )

    @admin.action(description=gettext_lazy("Send the selected campaigns now"), permissions=["change"])
    def send(self, request, queryset):
        for campaign in queryset:
            try:
                campaign_start(campaign=campaign)
            except CampaignError as e:
                self.message_user(request, str(e), messages.ERROR)
            else:
                self.message_user(request, _("%(campaign)s is being sent in the background.") % {"campaign": campaign})


@admin.register(ParentalConsent)
class ParentalConsentAdmin(admin.ModelAdmin):
    list_display = ("customer", "guardian_name", "method", "given_at", "withdrawn_at")
    raw_id_fields = ("customer",)
    exclude = ("recorded_by",)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Through the service, which also clears the minor flag so the scheduled erasure is called off.
        saved = parental_consent_record(
            customer=obj.customer,
            guardian_name=obj.guardian_name,
            guardian_email=obj.guardian_email,
            method=obj.method,
            given_at=obj.given_at,
            actor=request.user,
        )
        obj.pk = saved.pk


@admin.register(CampaignDelivery)
class CampaignDeliveryAdmin(QueueOnly, ReadOnlyAdmin):
    """Who each campaign reached, and who unsubscribed through it: evidence, read-only."""

    list_display = ("campaign", "customer", "channel", "sent_at", "unsubscribed_at", "tracked")
    list_filter = ("channel", "tracked")
    search_fields = ("customer__email", "campaign__name")
    list_select_related = ("campaign", "customer")


@admin.register(EngagementEvent)
class EngagementEventAdmin(QueueOnly, ReadOnlyAdmin):
    list_display = ("delivery", "kind", "created_at")
    list_filter = ("kind",)
    list_select_related = ("delivery__campaign", "delivery__customer")
