"""Demo data: the two known logins, a named population in every life-cycle state, and optional bulk customers.

The named people and their history are spread over the past eleven years so that every retention rule of
REQUIREMENTS.md section 3 has rows to act on. Everything is keyed on stable identifiers, so a second run adds nothing.
"""

import os
import random
import re
import time
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
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
    Service,
    SupportTicket,
    TicketMessage,
    Transaction,
    User,
)
from accounts.services import invoice_credit, invoice_issue, invoice_numbers_take
from privacy.demo_marketing import seed_campaign
from privacy.demo_policy import seed_policy
from privacy.models import ConsentRecord, Purpose
from privacy.registry import registry

CUSTOMER_EMAIL = "customer@example.com"
STAFF_EMAIL = "dpo@example.com"
AFFILIATE_CODE = "LBECKER"
SEED = 2026

GENERATED_EMAIL = "gen-{:07d}@example.net"
GENERATED_EMAIL_RE = re.compile(r"gen-(\d{7})@example\.net")
GENERATED_MAX = 9_999_999
BATCH_SIZE = 1000

# Versions of the privacy policy before the current one: a consent row names the version in force on its day.
PAST_POLICY_VERSIONS = ("2018-05-25", "2021-02-01", "2024-06-15")

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
)

C, S = TicketMessage.Role.CUSTOMER, TicketMessage.Role.SUPPORT
STRIPE, PAYPAL, MOLLIE = Transaction.Provider.STRIPE, Transaction.Provider.PAYPAL, Transaction.Provider.MOLLIE
M = Transaction.Method


def _policy_versions():
    """(first day, version) pairs, oldest first; the current version is the settings' one."""
    versions = [(date.fromisoformat(v), v) for v in PAST_POLICY_VERSIONS]
    try:
        current = date.fromisoformat(settings.PRIVACY_POLICY_VERSION)
    except ValueError:
        current = versions[-1][0] + timedelta(days=1)
    return [*versions, (current, settings.PRIVACY_POLICY_VERSION)]


def _policy_version(versions, when):
    chosen = versions[0][1]
    for first_day, version in versions:
        if first_day <= when.date():
            chosen = version
    return chosen


def _payment_reference(provider, key):
    """A provider reference in that provider's usual shape."""
    if provider == STRIPE:
        return f"pi_{key.lower().replace('-', '_')}"
    if provider == PAYPAL:
        return f"PAYID-{key.upper()}"
    return f"tr_{key.lower().replace('-', '')}"


def _ip(rng):
    """An address from the documentation ranges (RFC 5737 and 3849): realistic, never a real person's."""
    if rng.random() < 0.1:
        return f"2001:db8:{rng.randrange(0x10000):x}::{rng.randrange(1, 0x10000):x}"
    net = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{net}.{rng.randrange(1, 255)}"


