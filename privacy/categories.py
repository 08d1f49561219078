"""The categories of personal data, with purpose, legal basis and recipients (R08, R41)."""

from django.utils.translation import gettext_lazy as _

from privacy.registry import Category

# Categories of recipients; the companies themselves are named in the processor list on the policy page.
PAYMENT_PROVIDERS = _("Our payment providers")
HOST = _("Our hosting provider")
ACCOUNTANT = _("Our chartered accountant")
AUTHORITIES = _("Judicial or administrative authorities, only upon legal request")

IDENTITY = Category(
    "identity",
    _("Identity and contact details"),
    _("Managing your account, providing the services you ordered and contacting you about them"),
    _("Performance of the contract (Art. 6(1)(b))"),
    (HOST, AUTHORITIES),
    order=10,
)
ORDERS = Category(
    "orders",
    _("Orders"),
    _("Carrying out your orders and keeping accounting evidence"),
    _("Performance of the contract (Art. 6(1)(b)) and legal obligation (Art. 6(1)(c))"),
    (HOST, ACCOUNTANT, AUTHORITIES),
    order=20,
)
SERVICES = Category(
    "services",
    _("Accounts and services"),
    _("Providing and renewing the services you subscribed to"),
    _("Performance of the contract (Art. 6(1)(b))"),
    (HOST,),
    order=30,
)
DOMAINS = Category(
    "domains",
    _("Domain names"),
    _("Registering and renewing your domain names"),
    _("Performance of the contract (Art. 6(1)(b))"),
    (HOST, _("Domain registries and registrars")),
    order=40,
)
INVOICES = Category(
    "invoices",
    _("Invoices"),
    _("Billing and keeping accounting records"),
    _("Legal obligation (Art. 6(1)(c)): French Commercial Code L123-22"),
    (ACCOUNTANT, AUTHORITIES),
    order=50,
)
TRANSACTIONS = Category(
    "transactions",
    _("Payment transactions"),
    _("Taking payment and proving it; card and bank numbers are never stored"),
    _("Performance of the contract (Art. 6(1)(b)) and legal obligation (Art. 6(1)(c))"),
    (PAYMENT_PROVIDERS, ACCOUNTANT),
    order=60,
)
SUPPORT = Category(
    "support",
    _("Support tickets"),
    _("Answering your questions and handling incidents"),
    _("Performance of the contract (Art. 6(1)(b))"),
    (HOST,),
    order=70,
)
AFFILIATE = Category(
    "affiliate",
    _("Referral data"),
    _("Calculating affiliate commissions"),
    _("Performance of the contract (Art. 6(1)(b))"),
    (ACCOUNTANT,),
    order=80,
)
CONSENTS = Category(
    "consents",
    _("Consents and marketing preferences"),
    _("Knowing and proving what you agreed to and what you refused"),
    _("Legal obligation to prove consent (Art. 7(1))"),
    (),
    order=90,
)
CONNECTION_LOG = Category(
    "connection_log",
    _("Connection log"),
    _("Securing your account and meeting our legal duty to keep connection data"),
    _("Legal obligation (LCEN art. 6) and legitimate interest in security (Art. 6(1)(f))"),
    (HOST, AUTHORITIES),
    order=100,
)
CHANGE_LOG = Category(
    "change_log",
    _("Change log"),
    _("Keeping your data accurate and showing who changed what"),
    _("Accountability (Art. 5(2)) and legitimate interest (Art. 6(1)(f))"),
    (),
    order=110,
)
PROSPECTS = Category(
    "prospects",
    _("Prospect contact details"),
    _("Answering your enquiry and, if you agreed, sending you news"),
    _("Consent (Art. 6(1)(a)) or legitimate interest (Art. 6(1)(f))"),
    (HOST,),
    source=_("You, through a contact or newsletter form"),
    order=120,
)

STAFF_ACTIONS = Category(
    "staff_actions",
    _("Back-office actions"),
    _("Knowing which staff member did what in the back-office"),
    _("Accountability (Art. 5(2)) and security (Art. 32)"),
    (),
    source=_("Our back-office, when a staff member works on a record"),
    order=200,
)

REQUESTS = Category(
    "requests",
    _("Your requests about your data"),
    _("Answering the requests you make under the GDPR and proving that we did"),
    _("Legal obligation (Art. 12 to 22 and Art. 5(2))"),
    (AUTHORITIES,),
    order=130,
)
POST_MORTEM = Category(
    "post_mortem",
    _("Instructions for after your death"),
    _("Carrying out what you asked us to do with your data after your death"),
    _("Legal obligation (French Data Protection Act, art. 85)"),
    (),
    order=140,
)

# The staff audit trail (R71), and what was handed to authorities (R30): read by the access answer too.
STAFF_ACCESS = Category(
    "staff_access",
    _("Staff access to your data"),
    _("Proving which staff member viewed, changed, exported or erased your data, and when"),
    _("Accountability (Art. 5(2)) and security of processing (Art. 32)"),
    (),
    source=_("Our back-office, when a staff member opens or changes your records"),
    order=210,
)
AUTHORITY_DISCLOSURES = Category(
    "authority_disclosures",
    _("Disclosures to authorities"),
    _("Answering a legal request from a court or an administrative authority"),
    _("Legal obligation (Art. 6(1)(c))"),
    (AUTHORITIES,),
    source=_("Our records of what we handed over, and to whom"),
    order=220,
)
BREACH_NOTICES = Category(
    "breach_notices",
    _("Security incidents that concerned you"),
    _("Telling you about a personal data breach that may affect you (Art. 34)"),
    _("Legal obligation (Art. 6(1)(c))"),
    (),
    source=_("Our breach register"),
    order=230,
)
SURVEYS = Category(
    "surveys",
    _("Survey answers"),
    _("Improving our services from the answers you chose to give to our optional surveys"),
    _("Legitimate interest in improving our services (Art. 6(1)(f)); answering is optional"),
    (),
    source=_("You, when you answer one of our optional surveys"),
    order=125,
)
