"""Admin building blocks any app's admin may use: read-only pages and inlines for records that are evidence,
the recent-login check in front of destructive actions, and a quick widget for long choice lists. Imports Django only.
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils.html import format_html
from django.utils.translation import gettext as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are evidence: nobody, not even a superuser, edits or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuickActionCheckbox:
    """A list's row checkbox written directly: Django renders each through the form widget templates, which was
    a third of the DPO queue's rows (bench/web.py). The markup is Django's (tests/config/test_admin_mixins.py)."""

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


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
