"""The named demo customers whose accounts are in use: the demo login, the affiliate, a professional, ..."""

from decimal import Decimal

from accounts.demo.catalogue import (
    AFFILIATE_CODE,
    CUSTOMER_EMAIL,
    MOLLIE,
    PAYPAL,
    STAFF_EMAIL,
    STRIPE,
    C,
    M,
    S,
    payment_reference,
)
from accounts.models import (
    AffiliateCommission,
    Domain,
    Order,
    Service,
    Transaction,
    User,
)
from privacy.models import ConsentRecord, Purpose


class Customers:
    """Mixed into the named population; each method builds one person whole and returns them."""

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
            via=(PAYPAL, M.PAYPAL, payment_reference(PAYPAL, "DEMO-1002")),
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
            via=(STRIPE, M.CARD, payment_reference(STRIPE, "DEMO-1003")),
        )
        ssl = self.order(c, "DEMO-1004", "SSL certificate, 1 year", "49.00", days=3, status=Order.Status.PENDING)
        Transaction.objects.create(
            customer=c,
            order=ssl,
            provider=MOLLIE,
            provider_reference=payment_reference(MOLLIE, "DEMO-1004"),
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
            via=(STRIPE, M.CARD, payment_reference(STRIPE, "DEMO-2002")),
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
            via=(STRIPE, M.CARD, payment_reference(STRIPE, "DEMO-4001")),
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
            via=(MOLLIE, M.IDEAL, payment_reference(MOLLIE, "DEMO-4004")),
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
