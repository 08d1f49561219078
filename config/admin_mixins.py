"""Admin building blocks any app's admin may use: read-only pages and inlines for records that are evidence,
the recent-login check in front of destructive actions, and a quick widget for long choice lists. Imports Django only.
"""

from django.contrib import admin


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