class NamedPopulation:
    """The named demo people. Each is created whole, with their history, or skipped when already there.

    Invoices are created as drafts while the people are built, then issued (and paid or credited) in date order
    at the end, so numbers within a year follow the issue dates.
    """

    def __init__(self, *, now, password_hash):
        self.now = now
        self.password_hash = password_hash
        self.versions = _policy_versions()
        self.rng = random.Random(SEED)
        self.staff = None
        self._dated = []  # (when, sequence, action): issuing, paying and crediting, run in date order
        self._after = []  # actions once every invoice is issued: erasures
        self.created = 0
        self.skipped = 0

    def ago(self, days):
        return self.now - timedelta(days=days)

    def run(self):
        group = Group.objects.filter(name="DPO").first()
        if group is None:
            raise CommandError('The "DPO" group is missing: run "manage.py migrate" first.')
        with transaction.atomic():
            self.staff = User.objects.filter(email__iexact=STAFF_EMAIL).first()
            if self.staff is None:
                self.staff = self._build(STAFF_EMAIL, self.dpo)
            else:
                self.skipped += 1
            self.staff.groups.add(group)
            for email, prefix, build in self.people():
                exists = User.objects.filter(email__iexact=email).exists() or (
                    prefix and Order.objects.filter(reference__startswith=prefix).exists()
                )
                if exists:
                    self.skipped += 1
                else:
                    self._build(email, build)
            self.outsiders()
            for _when, _seq, action in sorted(self._dated, key=lambda a: a[:2]):
                action()
            for action in self._after:
                action()
            self.requests()
        return self.created, self.skipped

    def requests(self):
        """Requests in every state of the queue, and a year of answered ones for the DPO dashboard."""
        from privacy.models import DataSubjectRequest
        from privacy.services import requests as dsr

        if DataSubjectRequest.objects.filter(requester_email__endswith="@example.com").exists():
            return
        people = {u.email: u for u in User.objects.filter(email__endswith="@example.com", is_staff=False)}

        def file(email, kind, days, channel="client_area", **specifics):
            customer = people.get(email)
            return dsr.request_file(
                kind=kind,
                channel=channel,
                customer=customer,
                name=customer.get_full_name() if customer else "Marc Dupuis",
                email=email,
                received_at=self.ago(days),
                details="Demo request.",
                **specifics,
            )

        file(CUSTOMER_EMAIL, "access", 3)
        dsr.request_start(
            file("sophie.martin@example.com", "rectification", 26, rectification={"city": "Lyon"}), actor=self.staff
        )
        giulia = dsr.request_start(file("giulia.romano@example.com", "erasure", 20), actor=self.staff)
        dsr.request_extend(
            giulia,
            actor=self.staff,
            until=(giulia.extension_ceiling),
            reason="Invoices under a legal hold must be checked.",
        )
        overdue = file(
            "marc.dupuis@example.com", "objection", 35, channel="email", objection_scope="audience_measurement"
        )
        dsr.request_verify_identity(overdue, actor=self.staff)
        dsr.request_await_identity(
            file("marc.dupuis@example.com", "access", 2, channel="public_form"),
            actor=self.staff,
            note="The postal code on your last invoice.",
        )
        kinds = ("access", "portability", "rectification", "access", "objection", "other")
        for month in range(12):
            for i, kind in enumerate(kinds[: 1 + (month * 7) % 4]):
                days = 30 * month + 40 + 3 * i
                req = file("lukas.becker@example.com", kind if kind != "rectification" else "other", days)
                dsr.request_start(req, actor=self.staff)
                answered = self.ago(days - 5 - (month + i) % 20)
                if kind == "objection":
                    dsr.request_reject(
                        req, actor=self.staff, code="not_gdpr", text="This is a billing question.", now=answered
                    )
                else:
                    dsr.request_complete(
                        req, actor=self.staff, response="Answered: see the attached copy.", now=answered
                    )

    def _build(self, key, build):
        # Each person draws from their own stream, so their data does not depend on who else exists.
        self.rng = random.Random(f"{SEED}/{key}")
        customer = build()
        self._stamp_activity(customer)
        self.created += 1
        return customer

    def people(self):
        """(email, order reference prefix, builder). A person is there if either is found: erasure replaces
        the email, but keeps the orders as accounting evidence (and the erased demo customer starts that way)."""
        return [
            (CUSTOMER_EMAIL, "DEMO-10", self.camille),
            ("lukas.becker@example.com", "DEMO-30", self.lukas),
            ("sophie.martin@example.com", "DEMO-20", self.sophie),
            ("giulia.romano@example.com", "DEMO-40", self.giulia),
            ("javier.garcia@example.com", "DEMO-50", self.javier),
            ("emma.wilson@example.com", "DEMO-60", self.emma),
            ("hans.mueller@example.com", "DEMO-70", self.hans),
            ("pierre.moreau@example.com", "DEMO-80", self.pierre),
            ("kevin.smith@example.com", "DEMO-81", self.kevin),
            ("lucia.fernandez@example.com", "DEMO-82", self.lucia),
            ("thomas.petit@example.com", "DEMO-90", self.thomas),
            ("lea.roux@example.com", None, self.lea),
            ("oliver.schmidt@example.com", None, self.oliver),
        ]

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
        kw.setdefault("buyer_ip", _ip(self.rng))
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
                via=(provider, method, _payment_reference(provider, ref)),
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
        home = _ip(self.rng)
        agent = self.rng.choice(USER_AGENTS)
        rows = [
            ConnectionLog(
                customer=customer,
                created_at=self.ago(d),
                ip=home if self.rng.random() < 0.7 else _ip(self.rng),
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
                policy_version=_policy_version(self.versions, when),
                language=customer.preferred_language,
                source=source,
                created_at=when,
                ip=_ip(self.rng) if network else None,
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

    def dpo(self):
        staff = self.customer(
            STAFF_EMAIL, "Dana", "Protect", joined=2600, language="fr", country="FR", is_staff=True, is_superuser=True
        )
        self.logins(staff, [30, 3, 1])
        return staff

    def camille(self):
        """The demo customer: eleven years of hosting, a lapsed domain, tickets, a consent history."""
        c = self.customer(
            CUSTOMER_EMAIL,
            "Camille",
            "Dupont",
            joined=2400,
            language="fr",
            country="FR",
            phone="+33612345678",
            address="12 rue des Lilas",
            postal_code="69003",
            city="Lyon",
        )
        self.signup_consents(c, days=2400, email=True)
        self.consents(
            c,
            days=2400,
            source=ConsentRecord.Source.BANNER,
            choices={Purpose.ANALYTICS: True, Purpose.AFFILIATION: False},
        )
        self.consents(
            c,
            days=700,
            source=ConsentRecord.Source.PROFILE,
            choices={Purpose.MARKETING_SMS: True, Purpose.ADVERTISING: False},
        )
        self.consents(c, days=150, source=ConsentRecord.Source.PROFILE, choices={Purpose.MARKETING_SMS: False})
        self.consents(
            c,
            days=20,
            source=ConsentRecord.Source.BANNER,
            choices={Purpose.ANALYTICS: True, Purpose.AFFILIATION: False},
        )
        self.changes(
            c,
            [
                (2399, "preferred_language", "en", "fr", c),
                (2300, "first_name", "camille", "Camille", self.staff),
                (2000, "phone", "", "+33612345678", c),
                (800, "address", "4 place Bellecour", "12 rue des Lilas", c),
                (800, "postal_code", "69002", "69003", c),
            ],
        )
        hosting = self.renewals(
            c,
            "DEMO-1001",
            "Web hosting Pro, 1 year",
            "119.88",
            first=2390,
            years=7,
            pay=lambda k: (STRIPE, M.CARD if k % 2 == 0 else M.SEPA_DEBIT),
        )
        site = self.service(c, hosting[0], "Web hosting Pro", days=2390)
        self.domain(c, site, "camille-dupont.fr", days=2390, expires=-200)
        photo = self.order(c, "DEMO-1002", "Domain dupont-photo.com, 1 year", "12.00", days=1500)
        self.domain(
            c, None, "dupont-photo.com", days=1500, expires=1135, status=Domain.Status.EXPIRED, auto_renew=False
        )
        self.invoice(
            c,
            photo,
            [("Domain dupont-photo.com, 1 year", "1", "12.00")],
            days=1500,
            paid=1500,
            via=(PAYPAL, M.PAYPAL, _payment_reference(PAYPAL, "DEMO-1002")),
        )
        mail = self.order(
            c, "DEMO-1003", "Email Pro, 5 mailboxes, 1 year", "59.88", days=60, status=Order.Status.ACTIVE, changed=59
        )
        # Issued, not paid (the card was declined), so the mailboxes are suspended until it is.
        self.service(c, mail, "Email Pro", days=59, status=Service.Status.SUSPENDED)
        self.invoice(
            c,
            mail,
            [("Email Pro, 5 mailboxes, 1 year", "1", "59.88")],
            days=60,
            via=(STRIPE, M.CARD, _payment_reference(STRIPE, "DEMO-1003")),
        )
        ssl = self.order(c, "DEMO-1004", "SSL certificate, 1 year", "49.00", days=3, status=Order.Status.PENDING)
        Transaction.objects.create(
            customer=c,
            order=ssl,
            provider=MOLLIE,
            provider_reference=_payment_reference(MOLLIE, "DEMO-1004"),
            amount=Decimal("49.00"),
            method=M.BANK_TRANSFER,
            status=Transaction.Status.PENDING,
            created_at=self.ago(3),
        )
        self.ticket(
            c,
            "No email received on my domain",
            [
                (1300, C, "Bonjour, since yesterday no email reaches contact@camille-dupont.fr."),
                (1299.8, S, "Hello Camille, the MX record of your domain pointed to an old server. Fixed now."),
                (1297, C, "It works again, thank you!"),
                (1296.9, S, "You're welcome. I'm closing this ticket."),
            ],
            days=1300,
            closed=1296.9,
        )
        self.ticket(
            c,
            "Wrong postal code on my invoice",
            [
                (798, C, "My last invoice shows 69002, I moved to 69003."),
                (797.5, S, "Update your address on your profile; the next invoices will carry it."),
            ],
            days=798,
            closed=797.5,
        )
        self.ticket(
            c,
            "How do I restore yesterday's backup?",
            [
                (2, C, "I deleted a folder by mistake. Can I get yesterday's version back?"),
                (1.6, S, "Yes: Hosting > Backups > pick the date > Restore. Shall I do it for you?"),
            ],
            days=2,
        )
        self.logins(c, [1296, 900, 800, 420, 365, 200, 60, 30, 7, 1], failed=[30.01, 7.01])
        return c

    def lukas(self):
        """The affiliate: a hosting customer for eleven years who earns commissions on the people he refers."""
        c = self.customer(
            "lukas.becker@example.com",
            "Lukas",
            "Becker",
            joined=4150,
            language="de",
            country="DE",
            phone="+4930901820",
            address="Friedrichstraße 123",
            postal_code="10117",
            city="Berlin",
            affiliate_code=AFFILIATE_CODE,
        )
        self.signup_consents(c, days=4150, email=True)
        orders = self.renewals(
            c,
            "DEMO-3001",
            "Web hosting Starter, 1 year",
            "35.88",
            first=4140,
            years=12,
            pay=lambda k: (PAYPAL, M.PAYPAL),
        )
        blog = self.service(c, orders[0], "Web hosting Starter", days=4140)
        self.domain(c, blog, "becker-blog.de", days=4140, expires=-100)
        self.changes(c, [(1200, "affiliate_code", "", AFFILIATE_CODE, self.staff)])
        self.logins(c, [1200, 400, 380, 100, 10])
        return c

    def sophie(self):
        """A professional customer with a VAT number; her invoices include a credit note, a refund and drafts."""
        c = self.customer(
            "sophie.martin@example.com",
            "Sophie",
            "Martin",
            joined=3100,
            language="fr",
            country="FR",
            phone="+33145789012",
            address="8 avenue Victor Hugo",
            postal_code="75016",
            city="Paris",
            is_professional=True,
            company="Atelier Martin SARL",
            vat_number="FR40303265045",
            referred_by_code=AFFILIATE_CODE,
        )
        self.signup_consents(c, days=3100)
        self.consents(
            c,
            days=300,
            source=ConsentRecord.Source.BANNER,
            choices={Purpose.ANALYTICS: False, Purpose.AFFILIATION: False},
        )
        self.changes(
            c,
            [
                (3000, "is_professional", "False", "True", c),
                (3000, "company", "", "Atelier Martin SARL", c),
                (3000, "vat_number", "", "FR40303265045", c),
            ],
        )
        orders = self.renewals(
            c,
            "DEMO-2001",
            "Dedicated server M, 1 year",
            "1188.00",
            first=3090,
            years=9,
            pay=lambda k: (MOLLIE, M.BANK_TRANSFER if k % 3 else M.SEPA_DEBIT),
        )
        self.commission(orders[0], "118.80", AffiliateCommission.Status.PAID, days=3090, decided=3000)
        server = self.service(c, orders[0], "Dedicated server M", days=3090)
        self.domain(c, server, "atelier-martin.fr", days=3090, expires=-30)
        # Sent twice by mistake; the duplicate is cancelled by a credit note.
        self.invoice(c, orders[5], [("Dedicated server M, 1 year", "1", "1188.00")], days=1264.9, credited=1255)
        # Paid, then withdrawn from within 14 days: refunded by a credit note.
        backup = self.order(
            c,
            "DEMO-2002",
            "Automated backup option, 1 year",
            "240.00",
            days=700,
            status=Order.Status.CANCELLED,
            changed=690,
        )
        self.invoice(
            c,
            backup,
            [("Automated backup option, 1 year", "1", "240.00")],
            days=700,
            paid=700,
            via=(STRIPE, M.CARD, _payment_reference(STRIPE, "DEMO-2002")),
            credited=690,
        )
        self.draft(c, [("Dedicated server M, 1 year", "1", "1188.00"), ("Extra IPv4 address", "12", "2.00")], days=2)
        self.draft(c, [("Pro-forma: load balancer option, 1 year", "1", "360.00")], days=90, cancelled=75)
        self.draft(c, [("Pro-forma: extra IPv4 block", "1", "96.00")], days=15, cancelled=10)
        self.ticket(
            c,
            "Planned reboot of our server",
            [
                (1500, C, "Can you reboot our server on Sunday night rather than Tuesday?"),
                (1499.7, S, "Done: the maintenance is moved to Sunday 02:00."),
            ],
            days=1500,
            closed=1499.7,
        )
        self.logins(c, [1500, 700, 170, 40, 5])
        return c

    def giulia(self):
        """A referred customer whose orders carry commissions in every status but paid."""
        c = self.customer(
            "giulia.romano@example.com",
            "Giulia",
            "Romano",
            joined=400,
            language="it",
            country="IT",
            phone="+393471234567",
            address="Via Roma 10",
            postal_code="20121",
            city="Milano",
            referred_by_code=AFFILIATE_CODE,
        )
        self.signup_consents(c, days=400, email=True, sms=True)
        followers = self.order(
            c,
            "DEMO-4001",
            "Instagram followers",
            "19.90",
            days=395,
            volume=1000,
            target_url="https://instagram.com/giulia.romano.art",
        )
        self.invoice(
            c,
            followers,
            [("Instagram followers x1000", "1", "19.90")],
            days=395,
            paid=395,
            via=(STRIPE, M.CARD, _payment_reference(STRIPE, "DEMO-4001")),
        )
        self.commission(followers, "1.99", AffiliateCommission.Status.ACCEPTED, days=395, decided=365)
        likes = self.order(
            c,
            "DEMO-4002",
            "Instagram likes",
            "9.90",
            days=250,
            volume=500,
            target_url="https://instagram.com/p/demo4002",
            status=Order.Status.CANCELLED,
            changed=249,
        )
        self.commission(likes, "0.99", AffiliateCommission.Status.REJECTED, days=250, decided=249)
        tiktok = self.order(
            c,
            "DEMO-4003",
            "TikTok followers",
            "29.90",
            days=45,
            volume=2000,
            target_url="https://www.tiktok.com/@giulia.romano.art",
            status=Order.Status.PENDING,
        )
        self.commission(tiktok, "2.99", AffiliateCommission.Status.PENDING, days=45)
        hosting = self.order(
            c, "DEMO-4004", "Web hosting Starter, 1 year", "35.88", days=20, status=Order.Status.ACTIVE
        )
        self.service(c, hosting, "Web hosting Starter", days=20)
        self.invoice(
            c,
            hosting,
            [("Web hosting Starter, 1 year", "1", "35.88")],
            days=20,
            paid=20,
            via=(MOLLIE, M.IDEAL, _payment_reference(MOLLIE, "DEMO-4004")),
        )
        self.commission(hosting, "3.59", AffiliateCommission.Status.PENDING, days=20)
        self.ticket(
            c,
            "Followers delivered too slowly",
            [
                (380, C, "Only 400 of my 1000 followers have arrived after two weeks."),
                (379.5, S, "Delivery is spread over 30 days so it looks natural; the rest is on its way."),
            ],
            days=380,
            closed=378,
        )
        self.logins(c, [395, 250, 45, 20, 4], failed=[45.01])
        return c

    def javier(self):
        """Active but silent for over three months, with no active service: due for archiving."""
        c = self.customer(
            "javier.garcia@example.com",
            "Javier",
            "García",
            joined=1200,
            language="es",
            country="ES",
            phone="+34612345678",
            address="Calle Mayor 5",
            postal_code="28013",
            city="Madrid",
        )
        self.signup_consents(c, days=1200)
        orders = self.renewals(
            c, "DEMO-5001", "VPS S, 1 year", "71.88", first=1190, years=3, pay=lambda k: (STRIPE, M.CARD)
        )
        self.service(c, orders[0], "VPS S", days=1190, status=Service.Status.TERMINATED, ended=130)
        self.ticket(
            c,
            "Cancel my VPS",
            [
                (135, C, "Please do not renew my VPS, I am moving the project elsewhere."),
                (134.6, S, "Noted: it will stop at the end of the paid period."),
            ],
            days=135,
            closed=130,
        )
        self.logins(c, [1190, 825, 460, 140])
        return c

    def emma(self):
        """Archived eight months ago: due for erasure, her paid invoices kept for the accountant."""
        c = self.customer(
            "emma.wilson@example.com",
            "Emma",
            "Wilson",
            joined=2900,
            language="en",
            country="GB",
            phone="+447911123456",
            address="221 Baker Street",
            postal_code="NW1 6XE",
            city="London",
        )
        self.signup_consents(c, days=2900, email=True)
        self.consents(c, days=500, source=ConsentRecord.Source.UNSUBSCRIBE, choices={Purpose.MARKETING_EMAIL: False})
        orders = self.renewals(
            c,
            "DEMO-6001",
            "Web hosting Pro, 1 year",
            "119.88",
            first=2890,
            years=7,
            pay=lambda k: (PAYPAL, M.PAYPAL if k % 2 else M.CARD),
        )
        site = self.service(c, orders[0], "Web hosting Pro", days=2890, status=Service.Status.TERMINATED, ended=335)
        self.domain(
            c, site, "emma-wilson.co.uk", days=2890, expires=335, status=Domain.Status.EXPIRED, auto_renew=False
        )
        self.ticket(
            c,
            "Please do not renew",
            [(340, C, "I will not need the hosting after this year."), (339.8, S, "Understood, auto-renew is off.")],
            days=340,
            closed=336,
        )
        self.logins(c, [2890, 1430, 700, 340])
        self.set_state(c, User.State.ARCHIVED, days=240)
        return c

    def hans(self):
        """Archived forty days ago: not yet due for erasure."""
        c = self.customer(
            "hans.mueller@example.com",
            "Hans",
            "Müller",
            joined=900,
            language="de",
            country="AT",
            phone="+436641234567",
            address="Mariahilfer Straße 1",
            postal_code="1060",
            city="Wien",
        )
        self.signup_consents(c, days=900)
        for ref, volume, amount, days, via in (
            ("DEMO-7001", 5000, "79.90", 890, (STRIPE, M.SEPA_DEBIT, _payment_reference(STRIPE, "DEMO-7001"))),
            ("DEMO-7002", 2000, "39.90", 300, (STRIPE, M.CARD, _payment_reference(STRIPE, "DEMO-7002"))),
        ):
            order = self.order(
                c,
                ref,
                "Instagram followers",
                amount,
                days=days,
                volume=volume,
                target_url="https://instagram.com/hans.mueller.fotografie",
            )
            self.invoice(c, order, [(f"Instagram followers x{volume}", "1", amount)], days=days, paid=days, via=via)
        self.logins(c, [890, 300, 140])
        self.set_state(c, User.State.ARCHIVED, days=40)
        return c

    def pierre(self):
        """Terminated two months ago, last login before that: due for erasure."""
        c = self.customer(
            "pierre.moreau@example.com",
            "Pierre",
            "Moreau",
            joined=1800,
            language="fr",
            country="FR",
            phone="+33698765432",
            address="3 rue Nationale",
            postal_code="59000",
            city="Lille",
        )
        self.signup_consents(c, days=1800, email=True, social=True)
        orders = self.renewals(
            c, "DEMO-8001", "VPS M, 1 year", "143.88", first=1790, years=5, pay=lambda k: (MOLLIE, M.SEPA_DEBIT)
        )
        vps = self.service(c, orders[0], "VPS M", days=1790, status=Service.Status.TERMINATED, ended=60)
        self.domain(c, vps, "moreau-conseil.fr", days=1790, expires=-300, status=Domain.Status.TRANSFERRED)
        self.ticket(
            c,
            "Please close my account",
            [
                (62, C, "I have moved my domain to another registrar. Please close my account."),
                (61, S, "Your VPS stops today and your account is closed. Goodbye, Pierre!"),
            ],
            days=62,
            closed=60,
        )
        self.changes(c, [(60, "state", "active", "terminated", self.staff)])
        self.logins(c, [1790, 695, 330, 65])
        self.set_state(c, User.State.TERMINATED, days=60)
        return c

    def kevin(self):
        """A fraudster: stolen cards declined, two orders marked fraudulent, account terminated by staff."""
        c = self.customer(
            "kevin.smith@example.com",
            "Kevin",
            "Smith",
            joined=55,
            language="en",
            country="IE",
            phone="+353851234567",
            address="1 O'Connell Street",
            postal_code="D01 F5P2",
            city="Dublin",
        )
        self.signup_consents(c, days=55)
        for ref, product, amount, days, changed, volume, provider, method in (
            ("DEMO-8101", "Instagram followers", "129.90", 52, 48, 10000, STRIPE, M.CARD),
            ("DEMO-8102", "Instagram likes", "49.90", 14, 12, 5000, PAYPAL, M.CARD),
        ):
            order = self.order(
                c,
                ref,
                product,
                amount,
                days=days,
                volume=volume,
                target_url="https://instagram.com/k.smith.growth",
                status=Order.Status.FRAUDULENT,
                changed=changed,
            )
            Transaction.objects.bulk_create(
                Transaction(
                    customer=c,
                    order=order,
                    provider=provider,
                    provider_reference=_payment_reference(provider, f"{ref}-{n}"),
                    amount=Decimal(amount),
                    method=method,
                    status=Transaction.Status.FAILED,
                    created_at=self.ago(days - n * 0.001),
                )
                for n in (1, 2)
            )
        self.changes(c, [(12, "state", "active", "terminated", self.staff)])
        self.logins(c, [55, 52, 14], failed=[52.01, 14.01, 13])
        self.set_state(c, User.State.TERMINATED, days=12)
        return c

    def lucia(self):
        """Terminated ten days ago: not yet due for erasure."""
        c = self.customer(
            "lucia.fernandez@example.com",
            "Lucía",
            "Fernández",
            joined=700,
            language="es",
            country="ES",
            phone="+34699123456",
            address="Avenida de la Constitución 20",
            postal_code="41004",
            city="Sevilla",
        )
        self.signup_consents(c, days=700, email=True)
        orders = self.renewals(
            c, "DEMO-8201", "Web hosting Starter, 1 year", "35.88", first=690, years=2, pay=lambda k: (PAYPAL, M.PAYPAL)
        )
        self.service(c, orders[0], "Web hosting Starter", days=690, status=Service.Status.TERMINATED, ended=10)
        self.logins(c, [690, 325, 12])
        self.set_state(c, User.State.TERMINATED, days=10)
        return c

    def thomas(self):
        """A customer erased a year ago: what the registry keeps of him, nothing more.

        His orders, invoices, transactions, consents and connection logs stay, cut down to their keep fields;
        his profile is anonymised once his invoices are issued, so they carry the name he had then."""
        c = self.customer(
            "thomas.petit@example.com",
            "Thomas",
            "Petit",
            joined=4200,
            language="fr",
            country="FR",
            phone="+33611223344",
            address="5 rue du Port",
            postal_code="44000",
            city="Nantes",
        )
        self.signup_consents(c, days=4200, email=True, network=False)
        self.consents(
            c,
            days=2000,
            source=ConsentRecord.Source.UNSUBSCRIBE,
            choices={Purpose.MARKETING_EMAIL: False},
            network=False,
        )
        for k, days in enumerate((4190, 3825, 3460, 3095)):
            ref = "DEMO-9001" if k == 0 else f"DEMO-9001-R{k}"
            order = self.order(c, ref, "Web hosting Pro, 1 year", "119.88", days=days, buyer_ip=None)
            self.invoice(
                c,
                order,
                [("Web hosting Pro, 1 year", "1", "119.88")],
                days=days,
                paid=days,
                via=(STRIPE, M.CARD, _payment_reference(STRIPE, ref)),
            )
        self.logins(c, [3100, 3095, 2000, 900, 700], network=False)

        def erase():
            erased = User.objects.get(pk=c.pk)
            erased.set_state(User.State.ARCHIVED, when=self.ago(590))
            erased.set_state(User.State.ERASED, when=self.ago(400))
            for field, value in registry.entry(User).erasure.fields.items():
                setattr(erased, field, value.format(pk=erased.pk) if isinstance(value, str) else value)
            erased.set_unusable_password()
            erased.save()

        self._after.append(erase)
        return c

    def lea(self):
        """Registered seven months ago and never ordered anything: due for the empty-account erasure."""
        c = self.customer("lea.roux@example.com", "Léa", "Roux", joined=213, language="fr", country="FR")
        self.signup_consents(c, days=213, email=True)
        self.logins(c, [213, 150])
        return c

    def oliver(self):
        """Signed up yesterday and has not clicked the verification link yet."""
        c = self.customer(
            "oliver.schmidt@example.com", "Oliver", "Schmidt", joined=1, language="de", country="DE", verified=False
        )
        self.signup_consents(c, days=1)
        return c

    def outsiders(self):
        """People without an account: prospects, anonymous visitors' cookie choices, logins with unknown emails."""
        prospects = (
            ("marie.lambert@example.org", "Marie", "Lambert", Prospect.Source.NEWSLETTER, 90, 30),
            ("john.doe@example.org", "John", "Doe", Prospect.Source.CONTACT_FORM, 400, 400),
            ("chloe.dubois@example.org", "Chloé", "Dubois", Prospect.Source.NEWSLETTER, 1100, 1096),
            ("paolo.bianchi@example.org", "Paolo", "Bianchi", Prospect.Source.EVENT, 1300, 1300),
            ("ines.martinez@example.org", "Inés", "Martínez", Prospect.Source.REFERRAL, 1500, 1200),
            ("klaus.weber@example.org", "Klaus", "Weber", Prospect.Source.NEWSLETTER, 2000, 100),
        )
        existing = set(Prospect.objects.filter(email__in=[p[0] for p in prospects]).values_list("email", flat=True))
        Prospect.objects.bulk_create(
            Prospect(
                email=email,
                first_name=first,
                last_name=last,
                source=source,
                created_at=self.ago(created),
                last_contact_at=self.ago(contact),
            )
            for email, first, last, source, created, contact in prospects
            if email not in existing
        )
        # A cookie grant over 13 months old, a refusal over 6 months old, and a fresh grant.
        visitors = (
            ("demo-visitor-0001", 420, {Purpose.ANALYTICS: True, Purpose.AFFILIATION: True}),
            ("demo-visitor-0002", 200, {Purpose.ANALYTICS: False, Purpose.AFFILIATION: False}),
            ("demo-visitor-0003", 10, {Purpose.ANALYTICS: True, Purpose.AFFILIATION: False}),
        )
        for visitor_id, days, choices in visitors:
            if ConsentRecord.objects.filter(visitor_id=visitor_id).exists():
                continue
            self.rng = random.Random(f"{SEED}/{visitor_id}")
            ConsentRecord.objects.bulk_create(
                ConsentRecord(
                    visitor_id=visitor_id,
                    purpose=purpose,
                    granted=granted,
                    policy_version=_policy_version(self.versions, self.ago(days)),
                    language="fr",
                    source=ConsentRecord.Source.BANNER,
                    created_at=self.ago(days),
                    ip=_ip(self.rng),
                    user_agent=self.rng.choice(USER_AGENTS),
                )
                for purpose, granted in choices.items()
            )
            if visitor_id == "demo-visitor-0001":
                # Someone trying addresses that have no account: the log keeps no customer.
                self.logins(None, [], failed=[400, 30, 2])


# Generated customers.

LANGUAGES = ("fr", "en", "de", "es", "it")
LANGUAGE_WEIGHTS = (50, 15, 15, 10, 10)
FIRST_NAMES = {
    "fr": (
        "Camille",
        "Léa",
        "Manon",
        "Chloé",
        "Inès",
        "Julie",
        "Louis",
        "Hugo",
        "Jules",
        "Antoine",
        "Claire",
        "Nicolas",
    ),
    "en": ("Oliver", "George", "Harry", "Jack", "Amelia", "Olivia", "Isla", "Emily", "Sophie", "James", "Grace"),
    "de": ("Lukas", "Leon", "Finn", "Jonas", "Mia", "Hannah", "Lena", "Anna", "Felix", "Paul", "Laura", "Sarah"),
    "es": ("Lucía", "Sofía", "Martina", "María", "Hugo", "Martín", "Pablo", "Daniel", "Carmen", "Javier", "Elena"),
    "it": ("Giulia", "Sofia", "Aurora", "Alice", "Leonardo", "Francesco", "Lorenzo", "Matteo", "Chiara", "Marco"),
}
LAST_NAMES = {
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"),
    "en": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans", "Walsh"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch"),
    "es": ("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"),
}
# (country, city, postal code, street, whether the number comes after the street name)
PLACES = {
    "fr": (
        ("FR", "Paris", "75011", "rue de la Roquette", False),
        ("FR", "Lyon", "69007", "avenue Jean Jaurès", False),
        ("FR", "Marseille", "13006", "rue Paradis", False),
        ("FR", "Toulouse", "31000", "rue d'Alsace-Lorraine", False),
        ("FR", "Nantes", "44000", "rue Crébillon", False),
        ("BE", "Bruxelles", "1000", "rue Neuve", True),
    ),
    "en": (
        ("GB", "London", "SW1A 1AA", "High Street", False),
        ("GB", "Manchester", "M1 1AE", "Market Street", False),
        ("IE", "Dublin", "D02 X285", "Grafton Street", False),
    ),
    "de": (
        ("DE", "Berlin", "10115", "Invalidenstraße", True),
        ("DE", "München", "80331", "Kaufingerstraße", True),
        ("DE", "Hamburg", "20095", "Mönckebergstraße", True),
        ("AT", "Wien", "1010", "Kärntner Straße", True),
    ),
    "es": (
        ("ES", "Madrid", "28001", "Calle de Serrano", True),
        ("ES", "Barcelona", "08001", "La Rambla", True),
        ("ES", "Valencia", "46001", "Calle de Colón", True),
    ),
    "it": (
        ("IT", "Roma", "00184", "Via Nazionale", True),
        ("IT", "Milano", "20121", "Via Brera", True),
        ("IT", "Torino", "10121", "Via Roma", True),
    ),
}
HOSTING = (
    ("Web hosting Starter, 1 year", "Web hosting Starter", Decimal("35.88")),
    ("Web hosting Pro, 1 year", "Web hosting Pro", Decimal("119.88")),
    ("VPS S, 1 year", "VPS S", Decimal("71.88")),
    ("Email Pro, 5 mailboxes, 1 year", "Email Pro", Decimal("59.88")),
)
SOCIAL = (
    ("Instagram followers", Decimal("19.90"), 1000, "https://instagram.com/"),
    ("Instagram likes", Decimal("9.90"), 500, "https://instagram.com/"),
    ("TikTok followers", Decimal("29.90"), 2000, "https://www.tiktok.com/@"),
    ("YouTube views", Decimal("14.90"), 5000, "https://www.youtube.com/@"),
)
PAYMENTS = (
    (STRIPE, M.CARD, "pi_gen"),
    (STRIPE, M.SEPA_DEBIT, "pi_gen"),
    (PAYPAL, M.PAYPAL, "PAYID-GEN"),
    (MOLLIE, M.IDEAL, "tr_gen"),
    (MOLLIE, M.BANK_TRANSFER, "tr_gen"),
)
TICKETS = (
    ("My site is down", "Hello, my site answers 502 since this morning."),
    ("Invoice copy", "Could you send me a copy of my last invoice?"),
    ("Change of plan", "I would like to move to a bigger plan. How does it work?"),
    ("Order not delivered", "My order still shows as pending after three days."),
    ("DNS question", "How do I point my domain to my new server?"),
)
ACTIVE_ORDER_STATUSES = (
    (
        Order.Status.COMPLETED,
        Order.Status.ACTIVE,
        Order.Status.PENDING,
        Order.Status.CANCELLED,
        Order.Status.FRAUDULENT,
    ),
    (45, 20, 10, 20, 5),
)
ROWS_PER_GENERATED = 13  # user, 2 orders, service, invoice, line, transaction, ticket, message, 3 logins, consent


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
        ip = _ip(rng)
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
                policy_version=_policy_version(versions, joined),
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
    versions = _policy_versions()
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


def model_counts():
    models = [*apps.get_app_config("accounts").get_models(), *apps.get_app_config("privacy").get_models()]
    return {m._meta.label: m._default_manager.count() for m in models}


class Command(BaseCommand):
    help = (
        "Load the demo data: customer@example.com, the DPO staff account dpo@example.com (password from "
        "DEMO_PASSWORD, default demo-password) and a named population in every state. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated customers with a short history (bulk inserts; 100,000 take a few minutes).",
        )
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="Generated customers inserted per transaction (default 2000)."
        )

    def handle(self, *args, customers, chunk_size, **options):
        if customers < 0 or chunk_size < 1:
            raise CommandError("--customers must be positive or zero, --chunk-size at least 1.")
        started = time.monotonic()
        now = timezone.now()
        password_hash = make_password(os.environ.get("DEMO_PASSWORD", "demo-password"))
        before = model_counts()

        created, skipped = NamedPopulation(now=now, password_hash=password_hash).run()
        self.stdout.write(f"Named people: {created} created, {skipped} already there.")
        self.stdout.write(f"Privacy policy and processors: {seed_policy()} rows created.")
        self.stdout.write(f"Demo marketing campaign started: {seed_campaign()}.")

        if customers:
            generated_started = time.monotonic()

            def progress(done, rows):
                elapsed = time.monotonic() - generated_started
                self.stdout.write(f"  {done:,}/{customers:,} generated customers, {rows:,} rows ({elapsed:.1f} s)")

            rows = seed_generated(
                customers, now=now, password_hash=password_hash, chunk_size=chunk_size, progress=progress
            )
            elapsed = time.monotonic() - generated_started
            self.stdout.write(
                f"Generated {customers:,} customers and {rows - customers:,} owned rows in {elapsed:.1f} s "
                f"({customers / elapsed:,.0f} customers/s)."
            )

        after = model_counts()
        self.stdout.write("Created:")
        for label, count in after.items():
            self.stdout.write(f"  {label}: +{count - before[label]:,} ({count:,} in all)")
        added = sum(after.values()) - sum(before.values())
        self.stdout.write(self.style.SUCCESS(f"seed_demo: {added:,} rows added in {time.monotonic() - started:.1f} s."))
