"""The generated population: `seed_demo --customers N`, bulk-inserted chunk by chunk with a short history each."""

import random
from datetime import timedelta

from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.demo.catalogue import (
    ACTIVE_ORDER_STATUSES,
    BATCH_SIZE,
    FIRST_NAMES,
    GENERATED_EMAIL,
    GENERATED_EMAIL_RE,
    GENERATED_MAX,
    HOSTING,
    LANGUAGE_WEIGHTS,
    LANGUAGES,
    LAST_NAMES,
    PAYMENTS,
    PLACES,
    ROWS_PER_GENERATED,
    SEED,
    SOCIAL,
    TICKETS,
    USER_AGENTS,
    C,
    ip_address,
    policy_version,
    policy_versions,
)
from accounts.models import (
    ConnectionLog,
    Invoice,
    InvoiceLine,
    Order,
    Service,
    SupportTicket,
    TicketMessage,
    Transaction,
    User,
)
from accounts.services import invoice_numbers_take
from privacy.models import ConsentRecord, Purpose


def next_generated_index():
    """One past the highest generated index, so a later run never reuses an email (even after erasures)."""
    last = User.objects.filter(email__startswith="gen-", email__endswith="@example.net").aggregate(m=Max("email"))["m"]
    match = GENERATED_EMAIL_RE.fullmatch(last or "")
    return int(match.group(1)) + 1 if match else 1


def _country_code(user):
    return user.country.code if user.country else ""


def _between(rng, start, end):
    return start + (end - start) * rng.random()


