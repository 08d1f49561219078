"""What an export holds (R64, R65, R67, R20): every file of the ZIP for a known subject, read back."""

import csv
import dataclasses
import io
import json
from pathlib import Path

import jsonschema
import pytest

from exports.builder.rows import SECRET_NAME, exported_fields
from exports.models import ExportJob
from privacy.models.requests import Kind
from privacy.registry import registry
from privacy.services.requests import request_file
from tests import factories
from tests.exports.archive import open_archive
from tests.exports.conftest import GREEK, ZOE_PHONE

SCHEMA = Path(__file__).resolve().parents[2] / "exports" / "schema" / "data.schema.json"
FILES = {"data.json", "report.pdf", "README.txt"}


def _rows(data, category, record):
    return [row for row in data["sections"][category] if row["record"] == record]


def _csv(archive, category):
    return list(csv.DictReader(io.StringIO(archive.csv[f"csv/{category}.csv"])))


@pytest.fixture
def zoe_archive(zoe, zoe_history, build_export):
    job = build_export(customer=zoe, requested_by=zoe)
    assert job.status == ExportJob.Status.READY, job.error
    return open_archive(job)


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_zip_holds_the_four_parts_and_one_csv_per_category(zoe_archive):
    slugs = [c.slug for c in registry.categories()]

    assert set(zoe_archive.names) == FILES | {f"csv/{slug}.csv" for slug in slugs}
    assert list(zoe_archive.data["sections"]) == slugs


@pytest.mark.django_db
def test_data_json_says_who_when_and_which_version(zoe_archive):
    data = zoe_archive.data

    assert data["schema_version"] == "1.0"
    assert data["generated_at"].endswith("Z")
    assert data["subject"] == {
        "kind": "customer",
        "name": "Zoé Ålander",
        "email": "zoe@example.com",
        "language": "fr",
        "request": None,
    }


@pytest.mark.django_db
def test_data_json_holds_every_row_of_the_subject_with_its_fields(zoe_archive, zoe_history):
    data = zoe_archive.data

    (me,) = _rows(data, "identity", "accounts.user")
    assert (me["first_name"], me["last_name"], me["phone"], me["city"]) == ("Zoé", "Ålander", ZOE_PHONE, "Besançon")
    (order,) = _rows(data, "orders", "accounts.order")
    assert order["reference"] == "ORD-ZOE-1" and order["amount"] == "19.90" and order["buyer_ip"] == "203.0.113.7"
    assert order["created_at"].endswith("Z")
    (invoice,) = _rows(data, "invoices", "accounts.invoice")
    assert invoice["number"] == zoe_history.invoice_number and invoice["billing_name"] == "Zoé Ålander"
    (line,) = _rows(data, "invoices", "accounts.invoiceline")
    assert line["invoice__number"] == zoe_history.invoice_number and line["unit_price"] == "120.00"
    assert [d["name"] for d in _rows(data, "domains", "accounts.domain")] == ["zoe-alander.fr"]
    assert [t["provider_reference"] for t in _rows(data, "transactions", "accounts.transaction")] == ["pi_zoe_1"]
    assert len(_rows(data, "connection_log", "accounts.connectionlog")) == 3
    assert _rows(data, "change_log", "accounts.changelog")[0]["new_value"] == ZOE_PHONE
    assert _rows(data, "consents", "privacy.consentrecord")[0]["granted"] is True
    assert _rows(data, "affiliate", "accounts.affiliatecommission")[0]["amount"] == "2.00"
    (request,) = _rows(data, "requests", "privacy.datasubjectrequest")
    assert request["details"] == "Où sont mes données ?"
    # Held under her verified address before she had an account.
    assert [p["first_name"] for p in _rows(data, "prospects", "accounts.prospect")] == ["Zoé"]
    assert data["sections"]["post_mortem"] == []


