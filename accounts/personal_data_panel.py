"""The "Personal data held" panel of a customer's back-office page, written in Python.

The panel is up to some twenty tables of ten rows; through the template engine it was the largest part of the
page's time (bench/web.py). The markup is what the template it replaces drew (kept as
tests/accounts/personal_data_panel_as_drawn.html and compared in tests/accounts/test_admin.py): every value goes
through Django's own `render_value_in_context`, as `{{ value }}` does, so it is localised and escaped the same.
"""

from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from config.rendering import shown

NOTHING = "—"


def _section(context, section):
    value = lambda v: shown(v, context)  # noqa: E731
    head = "".join(f"<th>{value(column)}</th>" for column in section.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{value(NOTHING if v is None else v)}</td>" for v in row) + "</tr>"
        for row in section.rows
    )
    parts = [
        f"<table>\n  <caption>{value(capfirst(section.entry.label))} ({value(section.total)})</caption>\n"
        f"  <thead><tr>{head}</tr></thead>\n  <tbody>\n  {body}\n  </tbody>\n</table>"
    ]
    if section.truncated:
        # As {% blocktranslate %} does: the values are escaped, the translated sentence is not.
        note = _("Newest %(shown)s of %(total)s shown.") % {
            "shown": value(len(section.rows)),
            "total": value(section.total),
        }
        parts.append(f'<p class="help">{note}</p>')
    return "\n".join(parts)


def panel_html(categories, audit_url):
    """`categories`: (category, sections holding rows, labels of the kinds holding none), as the admin builds them."""
    context = Context()
    parts = []
    if audit_url:
        link = conditional_escape(_("Staff audit trail of this customer"))
        parts.append(f'<p><a href="{conditional_escape(audit_url)}" id="customer-audit-trail">{link}</a></p>')
    for category, held, empty_labels in categories:
        parts.append(f"<h3>{conditional_escape(category.admin_label)}</h3>")
        parts.append(
            f'<p class="help">{conditional_escape(category.purpose)} — {conditional_escape(category.legal_basis)}</p>'
        )
        parts.extend(_section(context, section) for section in held)
        if empty_labels:
            labels = ", ".join(str(conditional_escape(label)) for label in empty_labels)
            parts.append(f'<p class="help">{_("%(labels)s: nothing held.") % {"labels": labels}}</p>')
    return mark_safe("\n".join(parts))  # noqa: S308  every value above is escaped
