"""seed_demo: the two demo logins, a population in every state, a second run that adds nothing, bulk customers."""

from collections import defaultdict
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import (
    AffiliateCommission,
    ChangeLog,
    ConnectionLog,
    Invoice,
    InvoiceSequence,
    Order,
    Prospect,
    Service,
    SupportTicket,
    TicketMessage,
    Transaction,
    User,
)
from accounts.validators import validate_eu_vat
from privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db

GENERATED = {"email__startswith": "gen-", "email__endswith": "@example.net"}


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    models = [*apps.get_app_config("accounts").get_models(), *apps.get_app_config("privacy").get_models()]
    return {m._meta.label: m._default_manager.count() for m in models}


@pytest.mark.smoke
def test_it_creates_the_demo_customer_and_the_dpo_with_working_passwords(client):
    out = seed()

    customer = User.objects.get(email="customer@example.com")
    assert customer.check_password("demo-password")
    assert (customer.first_name, customer.last_name, customer.preferred_language) == ("Camille", "Dupont", "fr")
    assert customer.state == User.State.ACTIVE and customer.is_active and customer.email_verified_at
    assert customer.phone and customer.address and customer.city
    dpo = User.objects.get(email="dpo@example.com")
    assert dpo.check_password("demo-password")
    assert dpo.is_staff and dpo.is_superuser and dpo.is_active and dpo.email_verified_at
    assert dpo.groups.filter(name="DPO").exists()
    assert client.login(username="customer@example.com", password="demo-password")
    assert client.login(username="dpo@example.com", password="demo-password")
    assert "Named people: 14 created, 0 already there." in out
    assert "accounts.User: +14" in out


def test_the_password_comes_from_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret")

    seed()

    for email in ("customer@example.com", "dpo@example.com"):
        user = User.objects.get(email=email)
        assert user.check_password("another-secret")
        assert not user.check_password("demo-password")


def test_the_demo_customer_has_a_history_in_every_part_of_the_account():
    seed()
    customer = User.objects.get(email="customer@example.com")
    dpo = User.objects.get(email="dpo@example.com")

    assert customer.orders.count() >= 3
    assert customer.services.filter(status=Service.Status.ACTIVE).exists()
    assert customer.domains.count() >= 2
    issued = customer.invoices.filter(number__isnull=False)
    assert issued.count() >= 5
    assert all(invoice.lines.exists() for invoice in issued)
    assert issued.filter(status=Invoice.Status.PAID).exists()
    assert issued.filter(status=Invoice.Status.UNPAID).exists()
    assert customer.transactions.count() >= issued.count()
    assert customer.tickets.filter(status=SupportTicket.Status.CLOSED).exists()
    assert customer.tickets.filter(status=SupportTicket.Status.OPEN).exists()
    replies = TicketMessage.objects.filter(ticket__customer=customer, author_role=TicketMessage.Role.SUPPORT)
    assert replies.exists()
    assert set(replies.values_list("author", flat=True)) == {dpo.pk}
    own = TicketMessage.objects.filter(ticket__customer=customer, author_role=TicketMessage.Role.CUSTOMER)
    assert set(own.values_list("author", flat=True)) == {customer.pk}
    assert customer.connection_logs.filter(success=True).exists()
    assert customer.connection_logs.filter(success=False).exists()
    assert customer.change_logs.filter(actor=customer).exists()
    assert customer.change_logs.filter(actor=dpo, actor_role="staff").exists()
    assert customer.consents.count() >= 5
    assert customer.last_login == customer.connection_logs.filter(success=True).latest("created_at").created_at


def test_the_population_has_every_life_cycle_state():
    seed()

    assert set(User.objects.values_list("state", flat=True)) == set(User.State.values)
    for user in User.objects.filter(state=User.State.ARCHIVED):
        assert user.archived_at and not user.is_active
    for user in User.objects.filter(state=User.State.TERMINATED):
        assert user.terminated_at and not user.is_active
    erased = User.objects.get(state=User.State.ERASED)
    assert erased.email == f"erased-{erased.pk}@invalid"
    assert erased.erased_at and not erased.is_active and not erased.has_usable_password()
    assert (erased.first_name, erased.last_name, erased.phone, erased.address, erased.city) == ("", "", "", "", "")
    # What the registry keeps of an erased customer: accounting records, without network details.
    assert erased.invoices.filter(number__isnull=False, status=Invoice.Status.PAID).exists()
    assert erased.orders.exists() and not erased.orders.exclude(target_url="", buyer_ip=None).exists()
    assert not erased.tickets.exists() and not erased.services.exists() and not erased.change_logs.exists()
    assert not erased.consents.exclude(ip=None, user_agent="").exists()


