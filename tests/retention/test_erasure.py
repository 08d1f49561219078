"""The erasure engine: the registry applied whole, in one transaction, leaving only what the law keeps (R23, R54)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from accounts.models import ConnectionLog, Invoice, Order, Prospect, SupportTicket, TicketMessage, User
from privacy.models import ConsentRecord, DataSubjectRequest
from privacy.registry import Keep, registry
from retention import engine
from retention.engine import erase
from retention.models import ErasureTombstone, LegalHold
from retention.services import customer_erase, email_subject_erase, erasure_preview
from tests import factories
from tests.retention.population import everything

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
EMAIL, FIRST, LAST = "zebulon.quackenbush@example.com", "Zebulon", "Quackenbush"


@pytest.fixture
def zebulon(db, dpo):
    with time_machine.travel(NOW, tick=False):
        customer = factories.CustomerFactory(
            email=EMAIL, first_name=FIRST, last_name=LAST, phone="+33612345678", company="Quackenbush SARL"
        )
        everything(customer, now=NOW, staff=dpo)
    return customer


def _model_of_table():
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def _allowed(model, column):
    """A kept category may hold the person's details, but only in the fields its keep reason lists."""
    if model is None or not registry.is_registered(model):
        return False
    entry = registry.entry(model)
    if not isinstance(entry.erasure, Keep):
        return False
    listed = entry.erasure.fields or (*entry.fields, *entry.personal_fields)
    names = {model._meta.get_field(f).column for f in listed if "__" not in f}
    return column in names


