"""Demo data for the published policy: the processors and the current version in five languages, so `/privacy/`
shows a real policy after `seed_demo`. Idempotent."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from privacy.models import PolicyText, PolicyVersion, Processor, TransferTool
from privacy.services.policy import policy_publish

PROCESSORS = (
    ("OVHcloud", "Hosting of the site and its databases", "All the data of the site", "France", TransferTool.EEA),
    (
        "Stripe",
        "Card payments",
        "Name, email, amount; card numbers stay with Stripe",
        "Ireland and United States",
        TransferTool.ADEQUACY,
    ),
    ("PayPal", "PayPal payments", "Name, email, amount", "Luxembourg", TransferTool.EEA),
    ("Mollie", "Bank transfers and local payment methods", "Name, email, amount", "Netherlands", TransferTool.EEA),
    ("Brevo", "Sending our emails", "Name, email, the content of the email", "France", TransferTool.EEA),
    ("Cabinet Comptable Exemple", "Our chartered accountant", "Invoices and payments", "France", TransferTool.EEA),
)

INTRO = {
    "en": "This policy explains which personal data we hold about you, why, for how long, who receives it and how "
    "you can use your rights. The tables below are produced by the software that applies them, so they always "
    "match what we actually do.",
    "fr": "Cette politique explique quelles données personnelles nous détenons sur vous, pourquoi, pendant combien "
    "de temps, qui les reçoit et comment exercer vos droits. Les tableaux ci-dessous sont produits par le logiciel "
    "qui les applique : ils correspondent toujours à ce que nous faisons réellement.",
    "es": "Esta política explica qué datos personales conservamos sobre usted, por qué, durante cuánto tiempo, quién "
    "los recibe y cómo ejercer sus derechos. Las tablas siguientes las genera el programa que las aplica, por lo que "
    "siempre corresponden a lo que hacemos realmente.",
    "it": "Questa informativa spiega quali dati personali conserviamo su di Lei, perché, per quanto tempo, chi li "
    "riceve e come può esercitare i Suoi diritti. Le tabelle che seguono sono generate dal software che le applica: "
    "corrispondono sempre a ciò che facciamo realmente.",
    "de": "Diese Datenschutzerklärung erklärt, welche personenbezogenen Daten wir über Sie speichern, warum, wie "
    "lange, wer sie erhält und wie Sie Ihre Rechte ausüben. Die folgenden Tabellen erzeugt die Software, die sie "
    "anwendet: Sie entsprechen immer dem, was wir tatsächlich tun.",
}


@transaction.atomic
def seed_policy(now=None) -> int:
    """Create the processors and publish the current version if nothing is published yet; returns rows created."""
    created = 0
    if not Processor.objects.exists():
        for order, (provider, role, data, location, tool) in enumerate(PROCESSORS):
            Processor.objects.create(
                provider=provider, role=role, data=data, location=location, transfer_tool=tool, order=order
            )
            created += 1
    if PolicyVersion.objects.published().exists():
        return created
    version, made = PolicyVersion.objects.get_or_create(
        number=settings.PRIVACY_POLICY_VERSION, defaults={"summary": ""}
    )
    created += made
    for language, body in INTRO.items():
        _text, made = PolicyText.objects.get_or_create(version=version, language=language, defaults={"content": body})
        created += made
    try:
        day = datetime.fromisoformat(settings.PRIVACY_POLICY_VERSION).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    except ValueError:
        day = None
    policy_publish(version=version, at=day)
    return created
