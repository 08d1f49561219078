"""'My Personal Data': what is held and why (R08), the customer's requests (R09, R17), erasure (R06), review (R28)."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import (
    AffiliateCommission,
    ChangeLog,
    ConnectionLog,
    Domain,
    Invoice,
    InvoiceLine,
    Order,
    Service,
    SupportTicket,
    TicketMessage,
    Transaction,
    User,
)
from privacy.models import ConsentRecord, DataSubjectRequest, Purpose, RequestEvent
from privacy.models.requests import Kind, Status
from privacy.registry import registry
from privacy.services import consent_current
from privacy.services.requests import request_extend, request_file, request_start
from privacy.views import PAGE_ROWS
from retention.rules import RULES
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
FILED = datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)  # REQUIREMENTS 2.7 example 2: due Sat 28 Feb 2026
MY_DATA = reverse("privacy:my_data")
FILE = reverse("privacy:request_file")
DELETE_ACCOUNT = reverse("privacy:delete_account")

# What each kind needs on top of its name, for a valid filing.
VALID_SPECIFICS = {
    Kind.ACCESS: {},
    Kind.RECTIFICATION: {"rectify_field": "city", "rectify_value": "Annecy"},
    Kind.ERASURE: {},
    Kind.RESTRICTION: {"restriction_ground": "a"},
    Kind.OBJECTION: {"objection_scope": "fraud_prevention"},
    Kind.PORTABILITY: {},
    Kind.WITHDRAW_CONSENT: {},
    Kind.AUTOMATED_DECISION_REVIEW: {},  # the order is added by the test
    Kind.POST_MORTEM: {"directive": "hand_over", "trusted_person": "Paul Martin, paul@example.net"},
    Kind.OTHER: {"details": "Which of my data do you share with your registrar?"},
}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _kind_options(html):
    select = re.search(r'<select name="kind"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no <select name=kind>"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def _file(client, kind, **data):
    return client.post(FILE, {"kind": kind, **data})


def _automated_order(customer, **kw):
    return factories.OrderFactory(
        customer=customer,
        status=Order.Status.CANCELLED,
        automated_decision=True,
        automated_decision_reason="Card country differs from IP country",
        **kw,
    )


# --- what is held (R08) ---


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_page_shows_every_category_with_an_owner_and_why_it_is_held(alice_client):
    html = alice_client.get(MY_DATA).content.decode()

    owned = [c for c in registry.categories() if any(e.owner is not None for e in registry.entries_in(c.slug))]
    assert owned, "the registry lists no category with an owner"
    for category in owned:
        assert f'id="cat-{category.slug}"' in html, category.slug
        for text in (category.label, category.purpose, category.legal_basis, category.source, *category.recipients):
            assert escape(str(text)) in html, (category.slug, str(text))
        for entry in registry.entries_in(category.slug):
            if entry.owner is not None:
                rule = RULES[entry.retention]
                assert escape(str(rule.period)) in html and escape(str(rule.trigger)) in html, entry.retention


@pytest.mark.django_db
def test_the_customers_values_are_shown_and_nobody_elses(alice_client, alice, bob):
    factories.OrderFactory(customer=alice, reference="ORD-ALICE-1")
    factories.ConnectionLogFactory(customer=alice, ip="192.0.2.10")
    factories.OrderFactory(customer=bob, reference="ORD-BOB-1")
    factories.ConnectionLogFactory(customer=bob, ip="192.0.2.99")
    request_file(kind=Kind.ACCESS, channel="client_area", customer=bob, actor=bob, details="Bob's secret question")

    html = alice_client.get(MY_DATA).content.decode()

    for mine in ("ORD-ALICE-1", "192.0.2.10", "alice@example.com", "Martin"):
        assert mine in html
    for theirs in ("ORD-BOB-1", "192.0.2.99", "bob@example.com", "Durand", "secret question"):
        assert theirs not in html


@pytest.mark.django_db
def test_the_page_needs_a_login(client):
    response = client.get(MY_DATA)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_current_consents_are_shown_with_a_link_to_change_them(alice_client, alice):
    factories.ConsentFactory(customer=alice, purpose=Purpose.MARKETING_EMAIL, granted=True)
    factories.ConsentFactory(customer=alice, purpose=Purpose.MARKETING_SMS, granted=True)
    factories.ConsentFactory(customer=alice, purpose=Purpose.MARKETING_SMS, granted=False)

    response = alice_client.get(MY_DATA)

    shown = {str(label): granted for label, granted, _ in response.context["consents"]}
    assert shown[str(Purpose.MARKETING_EMAIL.label)] is True
    assert shown[str(Purpose.MARKETING_SMS.label)] is False
    assert len(shown) == len(Purpose)
    html = response.content.decode()
    assert f'href="{reverse("accounts:profile")}#consents"' in html
    row = re.search(re.escape(escape(str(Purpose.MARKETING_EMAIL.label))) + r"</td><td>(.*?)</td>", html).group(1)
    assert "Given" in row


# --- filing a request (R09) ---


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_kind_select_offers_exactly_the_ten_kinds(alice_client):
    assert _kind_options(alice_client.get(MY_DATA).content.decode()) == list(Kind.values)
    assert len(Kind.values) == 10


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.django_db
def test_each_kind_can_be_filed_from_the_client_area(alice_client, alice, kind):
    data = dict(VALID_SPECIFICS[kind])
    if kind == Kind.AUTOMATED_DECISION_REVIEW:
        data["order"] = _automated_order(alice).pk

    response = _file(alice_client, kind, **data)

    assert response.status_code == 302 and response.url == MY_DATA + "#requests"
    req = DataSubjectRequest.objects.get()
    assert (req.kind, req.channel, req.customer, req.requester_email) == (kind, "client_area", alice, alice.email)
    assert req.identity_verified_at is not None  # the session proves who the customer is (2.4)
    assert req.reference in " ".join(_messages(response))


@pytest.mark.django_db
def test_the_fields_a_kind_needs_are_stored_on_the_request(alice_client, alice):
    order = _automated_order(alice)
    _file(alice_client, Kind.RECTIFICATION, rectify_field="phone", rectify_value="06 12 34 56 78")
    _file(alice_client, Kind.RESTRICTION, restriction_ground="c")
    _file(alice_client, Kind.OBJECTION, objection_scope="service_improvement")
    _file(alice_client, Kind.POST_MORTEM, directive="delete")
    _file(alice_client, Kind.AUTOMATED_DECISION_REVIEW, order=order.pk)

    by_kind = {r.kind: r for r in DataSubjectRequest.objects.all()}
    assert by_kind[Kind.RECTIFICATION].rectification == {"phone": "+33612345678"}  # as the profile would store it
    assert by_kind[Kind.RESTRICTION].restriction_ground == "c"
    assert by_kind[Kind.OBJECTION].objection_scope == "service_improvement"
    assert (by_kind[Kind.POST_MORTEM].directive, by_kind[Kind.POST_MORTEM].trusted_person) == ("delete", "")
    assert by_kind[Kind.AUTOMATED_DECISION_REVIEW].order == order


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        (Kind.RECTIFICATION, {"rectify_value": "Annecy"}, "rectify_field"),
        (Kind.RECTIFICATION, {"rectify_field": "city"}, "rectify_value"),
        (Kind.RECTIFICATION, {"rectify_field": "phone", "rectify_value": "not a phone"}, "rectify_value"),
        (Kind.RECTIFICATION, {"rectify_field": "country", "rectify_value": "Atlantis"}, "rectify_value"),
        (Kind.RECTIFICATION, {"rectify_field": "email", "rectify_value": "bob@example.com"}, "rectify_value"),
        (Kind.RECTIFICATION, {"rectify_field": "is_staff", "rectify_value": "yes"}, "rectify_field"),
        (Kind.RESTRICTION, {}, "restriction_ground"),
        (Kind.RESTRICTION, {"restriction_ground": "e"}, "restriction_ground"),
        (Kind.OBJECTION, {}, "objection_scope"),
        (Kind.POST_MORTEM, {}, "directive"),
        (Kind.POST_MORTEM, {"directive": "hand_over"}, "trusted_person"),
        (Kind.AUTOMATED_DECISION_REVIEW, {}, "kind"),  # no automated decision to review
        (Kind.OTHER, {}, "details"),
        (Kind.ACCESS, {"details": "My card is 4111 1111 1111 1111"}, "details"),
        ("deletion", {}, "kind"),
    ],
)
@pytest.mark.django_db
def test_a_missing_or_wrong_field_is_shown_on_it_and_nothing_is_filed(alice_client, bob, kind, data, field):
    response = _file(alice_client, kind, **data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DataSubjectRequest.objects.exists()
    assert "Nothing was filed" in " ".join(_messages(response))


@pytest.mark.django_db
def test_a_review_needs_the_order_and_another_customers_order_is_refused(alice_client, alice, bob):
    _automated_order(alice)
    theirs = _automated_order(bob)

    assert "order" in _file(alice_client, Kind.AUTOMATED_DECISION_REVIEW).context["form"].errors
    response = _file(alice_client, Kind.AUTOMATED_DECISION_REVIEW, order=theirs.pk)

    assert "order" in response.context["form"].errors
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.django_db
def test_the_message_and_the_page_give_the_due_date_in_full(alice_client, alice):
    with time_machine.travel(FILED, tick=False):
        response = _file(alice_client, Kind.ACCESS)
        page = alice_client.get(MY_DATA).content.decode()

    req = DataSubjectRequest.objects.get()
    assert _messages(response) == [
        f"Your request {req.reference} (Access to my data) is registered. "
        "We will answer by 28 February 2026, Paris time at the latest."
    ]
    assert "28 February 2026, Paris time" in page and "31 January 2026, Paris time" in page


@pytest.mark.django_db
def test_the_request_shows_its_extension_and_only_the_events_meant_for_the_customer(alice_client, alice, dpo):
    with time_machine.travel(FILED, tick=False):
        req = request_file(kind=Kind.ACCESS, channel="client_area", customer=alice, actor=alice)
    with time_machine.travel(datetime(2026, 2, 10, 10, tzinfo=PARIS), tick=False):
        request_start(req, actor=dpo)
        request_extend(req, actor=dpo, until=date(2026, 4, 28), reason="Your services span three data centres.")
        RequestEvent.objects.create(
            request=req, actor=dpo, actor_role="staff", note="Internal: ask billing first", visible_to_subject=False
        )

    html = alice_client.get(MY_DATA).content.decode()

    assert "28 April 2026, Paris time" in html
    assert "Your services span three data centres." in html
    assert escape(str(Status.EXTENDED.label)) in html
    assert "Internal: ask billing first" not in html


@pytest.mark.django_db
def test_what_the_customer_typed_is_escaped(alice_client, alice):
    _file(alice_client, Kind.OTHER, details="<script>alert(1)</script>")

    html = alice_client.get(MY_DATA).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_an_objection_to_marketing_is_carried_out_at_once(alice_client, alice):
    for purpose in (Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS, Purpose.ADVERTISING):
        factories.ConsentFactory(customer=alice, purpose=purpose, granted=True)

    response = _file(alice_client, Kind.OBJECTION, objection_scope="marketing")

    req = DataSubjectRequest.objects.get()
    assert req.status == Status.COMPLETED
    current = consent_current(customer=alice)
    assert not any(current[p] for p in (Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS, Purpose.ADVERTISING))
    assert "already carried out" in _messages(response)[0]
    assert "no more marketing" in _messages(response)[0]


@pytest.mark.django_db
def test_a_withdrawal_of_consent_is_carried_out_at_once(alice_client, alice):
    factories.ConsentFactory(customer=alice, purpose=Purpose.ANALYTICS, granted=True)

    response = _file(alice_client, Kind.WITHDRAW_CONSENT)

    assert DataSubjectRequest.objects.get().status == Status.COMPLETED
    assert not any(consent_current(customer=alice).values())
    assert "All your consents are withdrawn." in _messages(response)[0]


@pytest.mark.django_db
def test_filing_is_post_only(alice_client):
    # Withdrawing and deleting the account answer GET with a page that asks first (tests/privacy/test_my_data_ui.py).
    assert alice_client.get(FILE).status_code == 405


# --- withdrawing (R17) ---


@pytest.mark.django_db
def test_the_customer_withdraws_an_open_request(alice_client, alice):
    req = request_file(kind=Kind.ACCESS, channel="client_area", customer=alice, actor=alice)
    assert "Withdraw this request" in alice_client.get(MY_DATA).content.decode()

    response = alice_client.post(reverse("privacy:request_withdraw", args=[req.pk]))

    req.refresh_from_db()
    assert response.status_code == 302 and req.status == Status.WITHDRAWN
    assert _messages(response) == [f"Your request {req.reference} is withdrawn."]
    assert "Withdraw this request" not in alice_client.get(MY_DATA).content.decode()


@pytest.mark.django_db
def test_another_customers_request_is_a_404(alice_client, bob):
    theirs = request_file(kind=Kind.ACCESS, channel="client_area", customer=bob, actor=bob)

    assert alice_client.post(reverse("privacy:request_withdraw", args=[theirs.pk])).status_code == 404
    assert alice_client.post(reverse("privacy:request_withdraw", args=[10**9])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.RECEIVED


@pytest.mark.django_db
def test_a_closed_request_cannot_be_withdrawn(alice_client, alice):
    req = request_file(kind=Kind.WITHDRAW_CONSENT, channel="client_area", customer=alice, actor=alice)
    events = req.events.count()

    response = alice_client.post(reverse("privacy:request_withdraw", args=[req.pk]))

    req.refresh_from_db()
    assert req.status == Status.COMPLETED and req.events.count() == events
    assert "cannot become" in _messages(response)[0]


# --- "Delete my account" (R06) ---


@pytest.mark.django_db
def test_delete_my_account_files_an_erasure_request_and_deletes_nothing(client, alice, password):
    client.force_login(alice)
    with time_machine.travel(FILED, tick=False):
        response = client.post(DELETE_ACCOUNT, {"confirm": "on"})

    req = DataSubjectRequest.objects.get()
    assert (req.kind, req.channel, req.status, req.customer) == (Kind.ERASURE, "client_area", Status.RECEIVED, alice)
    assert "28 February 2026, Paris time" in _messages(response)[0]
    alice.refresh_from_db()
    assert alice.is_active and alice.state == User.State.ACTIVE
    client.logout()
    assert client.login(username="alice@example.com", password=password)


@pytest.mark.django_db
def test_delete_my_account_needs_the_box_ticked(alice_client):
    response = alice_client.post(DELETE_ACCOUNT, {})

    assert "confirm" in response.context["form"].errors
    assert not DataSubjectRequest.objects.exists()


# --- human review of an automated decision (R28) ---


@pytest.mark.django_db
def test_the_order_page_offers_a_review_only_for_automated_decisions(alice_client, alice):
    automated, plain = _automated_order(alice), factories.OrderFactory(customer=alice)

    html = alice_client.get(reverse("accounts:order_detail", args=[automated.pk])).content.decode()
    assert "Ask for a human review" in html and "Card country differs from IP country" in html
    assert (
        "Ask for a human review"
        not in alice_client.get(reverse("accounts:order_detail", args=[plain.pk])).content.decode()
    )


@pytest.mark.django_db
def test_asking_for_a_review_files_it_with_the_order(alice_client, alice):
    order = _automated_order(alice)

    response = alice_client.post(reverse("privacy:order_review", args=[order.pk]), {"details": "I live abroad."})

    req = DataSubjectRequest.objects.get()
    assert (req.kind, req.order, req.customer, req.details) == (
        Kind.AUTOMATED_DECISION_REVIEW,
        order,
        alice,
        "I live abroad.",
    )
    assert response.url == MY_DATA + "#requests"


@pytest.mark.django_db
def test_a_review_of_another_customers_or_a_manual_order_is_a_404(alice_client, alice, bob):
    theirs, manual = _automated_order(bob), factories.OrderFactory(customer=alice)

    assert alice_client.post(reverse("privacy:order_review", args=[theirs.pk])).status_code == 404
    assert alice_client.post(reverse("privacy:order_review", args=[manual.pk])).status_code == 404
    assert not DataSubjectRequest.objects.exists()


# --- the page costs the same whatever the history ---


def _history(customer, n):
    """n rows per category, written in bulk so the 1,000-row customer is quick to build."""
    now, tag = timezone.now(), customer.pk
    orders = Order.objects.bulk_create(
        Order(customer=customer, reference=f"O{tag}-{i}", product="Hosting", amount=Decimal("10")) for i in range(n)
    )
    Service.objects.bulk_create(Service(customer=customer, order=o, name="Hosting") for o in orders)
    Domain.objects.bulk_create(Domain(customer=customer, name=f"d{tag}-{i}.fr", expires_at=now) for i in range(n))
    AffiliateCommission.objects.bulk_create(
        AffiliateCommission(affiliate=customer, order=o, amount=Decimal("1")) for o in orders
    )
    invoices = Invoice.objects.bulk_create(
        Invoice(customer=customer, number=f"F{tag}-{i}", issued_at=now, status="unpaid", total=Decimal("10"))
        for i in range(n)
    )
    InvoiceLine.objects.bulk_create(InvoiceLine(invoice=v, description="Hosting", unit_price=10) for v in invoices)
    Transaction.objects.bulk_create(
        Transaction(customer=customer, provider="stripe", provider_reference=f"pi{tag}-{i}", amount=10, method="card")
        for i in range(n)
    )
    tickets = SupportTicket.objects.bulk_create(SupportTicket(customer=customer, subject="Down") for _ in range(n))
    TicketMessage.objects.bulk_create(
        TicketMessage(ticket=t, author=customer, author_role="customer", body="Help") for t in tickets
    )
    ConnectionLog.objects.bulk_create(ConnectionLog(customer=customer, ip="192.0.2.1", success=True) for _ in range(n))
    ChangeLog.objects.bulk_create(
        ChangeLog(customer=customer, field="city", actor=customer, actor_role="customer", channel="client_area")
        for _ in range(n)
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            customer=customer,
            purpose=Purpose.MARKETING_EMAIL,
            granted=i % 2 == 0,
            policy_version="2026-11-01",
            language="en",
            source="profile",
        )
        for i in range(n)
    )
    requests = DataSubjectRequest.objects.bulk_create(
        DataSubjectRequest(
            kind=Kind.ACCESS,
            channel="client_area",
            customer=customer,
            requester_name="x",
            requester_email=customer.email,
            received_at=now,
            due_at=now + timedelta(days=30),
        )
        for _ in range(n)
    )
    RequestEvent.objects.bulk_create(
        RequestEvent(request=r, actor_role="system", to_status="received", note="Client area") for r in requests
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_10_and_1000_rows_per_category(client, alice, bob):
    _history(alice, PAGE_ROWS)
    _history(bob, 1000)
    client.force_login(alice)
    client.get(MY_DATA)  # warms the cached policy version in force (one query a minute per process)
    small = _queries(client, MY_DATA)
    client.force_login(bob)
    large = _queries(client, MY_DATA)

    assert small == large
    # session, user, savepoint, release; per owned model its rows and, once it reaches the page size, its count;
    # current consents; the requests, their visible events and their count; the orders a review can name.
    owned_models = sum(1 for e in registry.entries() if e.owner is not None)
    assert large <= 4 + 2 * owned_models + 1 + 3 + 1
    html = client.get(MY_DATA).content.decode()
    assert f"Newest {PAGE_ROWS} of 1000 shown" in html
    assert "Newest 20 of 1000 requests shown." in html


# What the page's template drew for each section before the tables were written in Python (privacy/templatetags/
# personal_data_tags.py): the Python must write the same markup, values escaped and localised the same way.
SECTIONS_AS_THE_TEMPLATE_DREW_THEM = (Path(__file__).parent / "data_sections_as_drawn.html").read_text()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_tables_written_in_python_are_what_the_template_drew(alice, language):
    from django.template import Context, Template
    from django.test.html import parse_html
    from django.utils import translation

    from privacy.views import _categories
    from tests.accounts.test_query_counts import _history

    _history(alice, PAGE_ROWS + 2)  # long enough to be cut, with dates, amounts, choices and booleans
    factories.OrderFactory(customer=alice, product='<script>alert("x")</script> & <b>co</b>', amount=Decimal("1234.5"))
    with translation.override(language):
        categories = _categories(alice)
        assert any(s.truncated for item in categories for s in item["sections"])
        assert any(s.pairs for item in categories for s in item["sections"])
        assert any(not s.rows for item in categories for s in item["sections"])
        for item in categories:
            context = {"sections": item["sections"]}
            drawn = Template(SECTIONS_AS_THE_TEMPLATE_DREW_THEM).render(Context(context))
            written = Template("{% load personal_data_tags %}{% data_sections sections %}").render(Context(context))
            assert parse_html(written) == parse_html(drawn), item["category"].slug
            assert "<script>" not in written


@pytest.mark.django_db
def test_a_changed_retention_period_shows_at_once_though_the_category_tables_are_kept(client, alice, settings):
    """The "how long we keep it" tables are drawn once per wording (personal_data_tags.category_about): a new
    period is a new wording, never yesterday's table."""
    factories.ConnectionLogFactory(customer=alice)
    client.force_login(alice)
    settings.HOST_OBLIGATIONS = False
    settings.RETENTION_CONNECTION_LOG_MONTHS = 12
    assert "12 months (counted from" in client.get(MY_DATA).content.decode()

    settings.RETENTION_CONNECTION_LOG_MONTHS = 9
    html = client.get(MY_DATA).content.decode()

    assert "9 months (counted from" in html