def test_the_erased_customer_went_through_the_real_erasure(django_capture_on_commit_callbacks, settings, monkeypatch):
    from retention.models import ErasureTombstone

    # The journal line is written on commit; so are the demo's two dozen export builds, which are not what this
    # test is about and took two minutes: they are left queued.
    monkeypatch.setattr("exports.services._send", lambda job_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    erased = User.objects.get(state=User.State.ERASED)
    tombstone = ErasureTombstone.objects.get()

    # The engine's own marks: its tombstone, in the table and the journal, dated when the erasure happened.
    assert tombstone.kind == ErasureTombstone.Kind.CUSTOMER and tombstone.reference == "DEMO-ERASURE"
    assert tombstone.erased_at == erased.erased_at == erased.state_changed_at
    assert timedelta(days=399) < timezone.now() - erased.erased_at < timedelta(days=401)
    assert erased.archived_at < erased.erased_at
    assert "DEMO-ERASURE" in Path(settings.ERASURE_JOURNAL).read_text()

    seed()

    assert ErasureTombstone.objects.count() == 1


def test_the_population_has_an_empty_a_professional_and_an_affiliate_customer():
    seed()
    now = timezone.now()

    empty = User.objects.get(email="lea.roux@example.com")
    assert not empty.orders.exists() and not empty.services.exists()
    assert now - timedelta(days=220) < empty.date_joined < now - timedelta(days=200)

    pro = User.objects.get(email="sophie.martin@example.com")
    assert pro.is_professional and pro.company
    validate_eu_vat(pro.vat_number)
    assert pro.invoices.filter(billing_vat_number=pro.vat_number).exists()

    affiliate = User.objects.get(affiliate_code__isnull=False)
    commissions = AffiliateCommission.objects.filter(affiliate=affiliate)
    assert set(commissions.values_list("status", flat=True)) == set(AffiliateCommission.Status.values)
    assert not commissions.filter(order__customer=affiliate).exists()
    referred = User.objects.filter(referred_by_code=affiliate.affiliate_code)
    assert set(commissions.values_list("order__customer", flat=True)) <= set(referred.values_list("pk", flat=True))
    assert not commissions.exclude(status=AffiliateCommission.Status.PENDING).filter(decided_at=None).exists()


def test_the_named_customers_pass_the_models_own_validation():
    seed()

    for user in User.objects.exclude(state=User.State.ERASED):
        phone = user.phone
        user.full_clean()
        assert user.phone == phone, "phones are stored in E.164 form, as the profile form saves them"


def test_orders_services_invoices_and_payments_come_in_every_status():
    seed()
    now = timezone.now()

    assert set(Order.objects.values_list("status", flat=True)) == set(Order.Status.values)
    assert not Order.objects.filter(status_changed_at__gte=now).exists()
    assert set(Service.objects.values_list("status", flat=True)) == set(Service.Status.values)
    assert set(Invoice.objects.values_list("status", flat=True)) == set(Invoice.Status.values)
    assert set(Transaction.objects.values_list("provider", flat=True)) == set(Transaction.Provider.values)
    assert Invoice.objects.filter(status=Invoice.Status.DRAFT, number=None).exists()
    assert Invoice.objects.filter(status=Invoice.Status.CANCELLED, number=None, cancelled_at__isnull=False).exists()
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE, credited_invoice__status=Invoice.Status.CANCELLED)
    assert note.number and note.credited_invoice.number and note.credited_invoice.cancelled_at
    assert note.total == -note.credited_invoice.total
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE, credited_invoice__status=Invoice.Status.REFUNDED)


