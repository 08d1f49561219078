"""Admin building blocks any app's admin may use: read-only pages and inlines for records that are evidence,
the recent-login check in front of destructive actions, and a quick widget for long choice lists. Imports Django only.
"""

from django import forms
from django.contrib import admin
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


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


class QuickSelect(forms.Select):
    """A <select> written in one pass, for long lists such as the countries.

    Django renders every <option> through its own template: the 250 countries took longer than the rest of a
    customer's admin page together (bench/web.py). Same markup, without groups, which these lists do not use.
    """

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, list | tuple) for _, label in self.choices):
            return super().render(name, value, attrs, renderer)
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
            for key, label in ((("" if k is None else k), lab) for k, lab in self.choices)
        )
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308  every value is escaped
