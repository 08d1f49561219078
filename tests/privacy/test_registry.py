"""The personal-data registry covers every model that holds personal data, each with a retention rule (R61)."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation

from accounts import services
from accounts.models import Invoice, InvoiceLine
from privacy.personal_data import held_counts, newest_rows, personal_data_for, subject_rows
from privacy.registry import Anonymise, Delete, Keep, registry
from retention.rules import RULES
from tests import factories

PERSONAL_NAME = re.compile(
    r"email|(first|last|full|billing)_name|phone|address|postal|city|country|ip$|^ip_|user_agent|vat|birth|body"
    r"|message|note|company|repr"
)
NOT_PERSONAL = {"content_type", "codename", "app_label", "model"}


def _looks_personal(model):
    """Fields that name a person or point at one: what a reviewer would call personal data."""
    found = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue
        if field.name in NOT_PERSONAL:
            continue
        points_at_a_person = field.is_relation and field.related_model is apps.get_model(settings.AUTH_USER_MODEL)
        if points_at_a_person or PERSONAL_NAME.search(field.name):
            found.append(field.name)
    return found


def _all_models():
    return [m for m in apps.get_models() if not m._meta.proxy]


def test_every_model_is_registered_or_exempt_with_a_reason():
    missing = [m._meta.label for m in _all_models() if not registry.is_registered(m) and not registry.exemption(m)]

    assert missing == []


def test_no_exempt_model_holds_personal_fields():
    offenders = {
        m._meta.label: _looks_personal(m) for m in _all_models() if registry.exemption(m) and _looks_personal(m)
    }

    assert offenders == {}


def test_the_personal_field_detector_sees_the_obvious():
    from accounts.models import ConnectionLog, Order, Prospect

    assert "email" in _looks_personal(Prospect)
    assert "ip" in _looks_personal(ConnectionLog)
    assert "customer" in _looks_personal(Order)


def test_every_entry_names_a_published_retention_rule():
    unknown = {e.model._meta.label: e.retention for e in registry.entries() if e.retention not in RULES}

    assert unknown == {}


def test_every_entry_matches_its_model():
    assert registry.problems() == []


def test_every_category_says_why_and_on_what_basis():
    for category in registry.categories():
        assert category.label and category.purpose and category.legal_basis, category.slug


def test_every_erasure_action_is_explicit_and_keeps_say_why():
    for entry in registry.entries():
        assert isinstance(entry.erasure, Delete | Anonymise | Keep), entry.model
        if isinstance(entry.erasure, Keep):
            assert str(entry.erasure.reason), entry.model


def test_registering_twice_is_refused():
    from accounts.models import Order

    with pytest.raises(ValueError):
        entry = registry.entry(Order)
        registry.register(Order, category=entry.category, fields=entry.fields, erasure=entry.erasure, retention="x")


def _ticket_files_and_answers(customer, message):
    from django.core.files.base import ContentFile

    from accounts.models import ChatTranscript, ProcessingObjection, Survey, SurveyAnswer, TicketAttachment

    attachment = TicketAttachment(message=message, original_name="a.txt", content_type="text/plain", size=2)
    attachment.file.save("a.txt", ContentFile(b"hi"), save=True)
    transcript = ChatTranscript(ticket=message.ticket, original_name="c.txt", content="[09:00] me: hi")
    transcript.file.save("c.txt", ContentFile(b"[09:00] me: hi"), save=True)
    survey = Survey.objects.get_or_create(title="Feedback")[0]
    SurveyAnswer.objects.create(survey=survey, customer=customer, question="Rating", answer="5")
    ProcessingObjection.objects.create(customer=customer, purpose="service_improvement")


def _everything(customer):
    order = factories.OrderFactory(customer=customer)
    factories.ServiceFactory(customer=customer, order=order)
    factories.DomainFactory(customer=customer)
    invoice = services.invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=customer).invoice)
    factories.TransactionFactory(customer=customer, invoice=invoice)
    message = factories.TicketMessageFactory(ticket__customer=customer)
    _ticket_files_and_answers(customer, message)
    factories.CommissionFactory(affiliate=customer)
    factories.ConnectionLogFactory(customer=customer)
    factories.ChangeLogFactory(customer=customer)
    factories.ConsentFactory(customer=customer)
    factories.RecurringPaymentEventFactory(customer=customer, service=customer.services.first())
    from privacy.models import PostMortemDirective, RecipientNotification, Restriction
    from privacy.services.requests import request_file

    req = request_file(kind="restriction", channel="client_area", customer=customer, restriction_ground="a")
    Restriction.objects.create(customer=customer, request=req, ground="a")
    RecipientNotification.objects.create(request=req, recipient="Our hosting provider", categories="Orders")
    PostMortemDirective.objects.create(customer=customer, instruction="keep")
    from privacy.services.statements import statement_add

    statement_add(customer=customer, about="accounts.invoice.billing_name", statement="Misspelt", request=req)
    from privacy.models import Campaign, CampaignDelivery, EngagementEvent, ParentalConsent

    campaign = Campaign.objects.get_or_create(name="News", defaults={"text": "Hi"})[0]
    delivery = CampaignDelivery.objects.create(campaign=campaign, customer=customer, channel="email", tracked=True)
    EngagementEvent.objects.create(delivery=delivery, kind="open")
    ParentalConsent.objects.create(customer=customer, guardian_name="Parent", method="email")
    _accountability(customer, req)


def _accountability(customer, req):

    from accounts.models import SiteCredential
    from privacy.models import AuthorityDisclosure, Breach, BreachFollowUp, BreachSubject
    from privacy.services.audit import audit_record

    credential = SiteCredential(service=customer.services.first(), label="WordPress admin")
    credential.set_secret("s3cret")
    credential.save()
    audit_record(actor=None, action="view", obj=req)
    breach = Breach.objects.create(
        became_aware_at=timezone.now(),
        nature="n",
        data_categories="d",
        people_categories="p",
        people_count=1,
        records_count=1,
        consequences="c",
        measures="m",
        risk="high",
        recorded_by=customer,
    )
    BreachFollowUp.objects.create(breach=breach, author=customer, note="called the host")
    BreachSubject.objects.create(breach=breach, customer=customer)
    AuthorityDisclosure.objects.create(
        customer=customer,
        disclosed_at=timezone.now(),
        authority="Court",
        legal_reference="CPP 60-1",
        data_categories="d",
    )


@pytest.mark.django_db
def test_each_entry_finds_only_the_subjects_rows(alice, bob):
    _everything(alice)
    _everything(bob)

    for entry in registry.entries():
        if entry.owner is None:
            continue
        mine = entry.rows_for_user(alice)
        assert not mine.filter(entry.owner_filter(bob)).exists(), entry.model
        if entry.model._meta.app_label in ("accounts", "privacy"):
            assert mine.exists(), entry.model


@pytest.mark.django_db
def test_the_personal_data_view_has_every_category_in_one_query_per_model(alice, django_assert_max_num_queries):
    _everything(alice)
    owned = [e for e in registry.entries() if e.owner is not None or e.email_field]

    with django_assert_max_num_queries(len(owned)):
        sections = personal_data_for(alice)

    assert {c.slug for c, _ in sections} == {e.category.slug for e in owned}
    identity = next(s for c, secs in sections for s in secs if s.entry.model is type(alice))
    assert identity.rows[0][identity.entry.fields.index("email")] == "alice@example.com"


def _counted_one_by_one(user):
    owned = [e for e in registry.entries() if e.owner is not None or e.email_field]
    return owned, [subject_rows(e, user).count() for e in owned]


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_one_counting_query_counts_what_each_models_own_query_finds(alice, bob):
    """held_counts runs SQL compiled once for a stand-in account: with another account's id and address bound, it
    must count exactly what subject_rows finds, wildcard characters of an address included (R08)."""
    from accounts.models import Prospect, User

    _everything(alice)
    wild = User.objects.create_user(email="a_b%c@example.org", first_name="Wild")
    User.objects.filter(pk=wild.pk).update(email_verified_at=timezone.now())
    wild.refresh_from_db()
    factories.ProspectFactory(email="a_b%c@example.org")
    factories.ProspectFactory(email="axb%c@example.org")  # "_" must not match any character
    factories.ProspectFactory(email="a_bxyzc@example.org")  # nor "%" any text
    assert registry.entry(Prospect).email_field

    for user in (alice, bob, wild, alice):
        owned, expected = _counted_one_by_one(user)
        assert held_counts(owned, user) == expected, user.email
        # The rows too, read with SQL compiled once, converted as the ORM converts them (dates, decimals, JSON).
        for entry in owned:
            orm = list(subject_rows(entry, user).order_by("-pk").values_list(*entry.fields)[:5])
            assert newest_rows(entry, user, 5) == orm, entry.model
    assert held_counts(*([e for e in registry.entries() if e.model is Prospect], wild)) == [1]


@pytest.mark.django_db
def test_one_query_counts_every_model_then_only_the_models_holding_something_are_read(bob, django_assert_num_queries):
    owned, counts = _counted_one_by_one(bob)
    holding = [e.model for e, n in zip(owned, counts, strict=True) if n]
    assert 0 < len(holding) < len(owned) / 4, holding  # a new customer: the account record, the address

    with django_assert_num_queries(1 + len(holding)):
        personal_data_for(bob)


@pytest.mark.django_db
def test_prospects_are_found_by_email_whatever_its_case():
    from accounts.models import Prospect

    factories.ProspectFactory(email="paul@example.org")

    assert registry.entry(Prospect).rows_for_email("  Paul@Example.ORG ").count() == 1


def test_a_column_is_labelled_from_the_field_its_path_ends_on():
    entry = registry.entry(InvoiceLine)

    assert entry.final_field("invoice__number") is Invoice._meta.get_field("number")
    assert entry.final_field("quantity") is InvoiceLine._meta.get_field("quantity")
    with translation.override("fr"):
        assert entry.column_label("invoice__number") == str(Invoice._meta.get_field("number").verbose_name) != "number"


@pytest.mark.django_db
def test_my_personal_data_shows_what_was_held_as_a_prospect_under_the_verified_address(alice_client, alice):
    factories.ProspectFactory(email="ALICE@example.com", first_name="Alicia")
    factories.ProspectFactory(email="someone-else@example.com", first_name="Zed")

    text = alice_client.get("/account/privacy/").content.decode()

    assert "Alicia" in text and "Zed" not in text


@pytest.mark.django_db
def test_an_unverified_address_does_not_pull_in_a_prospects_rows(client):
    customer = factories.CustomerFactory(email="new@example.com", email_verified_at=None)
    factories.ProspectFactory(email="new@example.com", first_name="Older")
    client.force_login(customer)

    assert "Older" not in client.get("/account/privacy/").content.decode()
