"""Form widgets shared by the client area and the back-office."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A <select> written in one pass, for long lists such as the countries or the details a statement is about.

    Django renders every <option> through its own template: the 250 countries took longer than the rest of a
    customer's admin page together (bench/web.py). Same markup, groups included."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        if self.allow_multiple_selected:
            final["multiple"] = True
        return mark_safe(f"<select{flatatt(final)}>{self._options(self.choices, chosen)}</select>")  # noqa: S308  every value is escaped

    def _options(self, choices, chosen):
        parts = []
        for key, label in choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{escape(key)}">{self._options(label, chosen)}</optgroup>')
                continue
            key = "" if key is None else key
            selected = " selected" if str(key) in chosen else ""
            parts.append(f'<option value="{escape(key)}"{selected}>{escape(label)}</option>')
        return "".join(parts)
