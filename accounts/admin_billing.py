"""The back-office for invoices and payments: drafts stay editable, issued invoices are frozen (changes go through
a credit note, or a re-issue when the billing data was wrong)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import Invoice, InvoiceLine, InvoiceSequence, Transaction
from accounts.staff import CustomerOwnedAdmin
from config.admin_mixins import ReadOnlyAdmin


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0

    def _editable(self, obj):
        return obj is None or not obj.is_issued

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Invoice)
class InvoiceAdmin(CustomerOwnedAdmin):
    list_display = (
        "__str__",
        "kind",
        "customer",
        "status",
        "total",
        "currency",
        "issued_at",
    )
    list_filter = ("status", "kind", "currency")
    search_fields = ("number", "customer__email", "billing_name", "billing_vat_number")
    inlines = [InvoiceLineInline]
    raw_id_fields = ("order", "credited_invoice")
    actions = ["issue", "credit", "reissue"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return [f.name for f in Invoice._meta.fields if f.name not in ("status", "paid_at")]
        return ("number", "issued_at", "total", "cancelled_at") + tuple(
            f for f in Invoice.FROZEN_FIELDS if f.startswith("billing_")
        )

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.is_issued) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Issue the selected drafts (gives them their number)"))
    def issue(self, request, queryset):
        n = 0
        for invoice in queryset.filter(number__isnull=True).order_by("pk"):
            services.invoice_issue(invoice=invoice)
            n += 1
        message = ngettext("%(n)d invoice issued.", "%(n)d invoices issued.", n) % {"n": n}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Cancel the selected invoices with a credit note"))
    def credit(self, request, queryset):
        n = 0
        for invoice in queryset.filter(number__isnull=False, kind=Invoice.Kind.INVOICE).exclude(
            status__in=[Invoice.Status.CANCELLED, Invoice.Status.REFUNDED]
        ):
            services.invoice_credit(invoice=invoice)
            n += 1
        self.message_user(
            request, ngettext("%(n)d credit note issued.", "%(n)d credit notes issued.", n) % {"n": n}, messages.SUCCESS
        )

    @admin.action(description=_("Correct the billing data: credit note, then a new invoice from the current profile"))
    def reissue(self, request, queryset):
        issued = queryset.filter(number__isnull=False, kind=Invoice.Kind.INVOICE)
        n = 0
        for invoice in issued.exclude(status__in=[Invoice.Status.CANCELLED, Invoice.Status.REFUNDED]):
            services.invoice_reissue(invoice=invoice)
            n += 1
        self.message_user(
            request, ngettext("%(n)d invoice re-issued.", "%(n)d invoices re-issued.", n) % {"n": n}, messages.SUCCESS
        )

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except ValidationError as e:
            self.message_user(request, "; ".join(e.messages), messages.ERROR)


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(ReadOnlyAdmin):
    list_display = ("year", "last_number")


@admin.register(Transaction)
class TransactionAdmin(CustomerOwnedAdmin):
    list_display = (
        "created_at",
        "customer",
        "provider",
        "provider_reference",
        "amount",
        "currency",
        "method",
        "status",
    )
    list_filter = ("provider", "method", "status", "currency")
    search_fields = ("provider_reference", "customer__email")
    raw_id_fields = ("invoice", "order")
    date_hierarchy = "created_at"
