"""What each staff role may see and grant in the back-office (R48, R70).

- Archived customers, and every row they own, are hidden from every admin list, search, autocomplete and change
  page, except for members of the DPO group, who work the privacy queue.
- Only a superuser grants is_staff, is_superuser, groups or permissions, edits a staff account, or edits groups.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group

DPO_GROUP = "DPO"
STAFF_GROUPS = ("Support", "Billing", "Management", DPO_GROUP)
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def works_privacy_queue(request) -> bool:
    """Members of the DPO group see archived customers (R48); everyone else, superusers included, does not."""
    cached = getattr(request, "_works_privacy_queue", None)
    if cached is None:
        user = request.user
        cached = bool(user.is_active and user.is_staff and user.groups.filter(name=DPO_GROUP).exists())
        request._works_privacy_queue = cached
    return cached


class HideArchivedMixin:
    """ModelAdmin mixin: rows whose customer is archived are not there for staff outside the DPO group.

    `archived_customer` names the path to the owning customer ("" when the model is the customer itself).
    """

    archived_customer = "customer"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if works_privacy_queue(request):
            return qs
        from accounts.models import User

        field = f"{self.archived_customer}__state" if self.archived_customer else "state"
        return qs.exclude(**{field: User.State.ARCHIVED})


def privilege_readonly(request, fields):
    """The privilege fields are read-only for anyone but a superuser."""
    if request.user.is_superuser:
        return tuple(fields)
    return tuple(dict.fromkeys((*fields, *PRIVILEGE_FIELDS)))


def may_edit_account(request, obj) -> bool:
    """A staff account (or a superuser's) is edited by superusers only: its email or password is a way in."""
    return obj is None or request.user.is_superuser or not (obj.is_staff or obj.is_superuser)


def changes_privileges(request, obj) -> bool:
    """A POST on a staff member's page, or one that makes someone staff: it needs a recent authentication."""
    if request.method != "POST":
        return False
    if obj is not None and (obj.is_staff or obj.is_superuser):
        return True
    return any(request.POST.get(name) for name in PRIVILEGE_FIELDS)


admin.site.unregister(Group)


@admin.register(Group)
class SuperuserGroupAdmin(GroupAdmin):
    """Groups carry permissions: only a superuser sees or changes them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class CustomerOwnedAdmin(HideArchivedMixin, admin.ModelAdmin):
    """The admin of a record a customer owns: its customer picked by autocomplete, archived customers hidden."""

    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
