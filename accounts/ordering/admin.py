"""The back-office of the order form: the catalogue, editable; the recurring-payment log, read-only evidence."""

from django.contrib import admin

from accounts.models import Offer, RecurringPaymentEvent
from accounts.staff import HideArchivedMixin
from config.admin_mixins import ReadOnlyAdmin


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "price", "currency", "period", "creates_service", "invoiced", "is_active")
    list_editable = ("is_active",)
    list_filter = ("period", "is_active")
    search_fields = ("name", "code")


@admin.register(RecurringPaymentEvent)
class RecurringPaymentEventAdmin(HideArchivedMixin, ReadOnlyAdmin):
    list_display = ("created_at", "customer", "action", "service_name", "ip")
    list_filter = ("action",)
    search_fields = ("customer__email", "service_name")
    list_select_related = ("customer",)
    date_hierarchy = "created_at"
