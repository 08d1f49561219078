"""The back-office for customers and what they own. Logs are read-only for everyone."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import admin_billing, admin_support, allauth_admin, services  # noqa: F401 (allauth, invoices, ticket files)
from accounts.admin_changes import ChangeLoggedAdmin
from accounts.models import (
    AffiliateCommission,
    ChangeLog,
    ConnectionLog,
    Domain,
    Order,
    Prospect,
    Service,
    SupportTicket,
    TicketMessage,
    User,
)
from accounts.ordering import admin as ordering_admin  # noqa: F401 (the catalogue and the recurring-payment log)
from accounts.personal_data_panel import panel_html
from accounts.security import reauthentication_response
from accounts.staff import (
    CustomerOwnedAdmin,
    HideArchivedMixin,
    changes_privileges,
    may_edit_account,
    privilege_readonly,
)
from config.admin_mixins import ReadOnlyAdmin
from config.widgets import QuickSelect
from privacy.personal_data import personal_data_for
from privacy.registry import registry


def _view_permission(model):
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


# Rows per kind of record in the customer page's personal-data panel, newest first; each kind says how many it holds.
PANEL_ROWS = 10
STAFF_ACCESS_HELP = _("Groups and permissions are offered once the account is staff: tick “Staff status” and save.")


def _holds_privileges(user):
    """Staff, superuser, or (left over from before) in a group or holding a permission of their own."""
    return user.is_staff or user.is_superuser or user.groups.exists() or user.user_permissions.exists()


# Fields a change in the admin records in the change log: the customer's personal data, and the record of a death.
LOGGED_FIELDS = (
    *(f for f in registry.entry(User).fields if f not in ("date_joined", "last_login")),
    "deceased_at",
    "deceased_evidence",
)


@admin.register(User)
class CustomerAdmin(HideArchivedMixin, UserAdmin):
    archived_customer = ""
    # Notices other apps put at the top of a customer's page: callables (customer) -> HTML, "" for none.
    # Privacy adds the restriction banner (R24) in privacy/admin/restrictions.py.
    notices = []
    ordering = ("-date_joined",)
    actions = ["flag_minor"]

    class Media:
        css = {"all": ("css/admin-notices.css",)}

    list_display = (
        "email",
        "first_name",
        "last_name",
        "state",
        "country",
        "date_joined",
        "last_activity_at",
    )
    list_filter = (
        "state",
        "is_professional",
        "preferred_language",
        "is_staff",
        "groups",
        "country",
    )
    search_fields = (
        "email",
        "first_name",
        "last_name",
        "phone",
        "company",
        "vat_number",
    )

    @admin.action(description=_("Flag as a minor without parental consent"), permissions=["change"])
    def flag_minor(self, request, queryset):
        flagged = sum(services.customer_flag_minor(customer=c, actor=request.user) for c in queryset)
        self.message_user(
            request,
            ngettext(
                "%(n)d account flagged: its consent-based processing stopped, and it will be erased unless parental"
                " consent is recorded.",
                "%(n)d accounts flagged: their consent-based processing stopped, and they will be erased unless"
                " parental consent is recorded.",
                flagged,
            )
            % {"n": flagged},
        )

    readonly_fields = (
        "state_changed_at",
        "archived_at",
        "terminated_at",
        "erased_at",
        "last_login",
        "last_activity_at",
        "date_joined",
        "email_verified_at",
        "personal_data",
    )
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Identity and contact"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "phone",
                    "address",
                    "postal_code",
                    "city",
                    "country",
                    "preferred_language",
                )
            },
        ),
        (
            _("Business"),
            {
                "fields": (
                    "is_professional",
                    "company",
                    "vat_number",
                    "referred_by_code",
                    "affiliate_code",
                )
            },
        ),
        (
            _("Life cycle"),
            {
                "fields": (
                    "state",
                    "state_changed_at",
                    "archived_at",
                    "terminated_at",
                    "erased_at",
                    "last_activity_at",
                    "last_login",
                    "date_joined",
                    "email_verified_at",
                    "deceased_at",
                    "deceased_evidence",
                )
            },
        ),
        (
            _("Staff access"),
            {
                "classes": ("collapse",),
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Personal data held (from the registry)"), {"fields": ("personal_data",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("Personal data held"))
    def personal_data(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return panel_html(*self.panel_contents(obj))

    def panel_contents(self, obj):
        """The panel's categories (category, kinds holding rows, labels of those holding none) and audit link."""
        # R70: the panel shows only the record types the viewer may view (Support never sees payment references).
        viewer = getattr(obj, "_panel_viewer", None)
        categories = []
        for category, sections in personal_data_for(obj, limit=PANEL_ROWS):
            if viewer is not None and not (viewer.is_superuser or viewer.has_perm("privacy.work_queue")):
                sections = [s for s in sections if viewer.has_perm(_view_permission(s.entry.model))]
            if sections:
                # Kinds of record with nothing held are named on one line, not drawn as an empty table each.
                held = [s for s in sections if s.total]
                empty = [capfirst(str(s.entry.label)) for s in sections if not s.total]
                categories.append((category, held, empty))
        audit_url = ""
        if viewer is not None and viewer.has_perm("privacy.view_auditentry"):
            audit_url = f"{reverse('admin:privacy_auditentry_changelist')}?customer__id__exact={obj.pk}"
        return categories, audit_url

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "country" and field is not None:
            field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.choices)
        return field

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or _holds_privileges(obj):
            return fieldsets
        # A customer's page leaves out the group and permission pickers: rendering every permission of the site
        # as an option was most of the page's time (bench/web.py). A superuser makes the account staff first;
        # its page then offers them.
        trimmed = []
        for name, options in fieldsets:
            if "groups" in options.get("fields", ()):
                fields = tuple(f for f in options["fields"] if f not in ("groups", "user_permissions"))
                options = {**options, "fields": fields, "description": STAFF_ACCESS_HELP}
            trimmed.append((name, options))
        return tuple(trimmed)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._panel_viewer = request.user
        return obj

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser grants staff status, superuser status, groups or permissions (finding 5).
        return privilege_readonly(request, super().get_readonly_fields(request, obj))

    def has_change_permission(self, request, obj=None):
        return may_edit_account(request, obj) and super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Changing a staff member (their groups above all) needs a login in this session within 15 minutes (R69).
        target = self.get_object(request, object_id) if object_id else None
        if changes_privileges(request, target) and (response := reauthentication_response(request)) is not None:
            return response
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["notices"] = [html for notice in self.notices if (html := notice(obj))]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change:
            stored = User.objects.get(pk=obj.pk)
            personal = {f: getattr(obj, f) for f in form.changed_data if f in LOGGED_FIELDS}
            services.customer_update(
                customer=stored,
                changes=personal,
                actor=request.user,
                channel=ChangeLog.Channel.ADMIN,
            )
        super().save_model(request, obj, form, change)


