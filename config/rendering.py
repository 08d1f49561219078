"""Values written into HTML by Python code that stands in for a template (the personal-data tables and panels)."""

import html

from django.template.base import render_value_in_context


def shown(value, context):
    """What `{{ value }}` writes in `context`: Django's render_value_in_context (local time, localised numbers and
    dates, escaped), with plain text, most of the cells, escaped directly: localising text changes nothing."""
    if type(value) is str and context.autoescape:
        return html.escape(value)
    return render_value_in_context(value, context)