def _generated_chunk(rng, first_index, count, *, now, password_hash, versions):
    """Bulk-insert `count` customers with a short history; call inside a transaction. Returns the rows inserted."""
    day = timedelta(days=1)
    users, plans = [], []
    for idx in range(first_index, first_index + count):
        lang = rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS)[0]
        country, city, postal_code, street, number_after = rng.choice(PLACES[lang])
        number = rng.randint(1, 180)
        joined = now - timedelta(days=rng.randint(30, 4000), seconds=rng.randint(0, 86399))
        span = (now - joined).days
        draw = rng.random()
        if draw < 0.08 and span > 200:
            state = User.State.ARCHIVED
            changed = now - timedelta(days=rng.randint(1, span - 100), seconds=rng.randint(0, 86399))
            until = changed - timedelta(days=rng.randint(92, 99))
        elif draw < 0.13:
            state = User.State.TERMINATED
            changed = now - timedelta(days=rng.randint(1, span - 2), seconds=rng.randint(0, 86399))
            until = changed
        else:
            state = User.State.ACTIVE
            changed = joined
            idle = rng.randint(0, 30) if rng.random() < 0.85 else rng.randint(91, 365)
            until = now - timedelta(days=idle, seconds=rng.randint(3600, 86399))
        until = max(until, joined + day)
        users.append(
            User(
                email=GENERATED_EMAIL.format(idx),
                password=password_hash,
                first_name=rng.choice(FIRST_NAMES[lang]),
                last_name=rng.choice(LAST_NAMES[lang]),
                address=f"{street} {number}" if number_after else f"{number} {street}",
                postal_code=postal_code,
                city=city,
                country=country,
                preferred_language=lang,
                state=state,
                state_changed_at=changed,
                archived_at=changed if state == User.State.ARCHIVED else None,
                terminated_at=changed if state == User.State.TERMINATED else None,
                is_active=state == User.State.ACTIVE,
                email_verified_at=joined + timedelta(minutes=rng.randint(1, 120)),
                date_joined=joined,
                last_login=until,
                last_activity_at=until,
            )
        )
        plans.append((joined, until))
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)

    orders, services, invoices, tickets, logs, consents = [], [], [], [], [], []
    by_year = {}
    for user, (joined, until) in zip(users, plans, strict=True):
        uid = user.pk
        ip = ip_address(rng)
        agent = rng.choice(USER_AGENTS)
        description, service_name, price = rng.choice(HOSTING)
        t1 = _between(rng, joined, min(joined + 10 * day, until))
        first = Order(
            customer_id=uid,
            reference=f"GEN-{uid}-1",
            product=description,
            amount=price,
            status=Order.Status.COMPLETED,
            status_changed_at=t1,
            buyer_ip=ip,
            created_at=t1,
        )
        product, social_price, volume, site = rng.choice(SOCIAL)
        t2 = _between(rng, t1, until)
        if user.state == User.State.ACTIVE:
            status = rng.choices(*ACTIVE_ORDER_STATUSES)[0]
        else:
            status = Order.Status.COMPLETED if rng.random() < 0.7 else Order.Status.CANCELLED
        second = Order(
            customer_id=uid,
            reference=f"GEN-{uid}-2",
            product=product,
            target_url=f"{site}gen.user.{uid}",
            volume=volume,
            amount=social_price,
            status=status,
            status_changed_at=t2 if status == Order.Status.PENDING else _between(rng, t2, until),
            buyer_ip=ip,
            created_at=t2,
        )
        orders += [first, second]
        service_status = Service.Status.TERMINATED
        if user.state == User.State.ACTIVE:
            service_status = rng.choices(
                (Service.Status.ACTIVE, Service.Status.SUSPENDED, Service.Status.TERMINATED), (85, 7, 8)
            )[0]
        services.append(
            Service(
                customer_id=uid,
                order=first,
                name=service_name,
                status=service_status,
                started_at=t1,
                ended_at=_between(rng, t1, until) if service_status == Service.Status.TERMINATED else None,
            )
        )
        paid = rng.random() < 0.9
        invoice = Invoice(
            customer_id=uid,
            order=first,
            status=Invoice.Status.PAID if paid else Invoice.Status.UNPAID,
            total=price,
            created_at=t1,
            issued_at=t1,
            paid_at=t1 + timedelta(minutes=rng.randint(1, 30)) if paid else None,
            billing_name=f"{user.first_name} {user.last_name}",
            billing_address=user.address,
            billing_postal_code=user.postal_code,
            billing_city=user.city,
            billing_country=_country_code(user),
        )
        invoices.append(invoice)
        by_year.setdefault(timezone.localtime(t1).year, []).append(invoice)
        opened = _between(rng, joined, until)
        closed = None
        if user.state != User.State.ACTIVE or rng.random() < 0.75:
            closed = min(opened + timedelta(hours=rng.randint(1, 120)), now)
        subject, body = rng.choice(TICKETS)
        tickets.append(
            (
                SupportTicket(
                    customer_id=uid,
                    subject=subject,
                    status=SupportTicket.Status.OPEN if closed is None else SupportTicket.Status.CLOSED,
                    created_at=opened,
                    closed_at=closed,
                ),
                body,
            )
        )
        for when, ok in (
            (user.email_verified_at, True),
            (_between(rng, joined, until), rng.random() < 0.9),
            (until, True),
        ):
            logs.append(ConnectionLog(customer_id=uid, created_at=when, ip=ip, user_agent=agent, success=ok))
        consents.append(
            ConsentRecord(
                customer_id=uid,
                purpose=Purpose.MARKETING_EMAIL,
                granted=rng.random() < 0.35,
                policy_version=policy_version(versions, joined),
                language=user.preferred_language,
                source=ConsentRecord.Source.SIGNUP,
                created_at=joined,
                ip=ip,
                user_agent=agent,
            )
        )

    Order.objects.bulk_create(orders, batch_size=BATCH_SIZE)
    Service.objects.bulk_create(services, batch_size=BATCH_SIZE)
    # Numbers in issue order within each year, from a block taken off the year's sequence.
    for year in sorted(by_year):
        block = sorted(by_year[year], key=lambda i: i.issued_at)
        for invoice, number in zip(block, invoice_numbers_take(year=year, count=len(block)), strict=True):
            invoice.number = number
    Invoice.objects.bulk_create(invoices, batch_size=BATCH_SIZE)
    InvoiceLine.objects.bulk_create(
        (InvoiceLine(invoice=i, description=i.order.product, unit_price=i.total) for i in invoices),
        batch_size=BATCH_SIZE,
    )
    transactions = []
    for invoice in invoices:
        provider, method, prefix = rng.choice(PAYMENTS)
        transactions.append(
            Transaction(
                customer_id=invoice.customer_id,
                invoice=invoice,
                order=invoice.order,
                provider=provider,
                provider_reference=f"{prefix}_{invoice.customer_id:09d}",
                amount=invoice.total,
                method=method,
                status=Transaction.Status.SUCCEEDED if invoice.paid_at else Transaction.Status.FAILED,
                created_at=invoice.paid_at or invoice.issued_at,
            )
        )
    Transaction.objects.bulk_create(transactions, batch_size=BATCH_SIZE)
    SupportTicket.objects.bulk_create((t for t, _body in tickets), batch_size=BATCH_SIZE)
    TicketMessage.objects.bulk_create(
        (
            TicketMessage(ticket=t, author_id=t.customer_id, author_role=C, body=body, created_at=t.created_at)
            for t, body in tickets
        ),
        batch_size=BATCH_SIZE,
    )
    ConnectionLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)
    ConsentRecord.objects.bulk_create(consents, batch_size=BATCH_SIZE)
    return count * ROWS_PER_GENERATED


def seed_generated(count, *, now, password_hash, chunk_size=2000, progress=None):
    """Add `count` generated customers, in chunks of `chunk_size`, each chunk in its own transaction."""
    first_index = next_generated_index()
    if first_index + count - 1 > GENERATED_MAX:
        raise CommandError(f"Generated customers are numbered up to {GENERATED_MAX:,}; this run would go beyond.")
    rng = random.Random(f"{SEED}/generated/{first_index}")
    versions = policy_versions()
    rows = 0
    for done in range(0, count, chunk_size):
        size = min(chunk_size, count - done)
        with transaction.atomic():
            rows += _generated_chunk(
                rng, first_index + done, size, now=now, password_hash=password_hash, versions=versions
            )
        if progress:
            progress(done + size, rows)
    return rows
