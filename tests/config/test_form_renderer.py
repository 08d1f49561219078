"""The site's form renderer (config/form_renderer.py): Django's form templates drawn by Jinja2, the same HTML.

Same HTML means the same document once parsed (django.test.html, as assertHTMLEqual compares): the Jinja2 templates
differ from Django's in blank lines between <option>s, and MarkupSafe writes an apostrophe as &#39; where Django
writes &#x27;. Nothing a browser, a screen reader or a form post could tell apart.
"""

import datetime
import re
from pathlib import Path

import hypothesis
import pytest
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms import widgets as django_widgets
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from config.form_renderer import FormRenderer
from privacy import audit_middleware
from tests.conftest import session_authenticated
from tests.factories import ConnectionLogFactory, OrderFactory, StaffFactory
from tests.strategies import FUZZ, HTML, examples

DJANGO = DjangoTemplates()
OURS = FormRenderer()
CHOICES = [
    ("a", "Alpha"),
    ("b", "B <b>bold</b>"),
    ("Groupe é", [("c", "Cé"), ("d", "D \"quoted\" 'single'")]),
    ("", "—"),
]
# Every widget Django ships (django.forms.widgets.__all__), so a new one in a later Django is compared too.
WIDGETS = [
    name
    for name in django_widgets.__all__
    if isinstance(getattr(django_widgets, name), type)
    and issubclass(getattr(django_widgets, name), django_widgets.Widget)
    and name not in ("Widget", "MultiWidget")
]


def _widget(name, attrs):
    cls = getattr(django_widgets, name)
    if issubclass(cls, django_widgets.ChoiceWidget) and cls is not django_widgets.NullBooleanSelect:
        return cls(attrs=attrs, choices=CHOICES)
    return cls(attrs=attrs)


def _same(ours, django):
    assert parse_html(ours) == parse_html(django), f"\nJinja2: {ours}\nDjango: {django}"


text = st.one_of(st.sampled_from(HTML), st.text(max_size=30))
attrs = st.dictionaries(
    st.sampled_from(["class", "placeholder", "required", "disabled", "data-note", "aria-describedby", "maxlength"]),
    st.one_of(st.booleans(), text, st.integers(-5, 500)),
    max_size=4,
)
values = st.one_of(
    st.none(),
    text,
    st.sampled_from(["a", "b", "c", "d", "", ["a", "d"], ["c"]]),
    st.booleans(),
    st.integers(),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 12, 31)),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
)


@pytest.mark.parametrize("name", WIDGETS)
@hypothesis.settings(FUZZ, max_examples=examples(40))
@given(attrs=attrs, value=values, language=st.sampled_from(["en", "fr", "de"]))
def test_every_widget_django_ships_draws_the_same_html_with_either_engine(name, attrs, value, language):
    widget = _widget(name, {"id": "id_field", **attrs})
    with translation.override(language):
        try:
            django = widget.render("field", value, renderer=DJANGO)
        except (TypeError, ValueError, AttributeError, OverflowError) as refused:
            # A value this widget cannot draw at all (a list in a date input): both engines must refuse it.
            with pytest.raises(type(refused)):
                widget.render("field", value, renderer=OURS)
            return
        _same(widget.render("field", value, renderer=OURS), django)


