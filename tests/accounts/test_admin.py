"""The back-office: every model has a working admin; personal data is read through the registry; logs are evidence."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import services
from accounts.models import ChangeLog, ConnectionLog, Invoice
from tests import factories

PROJECT_APPS = {"accounts", "privacy", "retention", "exports"}


@pytest.fixture
def superuser_client(client, db):
    client.force_login(factories.StaffFactory(is_superuser=True, email="root@example.com"))
    return client


def _project_models():
    from django.apps import apps

    return [m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models()]


def test_every_project_model_has_an_admin_page_or_inline():
    inlines = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}

    assert [m.__name__ for m in _project_models() if m not in admin.site._registry and m not in inlines] == []


@pytest.mark.django_db
def test_every_changelist_opens_and_searches(superuser_client, alice):
    order = factories.OrderFactory(customer=alice)
    factories.CommissionFactory(order=order)
    factories.TicketMessageFactory(ticket__customer=alice)
    factories.ConnectionLogFactory(customer=alice)
    factories.ConsentFactory(customer=alice)

    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert superuser_client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert superuser_client.get(url, {"q": "alice"}).status_code == 200, url


@pytest.mark.django_db
def test_the_customer_page_shows_the_personal_data_held_from_the_registry(superuser_client, alice):
    order = factories.OrderFactory(customer=alice, reference="ORD-ALICE-1")
    services.invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=alice).invoice)
    factories.ServiceFactory(customer=alice, order=order)

    html = superuser_client.get(reverse("admin:accounts_user_change", args=[alice.pk])).content.decode()

    assert "Personal data held" in html
    for text in ("ORD-ALICE-1", "Identity and contact details", "Orders", "Invoices", "Web hosting Pro"):
        assert text in html


@pytest.mark.django_db
def test_markup_typed_by_a_customer_comes_out_escaped(superuser_client, alice):
    factories.OrderFactory(customer=alice, product="<script>alert(1)</script>")
    alice.first_name = "<b>Al</b>"
    alice.save()

    html = superuser_client.get(reverse("admin:accounts_user_change", args=[alice.pk])).content.decode()

    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Al</b>" not in html


@pytest.mark.django_db
def test_a_staff_correction_is_in_the_change_log(superuser_client, alice):
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        {
            "email": alice.email,
            "phone": "+33612345678",
            "state": "active",
            "preferred_language": "en",
            "country": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        }
    )
    data.pop("password", None)

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    log = ChangeLog.objects.get(customer=alice)
    assert (log.field, log.new_value, log.channel, log.actor_role) == ("phone", "+33612345678", "admin", "staff")
    assert log.actor.email == "root@example.com"


@pytest.mark.parametrize("model", [ChangeLog, ConnectionLog])
@pytest.mark.django_db
def test_logs_are_read_only_even_for_a_superuser(superuser_client, alice, model):
    row = (factories.ChangeLogFactory if model is ChangeLog else factories.ConnectionLogFactory)(customer=alice)
    name = f"admin:accounts_{model._meta.model_name}"

    assert superuser_client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200
    assert superuser_client.get(reverse(f"{name}_delete", args=[row.pk])).status_code == 403
    assert superuser_client.get(reverse(f"{name}_add")).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_an_issued_invoice_is_read_only_in_the_admin(superuser_client, alice):
    invoice = services.invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=alice).invoice)

    page = superuser_client.get(reverse("admin:accounts_invoice_change", args=[invoice.pk]))

    assert 'name="billing_name"' not in page.content.decode()
    assert superuser_client.get(reverse("admin:accounts_invoice_delete", args=[invoice.pk])).status_code == 403


@pytest.mark.django_db
def test_the_issue_and_credit_actions_call_the_services(superuser_client, alice):
    draft = factories.InvoiceLineFactory(invoice__customer=alice).invoice
    url = reverse("admin:accounts_invoice_changelist")

    superuser_client.post(url, {"action": "issue", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.number
    superuser_client.post(url, {"action": "credit", "_selected_action": [draft.pk]})

    assert Invoice.objects.get(pk=draft.pk).status == Invoice.Status.CANCELLED
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE, credited_invoice=draft).count() == 1


@pytest.mark.django_db
def test_the_dpo_group_exists_with_its_permissions(dpo_client, alice):
    group = Group.objects.get(name="DPO")
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"view_user", "change_user", "view_order", "view_consentrecord", "view_changelog"} <= codenames
    assert "change_consentrecord" not in codenames and "delete_consentrecord" not in codenames
    assert dpo_client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert dpo_client.get(reverse("admin:accounts_user_change", args=[alice.pk])).status_code == 200


@pytest.mark.django_db
def test_a_customer_cannot_enter_the_back_office(alice_client):
    response = alice_client.get(reverse("admin:index"))

    assert response.status_code == 302 and "login" in response.url
    assert Permission.objects.exists()


@pytest.mark.django_db
def test_a_restricted_customer_carries_a_banner(superuser_client, alice):
    from privacy.models import Restriction
    from privacy.services.requests import request_file

    req = request_file(kind="restriction", channel="client_area", customer=alice, restriction_ground="c")
    Restriction.objects.create(customer=alice, request=req, ground="c")

    html = superuser_client.get(reverse("admin:accounts_user_change", args=[alice.pk])).content.decode()

    assert "Processing of this customer is restricted (Art. 18(1)(c))" in html


@pytest.mark.django_db
def test_archived_customers_are_hidden_from_support_staff_but_not_from_the_dpo(client, dpo, alice, bob):
    alice.set_state("archived")
    alice.save()
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)
    url = reverse("admin:accounts_user_changelist")

    assert "alice@example.com" not in client.get(url).content.decode()
    assert "bob@example.com" in client.get(url).content.decode()
    assert client.get(reverse("admin:accounts_user_change", args=[alice.pk])).status_code == 302
    client.force_login(dpo)
    assert "alice@example.com" in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_panel_written_in_python_is_what_the_template_drew(language, dpo, alice):
    """The "Personal data held" panel (accounts/personal_data_panel.py) against the template it replaced."""
    from django.template import Context, Engine
    from django.test.html import parse_html
    from django.utils import translation

    from accounts.models import User
    from accounts.personal_data_panel import panel_html

    factories.OrderFactory(customer=alice, product='<script>alert("1")</script> & co', reference="A&B")
    for _ in range(12):  # more than the panel's rows: the "newest 10 of 12" line
        factories.ConnectionLogFactory(customer=alice)
    alice.first_name = "<b>Al</b>"
    alice.save()
    alice._panel_viewer = dpo
    reference = Path(__file__).with_name("personal_data_panel_as_drawn.html").read_text()
    template = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(reference)

    with translation.override(language):
        categories, audit_url = admin.site._registry[User].panel_contents(alice)
        drawn = template.render(Context({"categories": categories, "audit_url": audit_url}))
        written = panel_html(categories, audit_url)

    assert audit_url and any(held for _, held, _ in categories) and any(empty for _, _, empty in categories)
    assert any(section.truncated for _, held, _ in categories for section in held)
    assert parse_html(written) == parse_html(drawn)
    assert "<script>" not in written and "&lt;b&gt;Al&lt;/b&gt;" in written
