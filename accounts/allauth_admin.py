"""The back-office pages of allauth's own records, made safe: no secret is ever shown, nothing is edited by hand.

- Authenticators: type and dates only; the TOTP secret and recovery codes in `data` never reach a page.
- Sessions: read-only, searchable by email and IP (allauth's page searches a username field this model lacks).
"""

import allauth.mfa.admin
import allauth.usersessions.admin
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin

from accounts.staff import HideArchivedMixin

# allauth's modules register first (imported above, whatever the order of INSTALLED_APPS), then give way.
assert allauth.mfa.admin and allauth.usersessions.admin
admin.site.unregister(Authenticator)
admin.site.unregister(UserSession)


class _ReadOnly(HideArchivedMixin, admin.ModelAdmin):
    archived_customer = "user"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Authenticator)
class AuthenticatorAdmin(_ReadOnly):
    """A superuser may delete a lost factor (the person enrols again at the next login); nobody reads one."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(UserSession)
class UserSessionAdmin(_ReadOnly):
    list_display = ("user", "created_at", "last_seen_at", "ip", "user_agent")
    search_fields = ("user__email", "ip")
    list_select_related = ("user",)
    fields = readonly_fields = ("user", "created_at", "last_seen_at", "ip", "user_agent")
