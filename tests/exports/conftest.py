"""The people of the export tests: Zoé, a customer with a bit of everything, and a prospect known by email."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.translation import trans_real

from accounts import services
from accounts.models import TicketMessage
from exports.models import ExportJob
from exports.services import export_request
from privacy.models.requests import Kind
from privacy.services.requests import request_file
from tests import factories

ZOE_PHONE = "+33612345678"
GREEK = "Ευχαριστώ πολύ"


LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.fixture(scope="session", autouse=True)
def _exports_catalogue_compiled():
    """make test compiles the catalogue; a bare pytest run on a fresh clone compiles a stale one here."""
    stale = [
        po
        for po in LOCALE.glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command("compilemessages", locale=[p.parts[-3] for p in stale], verbosity=0, ignore_patterns=[".venv"])
        trans_real._translations.clear()
        trans_real._default = None
        trans_real._active = trans_real.Local()


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    """Every test writes its ZIPs in its own private folder, and mails links to a known site."""
    settings.EXPORT_ROOT = tmp_path / "private" / "exports"
    settings.EXPORT_SITE_URL = "https://client.example.com"
    return settings.EXPORT_ROOT


@pytest.fixture
def fast_pdf(monkeypatch):
    """A one-line PDF instead of WeasyPrint's (~3 s each), for tests about delivery rather than content;
    tests/exports/test_archive.py reads the real one back."""
    from exports.builder import pdf

    monkeypatch.setattr(pdf, "render", lambda context, path: path.write_bytes(b"%PDF-1.7 placeholder"))


@pytest.fixture
def build_export(run_on_commit):
    """Ask for an export and let the (eager) task build it at commit; returns the job as it ended."""

    def build(**kwargs):
        with run_on_commit():
            job = export_request(**kwargs)
        return ExportJob.objects.get(pk=job.pk)

    return build


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the eager Celery task, mails) as soon as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def zoe(db):
    """A French-speaking customer whose name has accents."""
    return factories.CustomerFactory(
        email="zoe@example.com",
        first_name="Zoé",
        last_name="Ålander",
        preferred_language="fr",
        phone=ZOE_PHONE,
        city="Besançon",
    )


@pytest.fixture
def anna(db):
    """A German-speaking customer whose name is written in Cyrillic."""
    return factories.CustomerFactory(
        email="anna@example.com", first_name="Анна", last_name="Кузнецова", preferred_language="de"
    )


@dataclass
class History:
    order_reference: str
    invoice_number: str
    domain: str
    staff_reply: str


@pytest.fixture
def zoe_history(zoe, dpo):
    """One or more rows in every category a customer can have, and a support reply written by the DPO."""
    order = factories.OrderFactory(customer=zoe, reference="ORD-ZOE-1", amount=Decimal("19.90"))
    factories.ServiceFactory(customer=zoe, order=order, name="Hébergement Pro")
    factories.DomainFactory(customer=zoe, name="zoe-alander.fr")
    draft = factories.InvoiceLineFactory(invoice__customer=zoe, invoice__order=order, description="Hébergement").invoice
    invoice = services.invoice_issue(invoice=draft)
    factories.TransactionFactory(customer=zoe, invoice=invoice, provider_reference="pi_zoe_1")
    ticket = factories.TicketFactory(customer=zoe, subject="Mon site ne répond plus")
    factories.TicketMessageFactory(ticket=ticket, body=f"Bonjour, mon site affiche 502. {GREEK}")
    reply = "Bonjour Zoé, c'est réparé."
    factories.TicketMessageFactory(ticket=ticket, author=dpo, author_role=TicketMessage.Role.SUPPORT, body=reply)
    factories.CommissionFactory(affiliate=zoe, order__customer=factories.CustomerFactory())
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        factories.ConnectionLogFactory(customer=zoe, ip=ip)
    factories.ChangeLogFactory(customer=zoe, new_value=ZOE_PHONE)
    factories.ConsentFactory(customer=zoe)
    # Held under her address before she had an account.
    factories.ProspectFactory(email="Zoe@Example.com", first_name="Zoé")
    request_file(kind=Kind.OTHER, channel="client_area", customer=zoe, actor=zoe, details="Où sont mes données ?")
    return History(order.reference, invoice.number, "zoe-alander.fr", reply)
