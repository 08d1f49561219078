"""The back-office of the order form: the catalogue, editable; the recurring-payment log, read-only evidence; the
action that records a bank transfer received for a pending order."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Offer, Order, RecurringPaymentEvent
from accounts.ordering.services import order_payment_received
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


@admin.action(description=_("Payment received: issue the paid invoice and start the service"), permissions=["change"])
def payment_received(modeladmin, request, queryset):
    done = sum(order_payment_received(order=order) for order in queryset.filter(status=Order.Status.PENDING))
    modeladmin.message_user(
        request,
        ngettext("%(n)d order marked as paid.", "%(n)d orders marked as paid.", done) % {"n": done},
        messages.SUCCESS if done else messages.WARNING,
    )
