"""A customer's admin page (issue 16, item 6): no group and permission pickers for a customer, the countries in one
pass, and a number of queries that does not grow with the customer's history."""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.admin import STAFF_ACCESS_HELP
from config.widgets import QuickSelect
from tests import factories
from tests.accounts.test_query_counts import _history


@pytest.fixture
def root_client(client, db):
    root = factories.StaffFactory(email="root@example.com", is_superuser=True)
    client.force_login(root)
    return client


def _form(client, user):
    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    return response, response.context["adminform"].form


@pytest.mark.django_db
def test_a_customers_page_has_no_group_or_permission_picker(root_client, alice):
    response, form = _form(root_client, alice)

    assert not {"groups", "user_permissions"} & set(form.fields)
    assert {"is_staff", "is_superuser", "is_active"} <= set(form.fields)
    assert str(STAFF_ACCESS_HELP) in response.content.decode()
    assert 'name="user_permissions"' not in response.content.decode()


@pytest.mark.django_db
def test_a_staff_members_page_and_a_customer_left_in_a_group_keep_them(root_client, dpo, bob):
    _, form = _form(root_client, dpo)
    assert {"groups", "user_permissions"} <= set(form.fields)

    bob.groups.add(Group.objects.get(name="Support"))  # from before: shown, so it can be taken away
    _, form = _form(root_client, bob)
    assert {"groups", "user_permissions"} <= set(form.fields)


@pytest.mark.django_db
def test_a_superuser_makes_a_customer_staff_then_gives_them_a_group(root_client, alice):
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    _, form = _form(root_client, alice)
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update({"is_staff": "on", "is_active": "on", "country": "FR", "deceased_at_0": "", "deceased_at_1": ""})
    data["state"] = alice.state
    data["preferred_language"] = alice.preferred_language
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    alice.refresh_from_db()
    assert alice.is_staff and alice.country.code == "FR"

    _, form = _form(root_client, alice)
    assert "groups" in form.fields


@pytest.mark.django_db
def test_the_customer_page_queries_do_not_grow_with_the_history(root_client, alice, bob):
    _history(alice, 1)
    _history(bob, 30)  # beyond the panel's 20 newest rows per kind

    def count(user):
        url = reverse("admin:accounts_user_change", args=[user.pk])
        root_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert root_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # A kind with more rows than the panel shows costs one COUNT for its total; beyond that nothing grows.
    small, large = count(alice), count(bob)
    _history(bob, 30)
    assert count(bob) == large
    assert small <= large


def test_the_quick_select_writes_what_djangos_select_writes():
    choices = [("", "---------"), ("FR", "France"), ("X<", 'Tom & "Jerry"'), ("CI", "Côte d’Ivoire")]
    for value in ("FR", "", None, "X<"):
        quick = QuickSelect(choices=choices).render("country", value, attrs={"id": "id_country"})
        django = forms.Select(choices=choices).render("country", value, attrs={"id": "id_country"})
        assert _normalised(quick) == _normalised(django)


def test_the_quick_select_writes_groups_as_djangos_select_does():
    choices = [("", "—"), ("Orders & <b>", [("a.b", "Order — reference"), ("a.c", "Order — <i>")]), ("x", "Other")]
    for value in ("a.c", "", None, "x"):
        quick = QuickSelect(choices=choices).render("about", value, attrs={"id": "id_about"})
        django = forms.Select(choices=choices).render("about", value, attrs={"id": "id_about"})
        assert "<optgroup" in quick and "<b>" not in quick and "<i>" not in quick
        assert _normalised(quick) == _normalised(django)


def _normalised(html):
    from django.test.html import parse_html

    return parse_html(html)
