"""The named demo people on their way out, and those without an account: archived, terminated, erased, prospects."""

import random
from decimal import Decimal

from accounts.demo.catalogue import (
    ERASED_CUSTOMER_ORDER,
    ERASED_DAYS_AGO,
    MOLLIE,
    PAYPAL,
    SEED,
    STRIPE,
    USER_AGENTS,
    C,
    M,
    S,
    ip_address,
    payment_reference,
    policy_version,
)
from accounts.models import (
    Domain,
    Order,
    Prospect,
    Service,
    Transaction,
    User,
)
from privacy.models import ConsentRecord, Purpose


class Leavers:
    """Mixed into the named population; each method builds one person whole and returns them."""

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
            ("DEMO-7001", 5000, "79.90", 890, (STRIPE, M.SEPA_DEBIT, payment_reference(STRIPE, "DEMO-7001"))),
            ("DEMO-7002", 2000, "39.90", 300, (STRIPE, M.CARD, payment_reference(STRIPE, "DEMO-7002"))),
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
                    provider_reference=payment_reference(provider, f"{ref}-{n}"),
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

        His orders, invoices, transactions, consents and connection logs stay, cut down to their keep fields."""
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
            ref = ERASED_CUSTOMER_ORDER if k == 0 else f"{ERASED_CUSTOMER_ORDER}-R{k}"
            order = self.order(c, ref, "Web hosting Pro, 1 year", "119.88", days=days, buyer_ip=None)
            self.invoice(
                c,
                order,
                [("Web hosting Pro, 1 year", "1", "119.88")],
                days=days,
                paid=days,
                via=(STRIPE, M.CARD, payment_reference(STRIPE, ref)),
            )
        self.logins(c, [3100, 3095, 2000, 900, 700], network=False)

        # Archived first, as the rules would have; the erasure itself is the real one, run by the retention
        # app's demo seeder once every invoice is issued (so they carry the name he had then).
        self.set_state(c, User.State.ARCHIVED, days=ERASED_DAYS_AGO + 190)
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
                    policy_version=policy_version(self.versions, self.ago(days)),
                    language="fr",
                    source=ConsentRecord.Source.BANNER,
                    created_at=self.ago(days),
                    ip=ip_address(self.rng),
                    user_agent=self.rng.choice(USER_AGENTS),
                )
                for purpose, granted in choices.items()
            )
            if visitor_id == "demo-visitor-0001":
                # Someone trying addresses that have no account: the log keeps no customer.
                self.logins(None, [], failed=[400, 30, 2])
