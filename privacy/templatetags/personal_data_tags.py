"""The tables of My Personal Data, written in Python: a long history is some ten tables of ten rows, and drawing
every cell through the template engine was a third of the page's time (bench/web.py).

Values go through Django's own `render_value_in_context` (config.rendering.shown), as `{{ value }}` would: local
time, localised numbers and dates, escaped. tests/privacy/test_my_personal_data.py compares the markup with the
template it replaces.
"""

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from config.rendering import shown

register = template.Library()


def _cells(context, values, tag, attrs=""):
    return "".join(f"<{tag}{attrs}>{shown(v, context)}</{tag}>" for v in values)


def _section(context, section):
    parts = [format_html("<h4>{}</h4>", capfirst(section.entry.label))]
    if not section.rows:
        parts.append(format_html('<p class="muted">{}</p>', _("Nothing held.")))
    elif section.pairs:
        rows = "".join(
            f'<tr><th scope="row">{shown(column, context)}</th><td>{shown(value, context)}</td></tr>'
            for column, value in section.pairs
        )
        parts.append(f"<table>{rows}</table>")
    else:
        head = _cells(context, section.columns, "th", ' scope="col"')
        labels = [shown(column, context) for column in section.columns]
        body = "".join(
            "<tr>"
            + "".join(
                f'<td data-label="{label}">{shown(value, context)}</td>'
                for label, (_column, value) in zip(labels, row, strict=True)
            )
            + "</tr>"
            for row in section.labelled
        )
        parts.append(f'<table class="stack"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
    if section.truncated:
        note = escape(_("Newest %(shown)s of %(total)s shown; the copy of your data has them all.")) % {
            "shown": shown(len(section.rows), context),
            "total": shown(section.total, context),
        }
        parts.append(f'<p class="muted">{note}</p>')
    return "\n".join(parts)


@register.simple_tag(takes_context=True)
def data_sections(context, sections):
    """The sections of one category: a heading each, then its rows (a table, or label/value pairs for the
    customer's own record), or "Nothing held."; every value escaped."""
    return mark_safe("\n".join(_section(context, s) for s in sections))  # noqa: S308  every value above is escaped


# The "why, basis, how long, who, from where" table of each category, per language and wording: the same for every
# customer, and half the cost of drawing the categories when it was drawn on every view.
_about_memo = {}


@register.simple_tag
def category_about(category, rules):
    """privacy/_category_about.html for `category` and its retention `rules`, drawn once per language and text."""
    rules = [{"data": str(r.data), "period": str(r.period), "trigger": str(r.trigger)} for r in rules]
    texts = (category.purpose, category.legal_basis, category.source, *category.recipients)
    key = (translation.get_language(), category.slug, tuple(map(str, texts)), tuple(tuple(r.values()) for r in rules))
    if key not in _about_memo:
        _about_memo[key] = render_to_string("privacy/_category_about.html", {"category": category, "rules": rules})
    return mark_safe(_about_memo[key])  # noqa: S308  rendered by the template engine, which escaped it
