"""The back-office's list of apps and models, written in Python.

Every admin page draws it in the navigation sidebar, and the home page draws it again with its change links:
some 60 models, each a table row of links. Through the template engine that was most of a plain admin page's
time (bench/web.py: 24 ms of CPU for the password page against 3 ms for a bare view). This writes the markup of
Django's own admin/app_list.html (templates/admin/app_list.html uses it), escaped the same way;
tests/config/test_back_office_site.py compares the two for a superuser and for a support member, on several pages.
"""

from urllib.parse import quote

from django import template
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _here(url, path):
    # `{% if url in request.path|urlencode %}`: the urlencode filter quotes all but "/".
    return bool(url) and url in path


def _model_row(app, model, path, show_changelinks):
    model_name = model["object_name"].lower()
    row_id = escape(f"{app['app_label']}-{model_name}")
    url = model["admin_url"]
    current = _here(url, path)
    if url:
        name = f'<a href="{escape(url)}"{' aria-current="page"' if current else ""}>{escape(model["name"])}</a>'
    else:
        name = escape(model["name"])
    cells = [f'<th scope="row" id="{row_id}">{name}</th>']
    if model["add_url"]:
        cells.append(
            f'<td><a href="{escape(model["add_url"])}" class="addlink" aria-describedby="{row_id}">'
            f"{escape(_('Add'))}</a></td>"
        )
    else:
        cells.append("<td></td>")
    if url and show_changelinks:
        kind, label = ("viewlink", _("View")) if model.get("view_only") else ("changelink", _("Change"))
        cells.append(f'<td><a href="{escape(url)}" class="{kind}" aria-describedby="{row_id}">{escape(label)}</a></td>')
    elif show_changelinks:
        cells.append("<td></td>")
    css = f"model-{escape(model_name)}{' current-model' if current else ''}"
    return f'<tr class="{css}">{"".join(cells)}</tr>'


@register.simple_tag(takes_context=True)
def back_office_app_list(context, app_list, show_changelinks=False):
    """admin/app_list.html's markup for `app_list`, the current page's app and model marked as Django marks them."""
    if not app_list:
        return format_html("<p>{}</p>", _("You don’t have permission to view or edit anything."))
    request = context.get("request")
    path = quote(request.path, safe="/") if request is not None else ""
    head = (
        '<thead class="visually-hidden"><tr>'
        f'<th scope="col">{escape(_("Model name"))}</th>'
        f'<th scope="col">{escape(_("Add link"))}</th>'
        f'<th scope="col">{escape(_("Change or view list link"))}</th>'
        "</tr></thead>"
    )
    parts = []
    for app in app_list:
        current = " current-app" if _here(app["app_url"], path) else ""
        rows = "".join(_model_row(app, model, path, show_changelinks) for model in app["models"])
        parts.append(
            f'<div class="app-{escape(app["app_label"])} module{current}"><table>'
            f'<caption><a href="{escape(app["app_url"])}" class="section">{escape(app["name"])}</a></caption>'
            f"{head}{rows}</table></div>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308  every value above is escaped
