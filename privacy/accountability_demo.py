"""Demo accountability data for `seed_demo`: a few audited staff actions, one open breach, one disclosure and one
stored credential, so the DPO sees each screen filled. Idempotent: a second run adds nothing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Service, SiteCredential
from privacy.models import AuditEntry, AuthorityDisclosure, Breach, BreachSubject
from privacy.services.audit import audit_record


def seed(*, now):
    """The seeder seed_demo runs (SEEDERS)."""
    return seed_accountability(now=now)


BREACH_NATURE = "Demo: a misconfigured backup bucket exposed the support-ticket export for 6 hours."


def seed_accountability(*, customer_email="customer@example.com", staff_email="dpo@example.com", now=None) -> dict:
    """Returns what it created, by kind (all zero on a second run)."""
    now = now or timezone.now()
    users = get_user_model().objects
    customer = users.filter(email=customer_email).first()
    staff = users.filter(email=staff_email).first()
    created = {"audit": 0, "breach": 0, "disclosure": 0, "credential": 0}
    if customer is None or staff is None:
        return created
    if not AuditEntry.objects.filter(customer=customer).exists():
        path = f"/admin/accounts/user/{customer.pk}/change/"
        for hours, action in ((50, "view"), (49, "change"), (26, "view"), (2, "export")):
            audit_record(
                actor=staff, action=action, obj=customer, ip="192.0.2.44", path=path, at=now - timedelta(hours=hours)
            )
            created["audit"] += 1
    if not Breach.objects.filter(nature=BREACH_NATURE).exists():
        breach = Breach.objects.create(
            became_aware_at=now - timedelta(hours=30),
            nature=BREACH_NATURE,
            data_categories="names, emails, ticket subjects",
            people_categories="customers who opened a ticket in October",
            people_count=40,
            records_count=55,
            consequences="Targeted phishing using the ticket subjects.",
            measures="Bucket made private, access logs reviewed, export deleted.",
            risk=Breach.Risk.HIGH,
            recorded_by=staff,
            recorded_at=now - timedelta(hours=29),
            dpo_alerted_at=now - timedelta(hours=29),  # the demo sends no alert
        )
        BreachSubject.objects.create(breach=breach, customer=customer)
        created["breach"] = 1
    if not AuthorityDisclosure.all_objects.filter(customer=customer).exists():
        AuthorityDisclosure.objects.create(
            customer=customer,
            disclosed_at=now - timedelta(days=40),
            authority="Tribunal judiciaire de Paris",
            legal_reference="Réquisition, art. 60-1 CPP, n° DEMO-2026-17",
            data_categories="identity, connection log",
            recorded_by=staff,
        )
        created["disclosure"] = 1
    service = Service.objects.filter(customer=customer).first()
    if service is not None and not SiteCredential.objects.filter(service=service).exists():
        credential = SiteCredential(service=service, label="WordPress admin", username="demo-admin")
        credential.set_secret("demo-site-password")
        credential.save()
        created["credential"] = 1
    return created
