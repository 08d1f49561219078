"""Admin building blocks any app's admin may use: read-only pages and inlines for records that are evidence,
and the recent-login check in front of destructive actions. Imports Django only.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are evidence: nobody, not even a superuser, edits or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FixedRowsInline(admin.TabularInline):
    """Rows written elsewhere (by a service): none is added or deleted from the parent's page."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(FixedRowsInline):
    """Evidence shown on the parent's page: never added to, changed or deleted, not even by a superuser."""

    def has_change_permission(self, request, obj=None):
        return False


# R23 and R69: erasing and lifting a hold need a login within the last 15 minutes.
RECENT_LOGIN = timedelta(minutes=15)


def logged_in_recently(user, now=None):
    return user.last_login is not None and (now or timezone.now()) - user.last_login <= RECENT_LOGIN


def relogin(request, next_url):
    """Log out and send to the admin login, coming back to `next_url` (the admin login skips logged-in users)."""
    messages.warning(request, _("Please log in again: this action needs a login within the last 15 minutes."))
    logout(request)
    return HttpResponseRedirect(f"{reverse('admin:login')}?{urlencode({'next': next_url})}")