def _leftovers(*needles):
    """(table, column, needle) for every column of every table that still holds one of the needles."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column.name)
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quoted_table} WHERE LOWER(CAST({quoted_column} AS TEXT)) LIKE %s",  # noqa: S608
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append((table, column.name, needle))
    return found


@pytest.mark.django_db
def test_after_erasure_no_table_holds_the_persons_email_or_name_outside_what_the_law_keeps(zebulon):
    before = _leftovers(EMAIL, FIRST, LAST)
    assert {t for t, _c, _n in before} >= {"accounts_user", "accounts_order", "accounts_prospect", "accounts_changelog"}

    with time_machine.travel(NOW, tick=False):
        customer_erase(customer=zebulon, reference="test")

    tables = _model_of_table()
    offending = [(t, c, n) for t, c, n in _leftovers(EMAIL, FIRST, LAST) if not _allowed(tables.get(t), c)]
    assert offending == []


@pytest.mark.django_db
def test_what_is_kept_is_cut_down_to_what_its_reason_needs(zebulon):
    order = Order.objects.get(customer=zebulon, target_url__contains="zebulon")

    with time_machine.travel(NOW, tick=False):
        customer_erase(customer=zebulon, reference="test")

    order.refresh_from_db()
    assert (order.target_url, order.buyer_ip, order.reference, order.amount) == (
        "",
        None,
        order.reference,
        order.amount,
    )
    invoice = Invoice.objects.get(customer=zebulon)
    assert invoice.billing_name == f"{FIRST} {LAST}" and invoice.number  # the accounting record, untouched
    assert ConnectionLog.objects.get(customer=zebulon).user_agent == ""
    consents = ConsentRecord.objects.filter(customer=zebulon)
    assert consents.count() == 2 and set(consents.values_list("ip", "user_agent")) == {(None, "")}
    assert not SupportTicket.objects.filter(customer=zebulon).exists()
    assert not TicketMessage.objects.filter(body__contains=FIRST).exists()
    assert not Prospect.objects.filter(email__iexact=EMAIL).exists()


@pytest.mark.django_db
def test_the_account_becomes_an_anonymised_tombstone_that_cannot_log_in(zebulon):
    with time_machine.travel(NOW, tick=False):
        customer_erase(customer=zebulon, reference="test")

    tombstone = User.objects.get(pk=zebulon.pk)
    assert tombstone.email == f"erased-{zebulon.pk}@invalid"
    assert (tombstone.first_name, tombstone.last_name, tombstone.phone, tombstone.company) == ("", "", "", "")
    assert tombstone.state == User.State.ERASED and tombstone.erased_at == NOW
    assert not tombstone.is_active and not tombstone.has_usable_password()


@pytest.mark.django_db
def test_an_account_nothing_kept_points_to_is_deleted_outright(db):
    with time_machine.travel(NOW, tick=False):
        nobody = factories.CustomerFactory(email="nobody@example.com")
        factories.ConsentFactory(customer=nobody)
        factories.ChangeLogFactory(customer=nobody)
        factories.TicketMessageFactory(ticket__customer=nobody)
        result = customer_erase(customer=nobody, reference="test")

    assert not User.objects.filter(pk=nobody.pk).exists()
    assert not ConsentRecord.objects.filter(customer_id=nobody.pk).exists()
    assert result.counts["rows"]["accounts.User"] == {"deleted": 1}
    assert result.kept_lines == []


@pytest.mark.django_db
def test_each_erasure_leaves_one_keyed_tombstone_and_never_the_values(zebulon, settings):
    with time_machine.travel(NOW, tick=False):
        customer_erase(customer=zebulon, reference="R-TEST")

    tombstone = ErasureTombstone.objects.get()
    assert tombstone.subject_digest == engine.customer_digest(zebulon.pk)
    assert tombstone.contact_digest == engine.email_digest(EMAIL)
    assert (tombstone.reference, tombstone.kind) == ("R-TEST", "customer")
    assert EMAIL not in str(ErasureTombstone.objects.values().get())

    settings.ERASURE_HASH_KEY = "another key"
    assert engine.customer_digest(zebulon.pk) != tombstone.subject_digest


@pytest.mark.django_db
def test_an_erased_customer_cannot_be_erased_twice(zebulon):
    with time_machine.travel(NOW, tick=False):
        customer_erase(customer=zebulon, reference="test")
        with pytest.raises(engine.ErasureBlocked, match="already been erased"):
            customer_erase(customer=zebulon, reference="test")

    assert ErasureTombstone.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_midway_leaves_the_person_untouched(zebulon, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the machine died here")

    # The last write of an erasure: everything before it must roll back with it.
    monkeypatch.setattr(erase, "tombstone_write", fail)
    with time_machine.travel(NOW, tick=False), pytest.raises(RuntimeError):
        customer_erase(customer=zebulon, reference="test")

    assert User.objects.get(pk=zebulon.pk).email == EMAIL
    assert SupportTicket.objects.filter(customer=zebulon).exists()
    assert Order.objects.filter(customer=zebulon, target_url__contains="zebulon").exists()


@pytest.mark.django_db
def test_a_held_record_is_kept_whole_and_keeps_the_account_as_a_tombstone(db):
    from django.contrib.contenttypes.models import ContentType

    with time_machine.travel(NOW, tick=False):
        customer = factories.CustomerFactory(first_name="Held")
        ticket = factories.TicketMessageFactory(ticket__customer=customer, body="Proof for the court").ticket
        factories.TicketMessageFactory(ticket__customer=customer)
        LegalHold.objects.create(
            content_type=ContentType.objects.get_for_model(SupportTicket), object_id=ticket.pk, reason="Lawsuit"
        )
        preview = erasure_preview(customer=customer)
        customer_erase(customer=customer, reference="test")

    assert SupportTicket.objects.filter(customer=customer).get() == ticket
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
    assert User.objects.get(pk=customer.pk).state == User.State.ERASED
    support = next(c for c in preview.categories if c.category.slug == "support")
    assert (support.deleted, support.held) == (2, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("blocker", ["legal_hold", "restriction", "active_service"])
def test_the_law_makes_some_erasures_wait(zebulon, blocker):
    from privacy.models import Restriction

    if blocker == "legal_hold":
        LegalHold.objects.create(customer=zebulon, reason="Unpaid balance", reference="INV-9")
    elif blocker == "restriction":
        Restriction.objects.create(customer=zebulon, request=DataSubjectRequest.objects.first(), ground="b")
    else:
        factories.ServiceFactory(customer=zebulon)

    with pytest.raises(engine.ErasureBlocked) as refused:
        customer_erase(customer=zebulon, reference="test")

    assert refused.value.code == blocker
    assert User.objects.get(pk=zebulon.pk).email == EMAIL


@pytest.mark.django_db
def test_the_preview_counts_exactly_what_the_erasure_then_does(zebulon):
    with time_machine.travel(NOW, tick=False):
        preview = erasure_preview(customer=zebulon)
        counts = engine.new_counts()
        engine.predict_customers(User.objects.filter(pk=zebulon.pk), counts=counts, held=frozenset(), at=NOW)
        result = customer_erase(customer=zebulon, reference="test")

    assert result.counts == counts
    invoices = next(c for c in preview.categories if c.category.slug == "invoices")
    assert invoices.kept == 2 and invoices.deleted == 0  # the invoice and its line
    assert preview.customer_row == "anonymised"
    lines = [str(line) for line in result.kept_lines]
    assert any(line.startswith("kept: Invoices — Accounting record kept 10 years") for line in lines), lines
    assert any("until 31 December 2035" in line for line in lines), lines


@pytest.mark.django_db
def test_a_person_without_an_account_is_erased_by_email_only(alice):
    with time_machine.travel(NOW, tick=False):
        factories.ProspectFactory(email="Paul@Example.org", first_name="Paul")
        from privacy.models import PendingPublicRequest

        PendingPublicRequest.objects.create(name="Paul", email="paul@example.org", kind="erasure")
        factories.ProspectFactory(email="alice@example.com")
        result = email_subject_erase(email="paul@example.org", reference="R-PAUL")

    assert not Prospect.objects.filter(email__iexact="paul@example.org").exists()
    assert not PendingPublicRequest.objects.filter(email="paul@example.org").exists()
    assert Prospect.objects.filter(email="alice@example.com").exists()
    assert User.objects.filter(email="alice@example.com").exists()
    assert result.counts["rows"]["accounts.Prospect"] == {"deleted": 1}
    tombstone = ErasureTombstone.objects.get()
    assert (tombstone.kind, tombstone.subject_digest) == ("email", engine.email_digest("paul@example.org"))


@pytest.mark.django_db
def test_another_customers_data_is_never_touched(zebulon, bob):
    with time_machine.travel(NOW, tick=False):
        everything(bob, now=NOW)
        before = {
            label: list(m._base_manager.filter(**{f"{registry.entry(m).owner}": bob}).order_by("pk").values())
            for label, m in ((m._meta.label, m) for m in (Order, SupportTicket, ConnectionLog, ConsentRecord))
        }
        customer_erase(customer=zebulon, reference="test")

    after = {
        label: list(m._base_manager.filter(**{f"{registry.entry(m).owner}": bob}).order_by("pk").values())
        for label, m in ((m._meta.label, m) for m in (Order, SupportTicket, ConnectionLog, ConsentRecord))
    }
    assert after == before
    assert User.objects.get(pk=bob.pk).email == "bob@example.com"
