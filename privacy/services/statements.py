"""Supplementary statements (Art. 16, R21): the customer completes, in their own words, a detail they cannot edit
on their profile. The detail stays as it is; the statement is shown with the data and leaves in every copy."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.validators import validate_no_card_number
from privacy.exceptions import RequestError
from privacy.models import SupplementaryStatement
from privacy.registry import registry

# statement_subjects() per language: the registry is fixed once the apps are loaded, and the list is some two hundred
# labels the My Personal Data page would otherwise build on every view.
_subjects_memo = {}


def statement_subjects():
    """[(category label, [(code, label), ...]), ...]: every registered detail a customer cannot edit themselves.

    The code is "app_label.model.field"; the customer's own fields that the profile edits are left out."""
    language = translation.get_language()
    if language not in _subjects_memo:
        _subjects_memo[language] = _statement_subjects()
    return _subjects_memo[language]


def _statement_subjects():
    user = get_user_model()
    editable = {*user.SELF_EDITABLE_FIELDS, "email"}
    groups = {}
    for entry in registry.entries():
        if entry.owner is None or entry.model is SupplementaryStatement:
            continue
        for path in entry.fields:
            if entry.model is user and path in editable:
                continue
            code = f"{entry.model._meta.label_lower}.{path}"
            label = f"{capfirst(entry.label)} — {entry.column_label(path)}"
            groups.setdefault(str(entry.category.label), []).append((code, label))
    return list(groups.items())


def statement_add(*, customer, about, statement, request=None) -> SupplementaryStatement:
    """Store the customer's statement about one detail; refuses an unknown detail or an empty or unsafe text."""
    labels = {code: label for _group, items in statement_subjects() for code, label in items}
    if about not in labels:
        raise RequestError(_("Choose the detail your statement is about."))
    statement = (statement or "").strip()
    if not statement:
        raise RequestError(_("Write your statement."))
    try:
        validate_no_card_number(statement)
    except ValidationError as e:
        raise RequestError(" ".join(e.messages)) from None
    return SupplementaryStatement.objects.create(
        customer=customer, about=about, about_label=labels[about], statement=statement[:2000], request=request
    )
