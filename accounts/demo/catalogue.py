"""The demo's fixed vocabulary: the known logins, policy versions, browsers, names, places, products, tickets.

Nothing here touches the database; the named people and the generated population both draw from it.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from accounts.models import (
    Order,
    TicketMessage,
    Transaction,
)

CUSTOMER_EMAIL = "customer@example.com"
STAFF_EMAIL = "dpo@example.com"
AFFILIATE_CODE = "LBECKER"
# The named customer erased a year ago, found by his first order (erasure keeps orders, not the email).
ERASED_CUSTOMER_ORDER = "DEMO-9001"
ERASED_DAYS_AGO = 400
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


def policy_versions():
    """(first day, version) pairs, oldest first; the current version is the settings' one."""
    versions = [(date.fromisoformat(v), v) for v in PAST_POLICY_VERSIONS]
    try:
        current = date.fromisoformat(settings.PRIVACY_POLICY_VERSION)
    except ValueError:
        current = versions[-1][0] + timedelta(days=1)
    return [*versions, (current, settings.PRIVACY_POLICY_VERSION)]


def policy_version(versions, when):
    chosen = versions[0][1]
    for first_day, version in versions:
        if first_day <= when.date():
            chosen = version
    return chosen


def payment_reference(provider, key):
    """A provider reference in that provider's usual shape."""
    if provider == STRIPE:
        return f"pi_{key.lower().replace('-', '_')}"
    if provider == PAYPAL:
        return f"PAYID-{key.upper()}"
    return f"tr_{key.lower().replace('-', '')}"


def ip_address(rng):
    """An address from the documentation ranges (RFC 5737 and 3849): realistic, never a real person's."""
    if rng.random() < 0.1:
        return f"2001:db8:{rng.randrange(0x10000):x}::{rng.randrange(1, 0x10000):x}"
    net = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{net}.{rng.randrange(1, 255)}"


# For the generated population.

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
