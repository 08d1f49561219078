"""Posting an admin change form the way a browser does: every field as the page shows it, with some changed."""

from django.forms import MultiWidget
from django.forms.models import ModelMultipleChoiceField


def _field_data(form):
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if isinstance(field.widget, MultiWidget):
            parts = value if isinstance(value, list | tuple) else field.widget.decompress(value)
            data.update({f"{key}_{i}": "" if part is None else str(part) for i, part in enumerate(parts)})
        elif value is True:
            data[key] = "on"
        elif isinstance(field, ModelMultipleChoiceField) or isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)
    return data


def admin_form_data(response, **changes):
    """The data a browser would post back from this admin change page, with `changes` applied to the main form."""
    context = response.context
    data = _field_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): str(management[k].value() or 0) for k in management.fields})
        for form in formset.initial_forms:
            data.update(_field_data(form))
    data.update(changes)
    return data


def admin_change(client, url, **changes):
    """GET the change page, post it back with `changes`; returns the response of the post."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, admin_form_data(page, **changes))