@pytest.mark.django_db
def test_ticket_messages_name_the_authors_role_never_the_staff_member(zoe_archive, zoe_history, dpo):
    messages = _rows(zoe_archive.data, "support", "accounts.ticketmessage")

    assert [(m["author_role"], m["body"]) for m in messages] == [
        ("customer", f"Bonjour, mon site affiche 502. {GREEK}"),
        ("support", zoe_history.staff_reply),
    ]
    everything = json.dumps(zoe_archive.data, ensure_ascii=False) + "".join(zoe_archive.csv.values())
    for staff in (dpo.get_full_name(), dpo.first_name):
        assert staff not in everything + zoe_archive.pdf_text


@pytest.mark.django_db
def test_no_password_hash_token_or_other_secret_leaves(zoe_archive, zoe):
    zoe.refresh_from_db()
    algorithm, *_, digest = zoe.password.split("$")
    parts = [json.dumps(zoe_archive.data, ensure_ascii=False), *zoe_archive.csv.values(), zoe_archive.readme]

    for text in [*parts, zoe_archive.pdf_text]:
        assert zoe.password not in text and digest not in text
    columns = {key for rows in zoe_archive.data["sections"].values() for row in rows for key in row}
    assert not {c for c in columns if SECRET_NAME.search(c)}
    assert "password" not in zoe_archive.csv["csv/identity.csv"].splitlines()[0]


@pytest.mark.django_db
def test_a_column_named_like_a_secret_is_dropped_even_if_the_registry_lists_it():
    entry = dataclasses.replace(registry.entry(ExportJob), fields=("status", "api_token", "password", "secret_key"))

    assert exported_fields(entry) == ("status",)


@pytest.mark.django_db
def test_each_category_has_its_csv_with_a_header_and_every_row(zoe_archive):
    support = _csv(zoe_archive, "support")
    identity = [row for row in _csv(zoe_archive, "identity") if row["record"] == "accounts.user"]

    assert [row["record"] for row in support] == ["accounts.supportticket", *["accounts.ticketmessage"] * 2]
    assert support[0]["subject"] == "Mon site ne répond plus" and support[0]["body"] == ""
    assert support[2]["author_role"] == "support" and support[2]["ticket__subject"] == "Mon site ne répond plus"
    assert identity[0]["first_name"] == "Zoé" and identity[0]["is_professional"] == "false"
    assert zoe_archive.csv["csv/post_mortem.csv"].splitlines() == [
        "record,instruction,trusted_person,created_at,revoked_at,carried_out_at"
    ]
    for slug in zoe_archive.data["sections"]:
        assert len(_csv(zoe_archive, slug)) == len(zoe_archive.data["sections"][slug]), slug


@pytest.mark.django_db
def test_data_json_is_valid_against_the_published_schema(zoe_archive):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)

    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(zoe_archive.data)]
    assert errors == []


@pytest.mark.django_db
def test_the_schema_rejects_a_file_without_its_contract():
    schema = json.loads(SCHEMA.read_text())
    broken = {"schema_version": "1.0", "generated_at": "yesterday", "subject": {}, "sections": {"orders": [{}]}}

    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(broken))

    assert len(errors) >= 3


@pytest.mark.django_db
def test_the_readme_names_each_file_and_each_csv_with_its_columns(zoe_archive):
    readme = zoe_archive.readme

    assert "Zoé Ålander <zoe@example.com>" in readme
    for name in ("report.pdf", "data.json", "csv/", "README.txt", "schema_version", "csv/orders.csv"):
        assert name in readme
    assert "record, reference, created_at, product" in readme
    assert "Journal de connexion" in readme  # category labels in her language


@pytest.mark.django_db
def test_the_pdf_is_in_the_subjects_language_with_cover_contents_sections_and_page_numbers(zoe_archive, zoe_history):
    text = zoe_archive.pdf_text

    assert "Zoé Ålander" in text and "zoe@example.com" in text
    assert "Copie de vos données personnelles" in text
    assert "Sommaire" in text
    for label in ("Commandes", "Factures", "Journal de connexion", "Tickets d'assistance"):
        assert label in text
    for value in ("ORD-ZOE-1", zoe_history.invoice_number, "zoe-alander.fr", "192.0.2.3", GREEK, "19,90"):
        assert value in text
    assert f"Page 1 / {zoe_archive.pdf_pages}" in text and f"Page {zoe_archive.pdf_pages} / " in text
    # The R20 part of an access answer, generated from the registry and the retention rules.
    assert "Vos droits" in text and "CNIL" in text
    assert "Exécution du contrat" in text and "Journal de connexion" in text.split("Vos droits")[0]


