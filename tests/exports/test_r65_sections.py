"""R65: the export covers every category the requirement lists; the sections are compared with the registry, and
the data policy 001 names last (survey answers) is exported with the rest."""

import json
import zipfile

import pytest

from accounts.models import Survey
from accounts.services_surveys import survey_answer_record
from exports.models import ExportJob
from privacy.registry import registry

# Each category R65 names -> (the export section holding it, a record of that section which holds it).
R65 = {
    "contacts and personal information": ("identity", "accounts.user"),
    "accounts and services": ("services", "accounts.service"),
    "domains": ("domains", "accounts.domain"),
    "change log": ("change_log", "accounts.changelog"),
    "transactions": ("transactions", "accounts.transaction"),
    "invoices": ("invoices", "accounts.invoice"),
    "support tickets": ("support", "accounts.supportticket"),
    "orders": ("orders", "accounts.order"),
    "referral data": ("affiliate", "accounts.affiliatecommission"),
    "consents": ("consents", "privacy.consentrecord"),
    "requests": ("requests", "privacy.datasubjectrequest"),
    "connection log": ("connection_log", "accounts.connectionlog"),
    "marketing preferences": ("consents", "privacy.campaigndelivery"),
    "survey answers": ("surveys", "accounts.surveyanswer"),
    "email-engagement data": ("consents", "privacy.engagementevent"),
}


def test_every_category_r65_lists_is_a_registered_record_in_its_section():
    records = {e.model._meta.label_lower: e.category.slug for e in registry.entries()}
    sections = {c.slug for c in registry.categories()}

    for name, (section, record) in R65.items():
        assert section in sections, name
        assert records.get(record) == section, name


@pytest.mark.django_db
def test_the_exports_sections_are_the_registrys_and_cover_r65_with_survey_answers_inside(
    zoe, zoe_history, build_export, fast_pdf
):
    survey = Survey.objects.create(title="Votre avis")
    survey_answer_record(survey=survey, customer=zoe, answers={"Note": "4", "Un souhait ?": "IPv6"})

    job = build_export(customer=zoe, requested_by=zoe)

    assert job.status == ExportJob.Status.READY, job.error
    with zipfile.ZipFile(job.path) as archive:
        data = json.loads(archive.read("data.json"))
        names = set(archive.namelist())
    assert list(data["sections"]) == [c.slug for c in registry.categories()]
    assert {section for section, _record in R65.values()} <= set(data["sections"])
    assert {f"csv/{section}.csv" for section, _record in R65.values()} <= names
    answers = [r for r in data["sections"]["surveys"] if r["record"] == "accounts.surveyanswer"]
    assert sorted((r["survey__title"], r["question"], r["answer"]) for r in answers) == [
        ("Votre avis", "Note", "4"),
        ("Votre avis", "Un souhait ?", "IPv6"),
    ]