class _Everything(forms.Form):
    name = forms.CharField(label="Name <i>", help_text="Help & <b>more</b>", max_length=20)
    email = forms.EmailField(required=False)
    count = forms.IntegerField(min_value=0)
    when = forms.SplitDateTimeField(required=False)
    choice = forms.ChoiceField(choices=CHOICES[:3], widget=forms.RadioSelect)
    several = forms.MultipleChoiceField(choices=CHOICES[:3], widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField()
    notes = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize("layout", ["as_div", "as_p", "as_table", "as_ul"])
@pytest.mark.parametrize("data", [None, {"name": "x" * 30, "count": "-1", "email": "not <an> address", "choice": "z"}])
def test_a_whole_form_with_its_errors_draws_the_same_html_with_either_engine(layout, data):
    for language in ("en", "fr"):
        with translation.override(language):
            django = getattr(_Everything(data, renderer=DJANGO), layout)()
            ours = getattr(_Everything(data, renderer=OURS), layout)()
            _same(ours, django)
            if data:
                assert "errorlist" in ours


def test_templates_django_ships_only_for_its_own_language_are_drawn_as_before(db):
    """The back-office's widget wrappers and date pickers have no Jinja2 template: Django's engine draws them, and
    the widget inside the wrapper is still Django's own select, drawn by Jinja2."""
    from django.contrib import admin

    field = User._meta.get_field("groups")
    wrapped = admin_widgets.RelatedFieldWidgetWrapper(
        forms.SelectMultiple(choices=CHOICES), field.remote_field, admin.site, can_add_related=True
    )
    date = admin_widgets.AdminDateWidget()

    assert OURS.engine_for("admin/widgets/related_widget_wrapper.html") is OURS.django
    assert OURS.engine_for("admin/widgets/date.html") is OURS.django
    assert OURS.engine_for("django/forms/widgets/select.html") is OURS.jinja2
    assert OURS.engine_for("django/forms/label.html") is OURS.jinja2
    _same(wrapped.render("groups", ["a"], renderer=OURS), wrapped.render("groups", ["a"], renderer=DJANGO))
    _same(
        date.render("day", datetime.date(2024, 2, 29), renderer=OURS),
        date.render("day", datetime.date(2024, 2, 29), renderer=DJANGO),
    )


def test_a_template_nobody_ships_is_still_an_error():
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        OURS.get_template("django/forms/widgets/no_such_widget.html")


def test_the_site_draws_its_forms_with_it(settings):
    assert settings.FORM_RENDERER == "config.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


# --- The pages, as production draws them ---------------------------------------------------------------------------

_PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "CSRF"),
    (re.compile(r'nonce="[^"]+"'), "NONCE"),
]


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content.decode()
    for pattern, stand_in in _PER_REQUEST:
        html = pattern.sub(stand_in, html)
    return html, {t.name for t in response.templates}


def _included_by_admin_widgets():
    """Django's form templates that the back-office's widget templates include, directly or not."""
    import django.contrib.admin
    import django.forms

    sources = {
        "admin": Path(django.contrib.admin.__file__).parent / "templates",
        "django": Path(django.forms.__file__).parent / "templates",
    }
    include = re.compile(r"""{% include ['"]([^'"]+)['"]""")
    found, todo = set(), [p.read_text() for p in (sources["admin"] / "admin" / "widgets").glob("*.html")]
    while todo:
        for name in include.findall(todo.pop()):
            if name not in found:
                found.add(name)
                todo.append((sources[name.split("/")[0]] / name).read_text())
    return {name for name in found if name.startswith("django/forms/")}


@pytest.fixture
def pages(db, client):
    """(client, path) of pages with many widgets: a customer's profile and My Personal Data, the back-office's
    customer page and a stock Django admin form (the group's, with its list of every permission)."""
    customer = User.objects.create_user("carla@example.com", "a-long-passphrase-9", first_name="Carla <b>")
    OrderFactory(customer=customer)
    ConnectionLogFactory(customer=customer)
    admin_user = StaffFactory(email="root@example.com", is_superuser=True)
    return (
        customer,
        admin_user,
        [
            (customer, reverse("accounts:profile")),
            (customer, reverse("privacy:my_data")),
            (admin_user, reverse("admin:accounts_user_change", args=[customer.pk])),
            (admin_user, reverse("admin:auth_group_add")),
        ],
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_full_of_widgets_are_the_same_document_with_either_renderer(
    client, settings, pages, language, monkeypatch
):
    # Each staff view of a customer is written in the audit trail that customer's page shows: not recorded here, so
    # that the second view shows what the first did.
    monkeypatch.setattr(audit_middleware, "_record", lambda *args: None)
    _, _, paths = pages
    for user, path in paths:
        client.force_login(user)
        session_authenticated(client, user)
        client.cookies["django_language"] = language
        settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
        before, _ = _page(client, path)
        settings.FORM_RENDERER = "config.form_renderer.FormRenderer"
        after, templates = _page(client, path)
        assert parse_html(after) == parse_html(before), path
        # None of Django's form templates went through Django's template engine (the slow path), but those the
        # back-office's own widget templates include.
        assert {t for t in templates if t.startswith("django/forms/")} <= _included_by_admin_widgets(), path