@pytest.mark.django_db
def test_a_cyrillic_name_reads_back_from_the_pdf_in_german(anna, build_export):
    factories.OrderFactory(customer=anna, reference="ORD-ANNA-1")

    job = build_export(customer=anna, requested_by=anna)
    archive = open_archive(job)

    assert "Анна Кузнецова" in archive.pdf_text
    assert "Kopie Ihrer personenbezogenen Daten" in archive.pdf_text and "ORD-ANNA-1" in archive.pdf_text
    assert archive.data["subject"]["name"] == "Анна Кузнецова"
    assert _csv(archive, "identity")[0]["last_name"] == "Кузнецова"


@pytest.mark.django_db
def test_a_prospect_known_only_by_email_gets_what_is_held_under_that_address(bob, build_export, dpo):
    factories.ProspectFactory(email="paul@example.org", first_name="Paul", last_name="Ørsted")
    req = request_file(kind=Kind.ACCESS, channel="email", email="Paul@Example.org", name="Paul Ørsted")
    factories.OrderFactory(customer=bob, reference="ORD-BOB-1")

    job = build_export(request=req, requested_by=dpo)
    archive = open_archive(job)

    assert job.customer is None and job.subject_email == "paul@example.org"
    assert archive.data["subject"] == {
        "kind": "email",
        "name": "Paul Ørsted",
        "email": "paul@example.org",
        "language": "en",
        "request": req.reference,
    }
    assert [p["last_name"] for p in _rows(archive.data, "prospects", "accounts.prospect")] == ["Ørsted"]
    assert [r["reference"] for r in _rows(archive.data, "requests", "privacy.datasubjectrequest")] == [req.reference]
    assert archive.data["sections"]["orders"] == [] and "ORD-BOB-1" not in archive.pdf_text
    assert "Paul Ørsted" in archive.pdf_text and "Copy of your personal data" in archive.pdf_text


@pytest.mark.django_db
def test_nothing_of_another_customer_is_in_the_export(zoe, zoe_history, bob, build_export):
    factories.OrderFactory(customer=bob, reference="ORD-BOB-1")
    factories.ConnectionLogFactory(customer=bob, ip="192.0.2.99")

    archive = open_archive(build_export(customer=zoe, requested_by=zoe))

    everything = json.dumps(archive.data) + "".join(archive.csv.values()) + archive.pdf_text
    for theirs in ("ORD-BOB-1", "192.0.2.99", "bob@example.com", "Durand"):
        assert theirs not in everything


@pytest.mark.django_db
def test_a_portability_answer_leaves_out_the_article_15_part(zoe, build_export, dpo):
    req = request_file(kind=Kind.PORTABILITY, channel="client_area", customer=zoe, actor=zoe)

    archive = open_archive(build_export(request=req, requested_by=dpo))

    assert "Vos droits" not in archive.pdf_text
    assert archive.data["subject"]["request"] == req.reference


@pytest.mark.django_db
def test_the_pdf_names_hosting_processors_period_and_authority_from_the_same_data_as_the_policy(
    zoe, build_export, settings
):
    from privacy.authority import CNIL
    from privacy.models import Processor, TransferTool

    settings.HOSTING_LOCATION = "Allemagne (Union européenne)"
    Processor.objects.create(
        provider="Hetzner", role="Hébergement", data="Tout", location="Allemagne", transfer_tool=TransferTool.EEA
    )

    text = open_archive(build_export(customer=zoe, requested_by=zoe)).pdf_text

    assert "Vos données sont hébergées : Allemagne (Union européenne)" in text and "Hetzner" in text
    assert "hébergées en France" not in text
    assert "30 jours" in text and "un mois" not in text
    assert CNIL.address[0] in text and "TSA 80715" in text
