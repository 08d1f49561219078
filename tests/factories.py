"""factory_boy factories for everything a customer owns."""

import functools
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import (
    AffiliateCommission,
    ChangeLog,
    ConnectionLog,
    Domain,
    Invoice,
    InvoiceLine,
    Order,
    Prospect,
    RecurringPaymentEvent,
    Service,
    SupportTicket,
    TicketMessage,
    Transaction,
    User,
)
from privacy.models import ConsentRecord, Purpose

PASSWORD = "correct horse battery staple"


@functools.cache
def _password_hash():
    # One Argon2 hash shared by every test customer: hashing per customer would dominate the suite's time.
    return make_password(PASSWORD)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.LazyFunction(lambda: _password_hash())


class StaffFactory(CustomerFactory):
    is_staff = True


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    reference = factory.Sequence(lambda n: f"ORD-{n:07d}")
    product = "Instagram followers"
    target_url = factory.Sequence(lambda n: f"https://instagram.com/someone{n}")
    volume = 1000
    amount = Decimal("19.90")
    status = Order.Status.COMPLETED
    buyer_ip = "203.0.113.7"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    customer = factory.SubFactory(CustomerFactory)
    order = factory.SubFactory(OrderFactory, customer=factory.SelfAttribute("..customer"))
    name = "Web hosting Pro"


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"example-{n}.fr")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A draft; call accounts.services.invoice_issue to give it a number."""

    class Meta:
        model = Invoice

    customer = factory.SubFactory(CustomerFactory)


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    description = "Web hosting Pro, 1 year"
    unit_price = Decimal("120.00")


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    customer = factory.SubFactory(CustomerFactory)
    provider = Transaction.Provider.STRIPE
    provider_reference = factory.Sequence(lambda n: f"pi_{n:012d}")
    amount = Decimal("120.00")
    method = Transaction.Method.CARD
    status = Transaction.Status.SUCCEEDED


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportTicket

    customer = factory.SubFactory(CustomerFactory)
    subject = "My site is down"


class TicketMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketMessage

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SelfAttribute("ticket.customer")
    author_role = TicketMessage.Role.CUSTOMER
    body = "Hello, my site answers 502 since this morning."


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AffiliateCommission

    affiliate = factory.SubFactory(CustomerFactory)
    order = factory.SubFactory(OrderFactory)
    amount = Decimal("2.00")


class ConnectionLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectionLog

    customer = factory.SubFactory(CustomerFactory)
    ip = "198.51.100.4"
    user_agent = "Mozilla/5.0"
    success = True


class ChangeLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeLog

    customer = factory.SubFactory(CustomerFactory)
    field = "phone"
    old_value = ""
    new_value = "+33612345678"
    actor = factory.SelfAttribute("customer")
    actor_role = "customer"
    channel = ChangeLog.Channel.CLIENT_AREA


class ProspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prospect

    email = factory.Sequence(lambda n: f"prospect{n}@example.org")
    first_name = factory.Faker("first_name")
    source = Prospect.Source.NEWSLETTER


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    customer = factory.SubFactory(CustomerFactory)
    purpose = Purpose.MARKETING_EMAIL
    granted = True
    policy_version = "2026-11-01"
    language = "en"
    source = ConsentRecord.Source.PROFILE


class RecurringPaymentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringPaymentEvent

    customer = factory.SubFactory(CustomerFactory)
    action = RecurringPaymentEvent.Action.AUTHORISED
    wording = "I authorise recurring charges: Web hosting Starter renews every month at 4.90 EUR."
    language = "en"
    service_name = "Web hosting Starter"
    ip = "203.0.113.7"
