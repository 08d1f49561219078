"""Demo requests: every state of the DPO's queue, and a year of answered ones for the dashboard.

Run by `manage.py seed_demo` after the named people exist; filed and moved through the real request services.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model

from accounts.demo.catalogue import CUSTOMER_EMAIL, STAFF_EMAIL
from privacy.models import DataSubjectRequest
from privacy.services import requests as dsr


def seed(*, now):
    """File the demo requests once; returns how many were filed (0 when they are already there)."""
    if DataSubjectRequest.objects.filter(requester_email__endswith="@example.com").exists():
        return 0
    user = get_user_model()
    staff = user.objects.get(email__iexact=STAFF_EMAIL)
    people = {u.email: u for u in user.objects.filter(email__endswith="@example.com", is_staff=False)}
    filed = []

    def ago(days):
        return now - timedelta(days=days)

    def file(email, kind, days, channel="client_area", **specifics):
        customer = people.get(email)
        filed.append(
            dsr.request_file(
                kind=kind,
                channel=channel,
                customer=customer,
                name=customer.get_full_name() if customer else "Marc Dupuis",
                email=email,
                received_at=ago(days),
                details="Demo request.",
                **specifics,
            )
        )
        return filed[-1]

    file(CUSTOMER_EMAIL, "access", 3)
    dsr.request_start(
        file("sophie.martin@example.com", "rectification", 26, rectification={"city": "Lyon"}), actor=staff
    )
    giulia = dsr.request_start(file("giulia.romano@example.com", "erasure", 20), actor=staff)
    dsr.request_extend(
        giulia,
        actor=staff,
        until=(giulia.extension_ceiling),
        reason="Invoices under a legal hold must be checked.",
    )
    overdue = file("marc.dupuis@example.com", "objection", 35, channel="email", objection_scope="audience_measurement")
    dsr.request_verify_identity(overdue, actor=staff)
    dsr.request_await_identity(
        file("marc.dupuis@example.com", "access", 2, channel="public_form"),
        actor=staff,
        note="The postal code on your last invoice.",
    )
    kinds = ("access", "portability", "rectification", "access", "objection", "other")
    for month in range(12):
        for i, kind in enumerate(kinds[: 1 + (month * 7) % 4]):
            days = 30 * month + 40 + 3 * i
            req = file("lukas.becker@example.com", kind if kind != "rectification" else "other", days)
            dsr.request_start(req, actor=staff)
            answered = ago(days - 5 - (month + i) % 20)
            if kind == "objection":
                dsr.request_reject(req, actor=staff, code="not_gdpr", text="This is a billing question.", now=answered)
            else:
                dsr.request_complete(req, actor=staff, response="Answered: see the attached copy.", now=answered)
    return len(filed)
