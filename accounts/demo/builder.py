"""The building blocks of the named demo people: a customer, an order, an invoice, a ticket, logins, consents.

Times are given in days before now. Invoices are issued, paid and credited in date order at the end of a run.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import Max

from accounts.demo.catalogue import (
    AFFILIATE_CODE,
    SEED,
    USER_AGENTS,
    S,
    ip_address,
    payment_reference,
    policy_version,
    policy_versions,
)
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
from accounts.services import invoice_credit, invoice_issue
from privacy.models import ConsentRecord, Purpose


class Builder:
    """Creates rows as the site would have: through the models, with invoices numbered by the billing services.

    Invoices are created as drafts while the people are built, then issued (and paid or credited) in date order
    at the end (`issue_in_date_order`), so numbers within a year follow the issue dates.
    """

    def __init__(self, *, now, password_hash):
        self.now = now
        self.password_hash = password_hash
        self.versions = policy_versions()
        self.rng = random.Random(SEED)
        self.staff = None
        self._dated = []  # (when, sequence, action): issuing, paying and crediting, run in date order
        self.created = 0
        self.skipped = 0

    def ago(self, days):
        return self.now - timedelta(days=days)

    def issue_in_date_order(self):
        for _when, _seq, action in sorted(self._dated, key=lambda a: a[:2]):
            action()

    def _build(self, key, build):
        # Each person draws from their own stream, so their data does not depend on who else exists.
        self.rng = random.Random(f"{SEED}/{key}")
        customer = build()
        self._stamp_activity(customer)
        self.created += 1
        return customer

    # Building blocks. Times are given in days before now; fractions of a day are fine.

    def customer(self, email, first_name, last_name, *, joined, language, country, verified=True, **fields):
        fields.setdefault("state_changed_at", self.ago(joined))
        return User.objects.create(
            email=email,
            password=self.password_hash,
            first_name=first_name,
            last_name=last_name,
            preferred_language=language,
            country=country,
            date_joined=self.ago(joined),
            email_verified_at=self.ago(joined - 0.01) if verified else None,
            is_active=verified,
            **fields,
        )

    def set_state(self, customer, state, *, days):
        customer.set_state(state, when=self.ago(days))
        customer.save()

    def order(self, customer, reference, product, amount, *, days, status=Order.Status.COMPLETED, changed=None, **kw):
        kw.setdefault("buyer_ip", ip_address(self.rng))
        return Order.objects.create(
            customer=customer,
            reference=reference,
            product=product,
            amount=Decimal(amount),
            status=status,
            status_changed_at=self.ago(days if changed is None else changed),
            created_at=self.ago(days),
            **kw,
        )

    def service(self, customer, order, name, *, days, status=Service.Status.ACTIVE, ended=None):
        return Service.objects.create(
            customer=customer,
            order=order,
            name=name,
            status=status,
            started_at=self.ago(days),
            ended_at=None if ended is None else self.ago(ended),
        )

    def domain(self, customer, service, name, *, days, expires, status=Domain.Status.ACTIVE, auto_renew=True):
        """`expires` in days before now: negative for a domain that is still running."""
        return Domain.objects.create(
            customer=customer,
            service=service,
            name=name,
            status=status,
            registered_at=self.ago(days),
            expires_at=self.ago(expires),
            auto_renew=auto_renew,
        )

    def invoice(self, customer, order, lines, *, days, paid=None, via=None, credited=None):
        """A draft with its lines, issued `days` ago; paid `paid` days ago through via=(provider, method, reference),
        and credited `credited` days ago (the service then cancels it, or refunds it if paid)."""
        invoice = Invoice.objects.create(customer=customer, order=order, created_at=self.ago(days))
        InvoiceLine.objects.bulk_create(
            InvoiceLine(invoice=invoice, description=d, quantity=Decimal(q), unit_price=Decimal(p)) for d, q, p in lines
        )
        if via:
            provider, method, reference = via
            refunded = paid is not None and credited is not None
            Transaction.objects.create(
                customer=customer,
                invoice=invoice,
                order=order,
                provider=provider,
                provider_reference=reference,
                method=method,
                amount=sum(Decimal(q) * Decimal(p) for _d, q, p in lines),
                status=(
                    Transaction.Status.REFUNDED
                    if refunded
                    else Transaction.Status.SUCCEEDED
                    if paid is not None
                    else Transaction.Status.FAILED
                ),
                created_at=self.ago(days if paid is None else paid),
            )

        def issue():
            issued = invoice_issue(invoice=invoice, when=self.ago(days))
            if paid is not None:
                issued.status = Invoice.Status.PAID
                issued.paid_at = self.ago(paid)
                issued.save(update_fields=["status", "paid_at"])

        self._at(days, issue)
        if credited is not None:
            self._at(credited, lambda: invoice_credit(invoice=invoice, when=self.ago(credited)))
        return invoice

    def draft(self, customer, lines, *, days, cancelled=None):
        """An invoice that never got a number: a draft, or a cancelled pro-forma."""
        invoice = Invoice.objects.create(
            customer=customer,
            created_at=self.ago(days),
            status=Invoice.Status.DRAFT if cancelled is None else Invoice.Status.CANCELLED,
            cancelled_at=None if cancelled is None else self.ago(cancelled),
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(invoice=invoice, description=d, quantity=Decimal(q), unit_price=Decimal(p)) for d, q, p in lines
        )
        invoice.total = invoice.compute_total()
        invoice.save(update_fields=["total"])
        return invoice

    def renewals(self, customer, reference, product, amount, *, first, years, pay):
        """The original order and one renewal a year: each completed, invoiced and paid the same day.
        `pay(k)` gives (provider, method) for the k-th year."""
        orders = []
        for k in range(years):
            days = first - 365 * k
            ref = reference if k == 0 else f"{reference}-R{k}"
            order = self.order(customer, ref, product, amount, days=days)
            provider, method = pay(k)
            self.invoice(
                customer,
                order,
                [(product, "1", amount)],
                days=days,
                paid=days - 0.01,
                via=(provider, method, payment_reference(provider, ref)),
            )
            orders.append(order)
        return orders

    def ticket(self, customer, subject, messages, *, days, closed=None):
        ticket = SupportTicket.objects.create(
            customer=customer,
            subject=subject,
            status=SupportTicket.Status.OPEN if closed is None else SupportTicket.Status.CLOSED,
            created_at=self.ago(days),
            closed_at=None if closed is None else self.ago(closed),
        )
        TicketMessage.objects.bulk_create(
            TicketMessage(
                ticket=ticket,
                author=self.staff if role == S else customer,
                author_role=role,
                body=body,
                created_at=self.ago(when),
            )
            for when, role, body in messages
        )
        return ticket

    def logins(self, customer, days, *, failed=(), network=True):
        """Successful logins on those days, failed attempts on `failed`; network=False leaves no browser
        (what erasure keeps of a connection log)."""
        home = ip_address(self.rng)
        agent = self.rng.choice(USER_AGENTS)
        rows = [
            ConnectionLog(
                customer=customer,
                created_at=self.ago(d),
                ip=home if self.rng.random() < 0.7 else ip_address(self.rng),
                user_agent=agent if network else "",
                success=ok,
            )
            for ok, ds in ((True, days), (False, failed))
            for d in ds
        ]
        ConnectionLog.objects.bulk_create(rows)

    def consents(self, customer, *, days, source, choices, network=True):
        when = self.ago(days)
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                customer=customer,
                purpose=purpose,
                granted=granted,
                policy_version=policy_version(self.versions, when),
                language=customer.preferred_language,
                source=source,
                created_at=when,
                ip=ip_address(self.rng) if network else None,
                user_agent=self.rng.choice(USER_AGENTS) if network else "",
            )
            for purpose, granted in choices.items()
        )

    def signup_consents(self, customer, *, days, email=False, sms=False, social=False, network=True):
        self.consents(
            customer,
            days=days,
            source=ConsentRecord.Source.SIGNUP,
            choices={Purpose.MARKETING_EMAIL: email, Purpose.MARKETING_SMS: sms, Purpose.MARKETING_SOCIAL: social},
            network=network,
        )

    def changes(self, customer, rows):
        """rows: (days, field, old, new, actor) as accounts.services.customer_update would have logged them."""
        ChangeLog.objects.bulk_create(
            ChangeLog(
                customer=customer,
                field=field,
                old_value=old,
                new_value=new,
                actor=actor,
                actor_role="customer" if actor == customer else "staff",
                channel=ChangeLog.Channel.CLIENT_AREA if actor == customer else ChangeLog.Channel.ADMIN,
                created_at=self.ago(days),
            )
            for days, field, old, new, actor in rows
        )

    def commission(self, order, amount, status, *, days, decided=None):
        affiliate = User.objects.filter(affiliate_code=AFFILIATE_CODE).first()
        if affiliate is None:
            return None
        return AffiliateCommission.objects.create(
            affiliate=affiliate,
            order=order,
            amount=Decimal(amount),
            status=status,
            created_at=self.ago(days),
            decided_at=None if decided is None else self.ago(decided),
        )

    def _at(self, days, action):
        self._dated.append((self.ago(days), len(self._dated), action))

    def _stamp_activity(self, customer):
        """last_login and last_activity_at as the site would have kept them: latest login, order or service end."""
        last_login = customer.connection_logs.filter(success=True).aggregate(m=Max("created_at"))["m"]
        candidates = [
            last_login,
            customer.orders.aggregate(m=Max("created_at"))["m"],
            customer.services.aggregate(m=Max("ended_at"))["m"],
        ]
        customer.last_login = last_login
        customer.last_activity_at = max((c for c in candidates if c), default=None)
        customer.save(update_fields=["last_login", "last_activity_at"])

    # The people.
