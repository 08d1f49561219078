"""'My Personal Data' read by someone who has never seen it (issue 14): a summary, folding sections, words instead
of codes and jargon, a confirmation before withdrawing, and "Delete my account" saying what it leads to."""

import html as html_module
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ChangeLog, Domain, Service
from accounts.services import customer_update, invoice_issue
from privacy.models import DataSubjectRequest, Purpose
from privacy.models.requests import Kind, Status
from privacy.services.requests import request_file
from retention.models import HostArchive, LegalHold
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)
MY_DATA = reverse("privacy:my_data")
DELETE_ACCOUNT = reverse("privacy:delete_account")


def _page(client, url=MY_DATA, language="en"):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _text(html):
    """What a reader sees: the page without its tags, attributes or the stylesheet's links."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", html)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"(?s)<[^>]+>", " ", body)))


@pytest.fixture
def french_alice(alice):
    alice.preferred_language = "fr"
    alice.save(update_fields=["preferred_language"])
    return alice


@pytest.mark.django_db
def test_the_page_opens_with_a_summary_and_an_index_and_its_sections_fold(alice_client, alice):
    factories.ConsentFactory(customer=alice, purpose=Purpose.MARKETING_EMAIL, granted=True)
    request_file(kind=Kind.ACCESS, channel="client_area", customer=alice, actor=alice)

    html = _page(alice_client)

    summary = re.search(r'(?s)<div class="card" id="summary">(.*?)</div>\s*\n\s*\n', html).group(1)
    assert "1 open request" in _text(summary)
    assert "1 of " in _text(summary) and "None yet" in _text(summary)
    for anchor in ("#requests", "#new-request", "#consents", "#data", "#copy", "#delete-account"):
        assert f'href="{anchor}"' in summary
    # Every category folds, closed at first: the page is short until the reader opens what they want.
    categories = re.findall(r'<details class="fold" id="cat-([a-z_]+)"( open)?>', html)
    assert len(categories) >= 8 and not any(is_open for _slug, is_open in categories)
    assert '<details class="fold" id="requests" open>' in html


@pytest.mark.django_db
def test_the_change_log_reads_in_words_never_field_names_codes_or_roles(client, alice):
    customer_update(
        customer=alice, changes={"postal_code": "74000"}, actor=alice, channel=ChangeLog.Channel.CLIENT_AREA
    )
    customer_update(customer=alice, changes={"preferred_language": "fr"}, actor=alice, channel="client_area")
    staff = factories.StaffFactory()
    customer_update(customer=alice, changes={"country": "BE"}, actor=staff, channel=ChangeLog.Channel.ADMIN)
    client.force_login(alice)

    html = _page(client, language="fr")

    change_log = _text(re.search(r'(?s)id="cat-change_log">.*?(<table class="stack">.*?)</details>', html).group(1))
    for raw in ("postal_code", "preferred_language", "customer", "staff", "client_area", ">fr<", " en ", " BE "):
        assert raw not in change_log, raw
    assert "Code postal" in change_log and "Langue préférée" in change_log
    assert "Français" in change_log and "English" in change_log and "Belgique" in change_log
    assert "Vous" in change_log and "Notre équipe" in change_log


@pytest.mark.django_db
def test_no_jargon_in_french_and_the_legal_term_is_explained(client, french_alice):
    alice = french_alice
    HostArchive.objects.create(
        customer=alice, identity={"first_name": "Alice", "postal_code": "74000"}, contract_ended_at=timezone.now()
    )
    LegalHold.objects.create(customer=alice, reason="Impayé", reference="LIT-1")
    order = factories.OrderFactory(customer=alice)
    client.force_login(alice)

    text = _text(_page(client, language="fr") + _page(client, reverse("accounts:order_detail", args=[order.pk]), "fr"))

    for jargon in ("Archives d'identité d'hébergement", "archives d’identité", "Gels juridiques", "Lien public cible"):
        assert jargon.lower() not in text.lower(), jargon
    assert "Données conservées plus longtemps pour un litige ou une autorité" in text
    assert "gel juridique" in text  # the legal term stays, explained in the purpose
    assert "Votre identité, conservée après la fin d'un contrat d'hébergement" in text
    assert "postal_code" not in text and "Code postal: 74000" in text


@pytest.mark.django_db
def test_every_category_is_laid_out_as_a_table_orders_included(alice_client, alice):
    factories.OrderFactory(customer=alice, reference="ORD-ALICE-1")

    html = _page(alice_client)

    orders = re.search(r'(?s)id="cat-orders">(.*?)</details>', html).group(1)
    assert '<table class="stack">' in orders
    assert re.search(r'<td data-label="Reference">ORD-ALICE-1</td>', orders)
    assert " · " not in _text(orders)


@pytest.mark.django_db
def test_each_group_of_fields_names_its_kind_so_the_stylesheet_shows_only_the_chosen_one(alice_client):
    html = _page(alice_client)

    kinds = re.findall(r'<fieldset class="kind-fields" data-kind="([a-z_]+)">', html)
    assert kinds == [
        Kind.RECTIFICATION,
        Kind.RESTRICTION,
        Kind.OBJECTION,
        Kind.POST_MORTEM,
        Kind.AUTOMATED_DECISION_REVIEW,
    ]
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text(encoding="utf-8")
    for kind in kinds:
        assert f'option[value="{kind}"]:checked) .kind-fields[data-kind="{kind}"]' in css, kind


# --- withdrawing asks first ---


@pytest.mark.django_db
def test_withdrawing_asks_for_confirmation_on_a_page_of_its_own(alice_client, alice):
    req = request_file(kind=Kind.ACCESS, channel="client_area", customer=alice, actor=alice)
    url = reverse("privacy:request_withdraw", args=[req.pk])

    my_data = _page(alice_client)
    assert f'<a class="button secondary" href="{url}">Withdraw this request</a>' in my_data

    confirm = _page(alice_client, url)
    req.refresh_from_db()
    assert req.status == Status.RECEIVED  # looking is not withdrawing
    assert "Withdraw this request?" in confirm and req.reference in confirm
    assert f'action="{url}"' in confirm and "No, keep my request" in confirm

    alice_client.post(url)
    req.refresh_from_db()
    assert req.status == Status.WITHDRAWN


@pytest.mark.django_db
def test_the_confirmation_of_another_customers_request_is_a_404_and_a_closed_one_goes_back(alice_client, alice, bob):
    theirs = request_file(kind=Kind.ACCESS, channel="client_area", customer=bob, actor=bob)
    closed = request_file(kind=Kind.WITHDRAW_CONSENT, channel="client_area", customer=alice, actor=alice)

    assert alice_client.get(reverse("privacy:request_withdraw", args=[theirs.pk])).status_code == 404
    response = alice_client.get(reverse("privacy:request_withdraw", args=[closed.pk]))
    assert response.status_code == 302 and response.url == MY_DATA + "#requests"


# --- "Delete my account" says what it leads to ---


@pytest.mark.django_db
def test_delete_my_account_lists_services_domains_unpaid_invoices_and_what_is_kept_until_when(client, alice):
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)  # a login is a connection-log row too: at NOW, like the one below
        factories.ServiceFactory(customer=alice, name="Hébergement Pro")
        factories.ServiceFactory(customer=alice, name="Old hosting", status=Service.Status.TERMINATED)
        factories.DomainFactory(customer=alice, name="alice-martin.fr", expires_at=NOW + timedelta(days=200))
        factories.DomainFactory(customer=alice, name="manual.fr", auto_renew=False)
        factories.DomainFactory(customer=alice, name="gone.fr", status=Domain.Status.EXPIRED)
        invoice = invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=alice).invoice)
        factories.ConnectionLogFactory(customer=alice, created_at=NOW)
        html = _page(client, DELETE_ACCOUNT)

    text = _text(html)
    assert "Hébergement Pro" in text and "Old hosting" not in text
    assert "alice-martin.fr" in text and "26 September 2026" in text
    assert "manual.fr" not in text and "gone.fr" not in text
    assert invoice.number in text and "still owed" in text
    # The erasure engine's own preview: connection data kept 12 months from the last login.
    assert "LCEN art. 6) — until 10 March 2027" in text
    assert "L123-22) — until 31 December 2036" in text
    assert 'class="card danger-zone"' in html and 'class="danger"' in html
    assert f'href="{MY_DATA}#copy"' in html and "Download your data first" in text
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.django_db
def test_delete_my_account_for_another_customer_shows_nothing_of_theirs(alice_client, bob):
    factories.ServiceFactory(customer=bob, name="Bob's hosting")
    factories.DomainFactory(customer=bob, name="bob.fr")

    text = _text(_page(alice_client, DELETE_ACCOUNT))

    assert "Bob's hosting" not in text and "bob.fr" not in text


@pytest.mark.django_db
def test_delete_my_account_unticked_comes_back_with_the_error_summary_focused(alice_client):
    response = alice_client.post(DELETE_ACCOUNT, {})

    html = response.content.decode()
    assert response.status_code == 200 and not DataSubjectRequest.objects.exists()
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1" autofocus', html)
    assert 'href="#id_confirm"' in html


# --- forms ---


@pytest.mark.django_db
def test_profile_errors_come_back_in_a_focused_summary_linking_to_each_field(alice_client):
    response = alice_client.post(reverse("accounts:profile"), {"form": "profile", "first_name": "", "last_name": "M"})

    html = response.content.decode()
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1" autofocus', html)
    assert 'href="#id_first_name"' in html


@pytest.mark.django_db
def test_country_names_are_in_the_pages_language(client, french_alice):
    client.force_login(french_alice)

    html = _page(client, reverse("accounts:profile"), "fr")

    assert '<option value="DE">Allemagne</option>' in html and "Germany" not in html


@pytest.mark.django_db
def test_inputs_say_what_they_hold_for_autocomplete(alice_client, client):
    def token(html, name):
        tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        found = re.search(r'autocomplete="([^"]*)"', tag)
        return found and found.group(1)

    profile = _page(alice_client, reverse("accounts:profile"))
    for name, expected in (("first_name", "given-name"), ("postal_code", "postal-code"), ("phone", "tel")):
        assert token(profile, name) == expected, name
    assert token(profile, "country") == "country"
    alice_client.logout()
    assert token(_page(client, reverse("account_signup")), "password1") == "new-password"
    assert token(_page(client, reverse("account_login")), "password") == "current-password"


@pytest.mark.django_db
def test_sign_up_lists_the_password_rules_before_any_attempt(client):
    html = _page(client, reverse("account_signup"))

    rules = re.search(r'(?s)<ul class="password-rules" id="password-rules">(.*?)</ul>', html).group(1)
    assert "at least" in rules and 'aria-describedby="password-rules"' in html


@pytest.mark.django_db
def test_the_logged_in_language_switcher_also_changes_the_preferred_language(alice_client, alice):
    html = _page(alice_client)
    assert f'action="{reverse("accounts:language")}"' in html

    response = alice_client.post(reverse("accounts:language"), {"language": "fr", "next": MY_DATA})

    alice.refresh_from_db()
    assert response.status_code == 302 and response.url == MY_DATA
    assert alice.preferred_language == "fr"
    assert ChangeLog.objects.filter(customer=alice, field="preferred_language", new_value="fr").count() == 1
    with translation.override("fr"):
        assert "Mes données personnelles" in alice_client.get(MY_DATA).content.decode()


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(alice_client, alice):
    alice_client.post(reverse("accounts:language"), {"language": "xx", "next": MY_DATA})

    alice.refresh_from_db()
    assert alice.preferred_language == "en" and not ChangeLog.objects.filter(customer=alice).exists()


@pytest.mark.django_db
def test_the_visitors_switcher_is_quiet(client):
    html = _page(client, reverse("account_login"))

    assert f'action="{reverse("set_language")}"' in html
    assert '<button type="submit" class="quiet">Change</button>' in html