@admin.register(ChangeLog)
class ChangeLogAdmin(HideArchivedMixin, ReadOnlyAdmin):
    list_display = ("created_at", "customer", "field", "actor_role", "channel")
    list_filter = ("channel", "actor_role")
    search_fields = ("customer__email", "field")
    list_select_related = ("customer",)
    date_hierarchy = "created_at"


@admin.register(ConnectionLog)
class ConnectionLogAdmin(HideArchivedMixin, ReadOnlyAdmin):
    list_display = ("created_at", "customer", "ip", "success")
    list_filter = ("success",)
    search_fields = ("customer__email", "ip")
    list_select_related = ("customer",)
    date_hierarchy = "created_at"


@admin.register(Prospect)
class ProspectAdmin(admin.ModelAdmin):
    list_display = ("email", "first_name", "last_name", "source", "last_contact_at")
    list_filter = ("source",)
    search_fields = ("email", "first_name", "last_name")


@admin.register(Order)
class OrderAdmin(ChangeLoggedAdmin, CustomerOwnedAdmin):
    list_display = (
        "reference",
        "customer",
        "product",
        "amount",
        "currency",
        "status",
        "created_at",
    )
    list_filter = ("status", "currency")
    search_fields = ("reference", "customer__email", "target_url")
    actions = (ordering_admin.payment_received,)
    date_hierarchy = "created_at"


@admin.register(Service)
class ServiceAdmin(CustomerOwnedAdmin):
    list_display = ("name", "customer", "status", "started_at", "ended_at")
    list_filter = ("status",)
    search_fields = ("name", "customer__email")
    raw_id_fields = ("order",)


@admin.register(Domain)
class DomainAdmin(CustomerOwnedAdmin):
    list_display = ("name", "customer", "status", "expires_at", "auto_renew")
    list_filter = ("status", "auto_renew")
    search_fields = ("name", "customer__email")
    raw_id_fields = ("service",)


class TicketMessageInline(admin.StackedInline):
    model = TicketMessage
    extra = 0
    raw_id_fields = ("author",)


@admin.register(SupportTicket)
class SupportTicketAdmin(ChangeLoggedAdmin, CustomerOwnedAdmin):
    list_display = ("subject", "customer", "status", "created_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("subject", "customer__email")
    inlines = [TicketMessageInline]
    date_hierarchy = "created_at"


@admin.register(AffiliateCommission)
class AffiliateCommissionAdmin(HideArchivedMixin, admin.ModelAdmin):
    archived_customer = "affiliate"
    list_display = ("order", "affiliate", "amount", "currency", "status", "created_at")
    list_filter = ("status",)
    search_fields = (
        "order__reference",
        "affiliate__email",
        "affiliate__affiliate_code",
    )
    list_select_related = ("order", "affiliate")
    raw_id_fields = ("order", "affiliate")
