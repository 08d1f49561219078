"""People and records for the retention tests, dated relative to a given instant."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from accounts import services as account_services
from accounts.models import (
    AffiliateCommission,
    Invoice,
    Order,
    Prospect,
    Service,
    SupportTicket,
    TicketMessage,
    User,
)
from privacy.models import (
    ConsentRecord,
    DataSubjectRequest,
    PendingPublicRequest,
    PostMortemDirective,
    Purpose,
    RequestEvent,
    Restriction,
)
from privacy.services.requests import request_file
from retention.models import LegalHold
from tests import factories


def ago(now, days):
    return now - timedelta(days=days)


def issued_invoice(customer, *, when, lines=(("Web hosting Pro, 1 year", "120.00"),), order=None):
    invoice = factories.InvoiceFactory(customer=customer, order=order, created_at=when)
    for description, price in lines:
        factories.InvoiceLineFactory(invoice=invoice, description=description, unit_price=Decimal(price))
    return account_services.invoice_issue(invoice=invoice, when=when)


def everything(customer, *, now, staff=None):
    """One of every kind of row a customer can have, naming them wherever a real row would."""
    first, last, email = customer.first_name, customer.last_name, customer.email
    handle = f"{first}.{last}".lower()
    order = factories.OrderFactory(
        customer=customer,
        target_url=f"https://instagram.com/{handle}",
        created_at=ago(now, 400),
        status_changed_at=ago(now, 400),
    )
    service = factories.ServiceFactory(
        customer=customer, order=order, status=Service.Status.TERMINATED, ended_at=ago(now, 200)
    )
    factories.DomainFactory(customer=customer, service=service, name=f"{last.lower()}-{customer.pk}.fr")
    invoice = issued_invoice(customer, when=ago(now, 400), order=order)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.PAID, paid_at=ago(now, 400))
    factories.TransactionFactory(customer=customer, invoice=invoice, order=order, created_at=ago(now, 400))
    ticket = factories.TicketFactory(
        customer=customer,
        subject=f"Site of {first} {last} is down",
        status=SupportTicket.Status.CLOSED,
        created_at=ago(now, 300),
        closed_at=ago(now, 299),
    )
    factories.TicketMessageFactory(ticket=ticket, body=f"Hello, {first} {last} here ({email}).")
    if staff is not None:
        factories.TicketMessageFactory(
            ticket=ticket, author=staff, author_role=TicketMessage.Role.SUPPORT, body=f"Hello {first}, fixed."
        )
    factories.CommissionFactory(affiliate=customer, order=factories.OrderFactory(), status="accepted")
    factories.ConnectionLogFactory(customer=customer, created_at=ago(now, 20), user_agent=f"Mozilla ({handle})")
    factories.ChangeLogFactory(customer=customer, field="last_name", old_value="", new_value=last)
    factories.ConsentFactory(customer=customer, ip="203.0.113.9", user_agent=f"Firefox {handle}")
    factories.ConsentFactory(customer=customer, purpose=Purpose.ANALYTICS, source=ConsentRecord.Source.BANNER)
    PostMortemDirective.objects.create(customer=customer, instruction="delete", trusted_person=f"{first}'s sister")
    Prospect.objects.create(email=email.upper(), first_name=first, last_name=last, source=Prospect.Source.NEWSLETTER)
    PendingPublicRequest.objects.create(name=f"{first} {last}", email=email, kind="access")
    old = request_file(
        kind="restriction",
        channel="client_area",
        customer=customer,
        actor=customer,
        details=f"{first} asks",
        received_at=ago(now, 100),
        restriction_ground="a",
    )
    DataSubjectRequest.objects.filter(pk=old.pk).update(status="completed", closed_at=ago(now, 90))
    Restriction.objects.create(
        customer=customer, request=old, ground="a", starts_at=ago(now, 95), lifted_at=ago(now, 60)
    )
    LegalHold.objects.create(
        customer=customer,
        reason=f"Dispute with {first} {last}, settled",
        lifted_at=ago(now, 30),
        created_at=ago(now, 50),
    )
    if staff is not None:
        LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(customer.pk),
            object_repr=email,
            action_flag=CHANGE,
            change_message="[]",
        )
    _exports(customer, now)
    return order


def _exports(customer, now):
    try:
        from exports.models import DownloadLog, ExportJob, Transmission
    except ImportError:
        return
    job = ExportJob.objects.create(customer=customer, status="expired", created_at=ago(now, 40))
    transmission = Transmission.objects.create(
        job=job, recipient_kind="controller", recipient_email="dpo@other-controller.example"
    )
    DownloadLog.objects.create(job=job, user=customer, role="subject", ip="198.51.100.8", transmission=transmission)


def erasure_request(customer, *, staff, now):
    """An erasure request, identity verified and in progress."""
    from privacy.services.requests import request_start

    req = request_file(kind="erasure", channel="client_area", customer=customer, actor=customer, received_at=now)
    return request_start(req, actor=staff)


def customer(email, first, last, *, now, joined_days=2000, **fields):
    return factories.CustomerFactory(
        email=email,
        first_name=first,
        last_name=last,
        phone="+33612345678",
        address="12 rue des Lilas",
        postal_code="69003",
        city="Lyon",
        company=f"{last} SARL",
        date_joined=ago(now, joined_days),
        last_login=ago(now, joined_days - 1),
        last_activity_at=ago(now, joined_days - 1),
        **fields,
    )


def archived(email, first, last, *, now, days, **fields):
    c = customer(email, first, last, now=now, **fields)
    c.set_state(User.State.ARCHIVED, when=ago(now, days))
    c.save()
    return c


def terminated(email, first, last, *, now, days, **fields):
    c = customer(email, first, last, now=now, **fields)
    c.set_state(User.State.TERMINATED, when=ago(now, days))
    c.last_login = ago(now, days + 5)
    c.save()
    return c


def population(now, staff):
    """Customers in every state the rules know, with the exceptions of REQUIREMENTS 3.3, and plain records."""
    people = {}
    people["archived_due"] = archived("ada@example.com", "Ada", "Lovelace", now=now, days=200)
    everything(people["archived_due"], now=now, staff=staff)
    people["archived_recent"] = archived("alan@example.com", "Alan", "Turing", now=now, days=100)
    everything(people["archived_recent"], now=now)
    people["terminated_due"] = terminated("grace@example.com", "Grace", "Hopper", now=now, days=40)
    everything(people["terminated_due"], now=now)
    people["terminated_recent"] = terminated("edsger@example.com", "Edsger", "Dijkstra", now=now, days=10)
    people["empty_due"] = customer("barbara@example.com", "Barbara", "Liskov", now=now, joined_days=200)
    factories.ConsentFactory(customer=people["empty_due"])
    people["empty_recent"] = customer("frances@example.com", "Frances", "Allen", now=now, joined_days=100)
    people["inactive"] = customer("donald@example.com", "Donald", "Knuth", now=now, joined_days=400)
    factories.OrderFactory(customer=people["inactive"], created_at=ago(now, 399), status_changed_at=ago(now, 399))
    people["inactive_with_service"] = customer("ken@example.com", "Ken", "Thompson", now=now, joined_days=400)
    factories.ServiceFactory(customer=people["inactive_with_service"], order__created_at=ago(now, 399))
    Order.objects.filter(customer=people["inactive_with_service"]).update(created_at=ago(now, 399))
    people["minor"] = customer(
        "tim@example.com", "Tim", "Berners", now=now, joined_days=50, flagged_minor_at=ago(now, 31)
    )
    factories.OrderFactory(customer=people["minor"], created_at=ago(now, 49))
    people["held"] = archived("linus@example.com", "Linus", "Torvalds", now=now, days=300)
    LegalHold.objects.create(customer=people["held"], reason="Chargeback", reference="CB-1")
    people["requesting"] = archived("margaret@example.com", "Margaret", "Hamilton", now=now, days=300)
    request_file(kind="access", channel="client_area", customer=people["requesting"], received_at=ago(now, 3))
    people["restricted"] = terminated("radia@example.com", "Radia", "Perlman", now=now, days=90)
    req = request_file(kind="restriction", channel="email", customer=people["restricted"], received_at=ago(now, 80))
    DataSubjectRequest.objects.filter(pk=req.pk).update(status="completed", closed_at=ago(now, 79))
    Restriction.objects.create(customer=people["restricted"], request=req, ground="c", starts_at=ago(now, 79))
    people["serving"] = archived("john@example.com", "John", "Backus", now=now, days=300)
    factories.ServiceFactory(customer=people["serving"], status=Service.Status.ACTIVE)
    _records(people, now)
    return people


def _records(people, now):
    """Record-level rules: one row due and one not for each, and the record-level exceptions."""
    buyer = people["inactive"]
    for status in (Order.Status.CANCELLED, Order.Status.PENDING, Order.Status.FRAUDULENT):
        factories.OrderFactory(customer=buyer, status=status, status_changed_at=ago(now, 31), buyer_ip="192.0.2.66")
        factories.OrderFactory(customer=buyer, status=status, status_changed_at=ago(now, 29))
    held = factories.OrderFactory(customer=buyer, status=Order.Status.CANCELLED, status_changed_at=ago(now, 60))
    LegalHold.objects.create(content_type=ContentType.objects.get_for_model(Order), object_id=held.pk, reason="Dispute")
    with_commission = factories.OrderFactory(
        customer=buyer, status=Order.Status.CANCELLED, status_changed_at=ago(now, 60)
    )
    factories.CommissionFactory(order=with_commission, status=AffiliateCommission.Status.ACCEPTED)
    rejected = factories.OrderFactory(customer=buyer, status=Order.Status.CANCELLED, status_changed_at=ago(now, 60))
    factories.CommissionFactory(order=rejected, status=AffiliateCommission.Status.REJECTED)
    paid = factories.OrderFactory(customer=buyer, status=Order.Status.PENDING, status_changed_at=ago(now, 60))
    factories.TransactionFactory(customer=buyer, order=paid, status="succeeded")
    draft = factories.InvoiceFactory(customer=buyer, status=Invoice.Status.CANCELLED, cancelled_at=ago(now, 31))
    factories.InvoiceLineFactory(invoice=draft)
    factories.InvoiceFactory(customer=buyer, status=Invoice.Status.CANCELLED, cancelled_at=ago(now, 29))
    # Eleven and nine fiscal years back.
    for years in (11, 9):
        when = now.replace(year=now.year - years)
        issued_invoice(buyer, when=when)
        factories.TransactionFactory(customer=buyer, created_at=when)
        factories.OrderFactory(customer=buyer, created_at=when, status_changed_at=when)
    factories.TicketFactory(customer=buyer, status="closed", created_at=ago(now, 1200), closed_at=ago(now, 1100))
    factories.TicketFactory(customer=buyer, status="closed", created_at=ago(now, 1000), closed_at=ago(now, 900))
    factories.ConnectionLogFactory(customer=buyer, created_at=ago(now, 400))
    factories.ConnectionLogFactory(customer=None, created_at=ago(now, 400), success=False)
    factories.ConnectionLogFactory(customer=buyer, created_at=ago(now, 300))
    factories.ProspectFactory(last_contact_at=ago(now, 1100))
    factories.ProspectFactory(last_contact_at=ago(now, 1000))
    PendingPublicRequest.objects.create(name="Old", email="old@example.org", kind="access", submitted_at=ago(now, 8))
    PendingPublicRequest.objects.create(name="New", email="new@example.org", kind="access", submitted_at=ago(now, 6))
    old = request_file(
        kind="access", channel="email", email="old-request@example.org", name="Olga", received_at=ago(now, 2000)
    )
    DataSubjectRequest.objects.filter(pk=old.pk).update(status="completed", closed_at=ago(now, 1900))
    RequestEvent.objects.create(request=old, actor_role="staff", note="Olga's copy sent.")
    ConsentRecord.objects.create(
        visitor_id="v-old",
        purpose=Purpose.ANALYTICS,
        granted=True,
        policy_version="1",
        language="fr",
        source="banner",
        created_at=ago(now, 400),
    )
    ConsentRecord.objects.create(
        visitor_id="v-refused",
        purpose=Purpose.ANALYTICS,
        granted=False,
        policy_version="1",
        language="fr",
        source="banner",
        created_at=ago(now, 200),
    )
    ConsentRecord.objects.create(
        visitor_id="v-new",
        purpose=Purpose.ANALYTICS,
        granted=True,
        policy_version="1",
        language="fr",
        source="banner",
        created_at=ago(now, 10),
    )


def table_snapshot():
    """(row count, checksum of every value) per table: what a dry run must leave exactly as it was."""
    import hashlib

    from django.db import connection

    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names from introspection
            rows = sorted(repr(row) for row in cursor.fetchall())
            snapshot[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return snapshot
