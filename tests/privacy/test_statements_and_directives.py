"""R21: a supplementary statement to a detail the customer cannot edit; R29: revoking a post-mortem directive, and
carrying the directives out once staff record the death."""

import json
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ChangeLog, User
from accounts.services import customer_update
from exports.models import ExportJob, Transmission
from exports.services import export_request
from privacy.models import AuditEntry, PostMortemDirective, SupplementaryStatement
from privacy.services.directives import directives_carry_out
from retention.models import ErasureTombstone, LegalHold
from tests.admin_forms import admin_change

pytestmark = pytest.mark.django_db

ABOUT = "accounts.invoice.billing_name"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# R21: supplementary statements.


def test_a_customer_adds_a_statement_shown_on_my_personal_data_and_in_the_export(alice_client, alice, on_commit):
    response = alice_client.post(
        reverse("privacy:statement_add"), {"about": ABOUT, "statement": "My name was misspelt: Alice Martín."}
    )

    assert response.status_code == 302
    statement = SupplementaryStatement.objects.get(customer=alice)
    assert statement.about == ABOUT and statement.about_label == "Invoices — billed to"
    page = alice_client.get(reverse("privacy:my_data")).content.decode()
    assert "My name was misspelt: Alice Martín." in page
    with on_commit():
        job = export_request(customer=alice, requested_by=alice)
    job.refresh_from_db()
    with zipfile.ZipFile(job.path) as archive:
        data = json.loads(archive.read("data.json"))
    rows = [r for r in data["sections"]["requests"] if r["record"] == "privacy.supplementarystatement"]
    assert [r["statement"] for r in rows] == ["My name was misspelt: Alice Martín."]


@pytest.mark.parametrize(
    ("about", "statement"),
    [
        ("accounts.user.first_name", "I edit this myself"),  # editable on the profile: no statement needed
        ("accounts.user.is_staff", "Make me staff"),  # not a registered detail
        (ABOUT, ""),
        (ABOUT, "My card 4111 1111 1111 1111"),
    ],
)
def test_a_bad_statement_gets_a_clear_message_and_nothing_is_stored(alice_client, about, statement):
    response = alice_client.post(reverse("privacy:statement_add"), {"about": about, "statement": statement})

    assert response.status_code == 400
    assert response.context["statement_form"].errors
    assert not SupplementaryStatement.objects.exists()


def test_a_visitor_cannot_add_a_statement(client):
    response = client.post(reverse("privacy:statement_add"), {"about": ABOUT, "statement": "x"})

    assert response.status_code == 302 and "login" in response.url
    assert not SupplementaryStatement.objects.exists()


# R29: revoking.


def test_a_customer_revokes_their_directive_from_my_personal_data(alice_client, alice):
    directive = PostMortemDirective.objects.create(customer=alice, instruction="delete")

    response = alice_client.post(reverse("privacy:directive_revoke", args=[directive.pk]))

    assert response.status_code == 302
    assert PostMortemDirective.objects.get(pk=directive.pk).revoked_at is not None
    assert "You have left no instructions" in alice_client.get(reverse("privacy:my_data")).content.decode()


def test_another_customers_directive_is_a_404_and_stays(alice_client, bob):
    directive = PostMortemDirective.objects.create(customer=bob, instruction="delete")

    response = alice_client.post(reverse("privacy:directive_revoke", args=[directive.pk]))

    assert response.status_code == 404
    assert PostMortemDirective.objects.get(pk=directive.pk).revoked_at is None


# R29: carried out once the death is recorded.


def _record_death(customer, staff, on_commit):
    with on_commit():
        customer_update(
            customer=customer,
            changes={"deceased_at": customer.date_joined, "deceased_evidence": "Death certificate"},
            actor=staff,
            channel=ChangeLog.Channel.ADMIN,
        )


def test_recording_a_death_in_the_admin_carries_out_a_delete_directive_and_logs_it(client, alice, on_commit):
    root = User.objects.create_superuser(email="root@example.com", password="x" * 12)  # noqa: S106
    client.force_login(root)
    directive = PostMortemDirective.objects.create(customer=alice, instruction="delete")
    url = reverse("admin:accounts_user_change", args=[alice.pk])

    with on_commit():
        response = admin_change(
            client, url, deceased_at_0="2026-03-01", deceased_at_1="10:00:00", deceased_evidence="Certificate"
        )

    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk, state=User.State.ACTIVE).exists()
    assert ErasureTombstone.objects.get().reference == f"post-mortem-{directive.pk}"
    log = AuditEntry.objects.get(target="privacy.postmortemdirective")
    assert log.action == AuditEntry.Action.ERASE and "erased as instructed" in log.detail


def test_a_keep_directive_is_marked_carried_out_and_nothing_is_erased(alice, dpo, on_commit):
    directive = PostMortemDirective.objects.create(customer=alice, instruction="keep")

    _record_death(alice, dpo, on_commit)

    directive.refresh_from_db()
    assert directive.carried_out_at is not None and directive.outcome == "kept as instructed"
    assert User.objects.get(pk=alice.pk).state == User.State.ACTIVE


def test_a_hand_over_directive_sends_the_trusted_person_a_link_once_the_export_is_built(alice, dpo, on_commit):
    directive = PostMortemDirective.objects.create(
        customer=alice, instruction="hand_over", trusted_person="Jean Martin, Jean.Martin@example.org"
    )

    _record_death(alice, dpo, on_commit)  # queues the export; its build runs at the commit
    assert ExportJob.objects.get(customer=alice).status == ExportJob.Status.READY
    with on_commit():
        assert directives_carry_out() == {"done": 1, "waiting": 0}  # beat's retry finds it built

    transmission = Transmission.objects.get(recipient_kind=Transmission.Recipient.TRUSTED_PERSON)
    assert transmission.recipient_email == "jean.martin@example.org"
    sent = [m for m in mail.outbox if m.to == ["jean.martin@example.org"]]
    assert len(sent) == 1 and "instructions for after their death" in sent[0].body
    assert not [m for m in mail.outbox if m.to == [alice.email] and "export" in m.subject.lower()]
    directive.refresh_from_db()
    assert directive.carried_out_at is not None
    assert directives_carry_out() == {"done": 0, "waiting": 0}  # never twice


def test_an_erasure_the_law_blocks_waits_and_is_retried(alice, dpo, on_commit):
    directive = PostMortemDirective.objects.create(customer=alice, instruction="delete")
    hold = LegalHold.objects.create(customer=alice, reason="Inheritance dispute", reference="TJ-1")

    _record_death(alice, dpo, on_commit)

    directive.refresh_from_db()
    assert directive.carried_out_at is None and "legal hold" in directive.outcome
    LegalHold.objects.filter(pk=hold.pk).delete()
    assert directives_carry_out() == {"done": 1, "waiting": 0}
    assert User.objects.filter(pk=alice.pk, state=User.State.ACTIVE).count() == 0


def test_a_revoked_directive_is_not_carried_out(alice, dpo, on_commit):
    directive = PostMortemDirective.objects.create(customer=alice, instruction="delete")
    PostMortemDirective.objects.filter(pk=directive.pk).update(revoked_at=alice.date_joined)

    _record_death(alice, dpo, on_commit)

    assert User.objects.get(pk=alice.pk).state == User.State.ACTIVE
    assert PostMortemDirective.objects.get(pk=directive.pk).due_since is None