def test_dates_reach_back_past_every_retention_period():
    seed()
    now = timezone.now()
    year_ago = now - timedelta(days=365)

    # accounting_records_delete: ten years after the end of the fiscal year of issue.
    assert Invoice.objects.filter(issued_at__year__lte=now.year - 11).exists()
    assert Invoice.objects.filter(issued_at__gte=year_ago).exists()
    # support_ticket_delete, connection_log_delete, prospect_delete: both sides of each period.
    assert SupportTicket.objects.filter(closed_at__lt=now - timedelta(days=3 * 365)).exists()
    assert SupportTicket.objects.filter(closed_at__gt=now - timedelta(days=3 * 365)).exists()
    assert ConnectionLog.objects.filter(created_at__lt=year_ago).exists()
    assert ConnectionLog.objects.filter(created_at__gt=year_ago).exists()
    assert Prospect.objects.filter(last_contact_at__lt=now - timedelta(days=3 * 365)).exists()
    assert Prospect.objects.filter(last_contact_at__gt=now - timedelta(days=3 * 365)).exists()
    # order_stale_delete and invoice_cancelled_delete: over 30 days in the state.
    month_ago = now - timedelta(days=30)
    stale = Order.objects.filter(status_changed_at__lt=month_ago)
    for status in (Order.Status.PENDING, Order.Status.CANCELLED, Order.Status.FRAUDULENT):
        assert stale.filter(status=status).exists()
    assert Invoice.objects.filter(number=None, cancelled_at__lt=month_ago).exists()
    # The customer rules: archived over 6 months ago, terminated over 30 days ago, and a silent active customer.
    assert User.objects.filter(state=User.State.ARCHIVED, archived_at__lt=now - timedelta(days=183)).exists()
    assert User.objects.filter(state=User.State.TERMINATED, terminated_at__lt=month_ago).exists()
    assert User.objects.filter(state=User.State.TERMINATED, terminated_at__gt=month_ago).exists()
    assert User.objects.filter(state=User.State.ACTIVE, last_activity_at__lt=now - timedelta(days=92)).exists()
    # cookie_consent_expire: a cookie grant older than 13 months.
    assert ConsentRecord.objects.filter(purpose="analytics", granted=True, created_at__lt=now - timedelta(days=400))


def test_running_it_twice_changes_no_count():
    seed()
    first = counts()

    out = seed()

    assert counts() == first
    assert "Named people: 0 created, 14 already there." in out
    assert "seed_demo: 0 rows added" in out


def test_a_customer_erased_since_is_not_created_again():
    seed()
    emma = User.objects.get(email="emma.wilson@example.com")
    # What erasure leaves: a new email, the orders kept as accounting evidence.
    User.objects.filter(pk=emma.pk).update(email=f"erased-{emma.pk}@invalid", first_name="", last_name="")
    before = counts()

    out = seed()

    assert counts() == before
    assert not User.objects.filter(email="emma.wilson@example.com").exists()
    assert "Named people: 0 created, 14 already there." in out


def test_generated_customers_come_with_their_history_and_add_up_over_runs():
    seed("--customers", "50")
    generated = User.objects.filter(**GENERATED)
    assert generated.count() == 50

    owned = {
        Order: 2,
        Service: 1,
        Invoice: 1,
        Transaction: 1,
        SupportTicket: 1,
        ConnectionLog: 3,
        ConsentRecord: 1,
    }
    for model, per_customer in owned.items():
        rows = model.objects.filter(customer__in=generated)
        assert rows.count() == 50 * per_customer, model
        assert rows.values("customer").distinct().count() == 50, model
    invoices = Invoice.objects.filter(customer__in=generated)
    assert not invoices.filter(number=None).exists()
    assert TicketMessage.objects.filter(ticket__customer__in=generated).count() == 50
    assert generated.first().check_password("demo-password")
    named = User.objects.exclude(**GENERATED).count()

    out = seed("--customers", "50")

    assert generated.count() == 100
    assert Order.objects.filter(customer__in=generated).count() == 200
    assert User.objects.exclude(**GENERATED).count() == named
    assert "Generated 50 customers" in out


def test_invoice_numbers_are_unique_and_unbroken_per_year():
    seed("--customers", "60", "--chunk-size", "25")
    seed("--customers", "40")

    numbers = defaultdict(list)
    for number, issued_at in Invoice.objects.filter(number__isnull=False).values_list("number", "issued_at"):
        year, n = number.split("-")
        assert int(year) == timezone.localtime(issued_at).year
        numbers[int(year)].append(int(n))
    last = dict(InvoiceSequence.objects.values_list("year", "last_number"))
    assert set(numbers) == set(last)
    for year, last_number in last.items():
        assert sorted(numbers[year]) == list(range(1, last_number + 1)), year


def test_issued_invoices_total_their_lines():
    seed("--customers", "20")

    for invoice in Invoice.objects.prefetch_related("lines"):
        assert invoice.total == sum(line.amount for line in invoice.lines.all()), invoice.pk
        assert bool(invoice.number) == bool(invoice.issued_at)


def test_changes_are_logged_as_the_services_would_log_them():
    seed()

    for log in ChangeLog.objects.select_related("customer", "actor"):
        expected = "customer" if log.actor == log.customer else "staff"
        assert log.actor_role == expected
