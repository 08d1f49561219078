"""The retention back-office: holds placed and lifted by the DPO, the rules in force, the runs (R47, R59, R69)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Order, User
from retention.models import LegalHold, RetentionRun
from retention.rules import RULES
from retention.services import rule_apply
from tests import factories

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo_now(client, dpo):
    with time_machine.travel(NOW, tick=False):
        client.force_login(dpo)
    User.objects.filter(pk=dpo.pk).update(last_login=NOW)
    return client


def test_the_dpo_places_a_hold_on_a_customer_and_is_recorded_as_its_author(dpo_now, dpo, alice):
    with time_machine.travel(NOW, tick=False):
        response = dpo_now.post(
            reverse("admin:retention_legalhold_add"),
            {
                "customer": alice.pk,
                "reason": "Chargeback on order 12",
                "reference": "CB-12",
                "ends_at_0": "",
                "ends_at_1": "",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    hold = LegalHold.objects.get()
    assert (hold.customer, hold.author, hold.reference, hold.created_at) == (alice, dpo, "CB-12", NOW)


def test_a_hold_on_one_record_names_an_existing_record_and_not_a_customer_too(dpo_now, alice):
    order = factories.OrderFactory(customer=alice)
    order_type = ContentType.objects.get_for_model(Order).pk
    url = reverse("admin:retention_legalhold_add")

    with time_machine.travel(NOW, tick=False):
        both = dpo_now.post(
            url, {"customer": alice.pk, "content_type": order_type, "object_id": order.pk, "reason": "x"}
        )
        missing = dpo_now.post(url, {"content_type": order_type, "object_id": order.pk + 999, "reason": "x"})
        good = dpo_now.post(url, {"content_type": order_type, "object_id": order.pk, "reason": "Fraud inquiry"})

    assert both.status_code == missing.status_code == 200
    assert good.status_code == 302
    assert LegalHold.objects.get().record == order


def test_a_hold_is_never_edited_or_deleted_only_lifted_after_a_recent_login(dpo_now, dpo, alice):
    hold = LegalHold.objects.create(customer=alice, reason="Dispute", created_at=NOW - timedelta(days=3))
    changelist = reverse("admin:retention_legalhold_changelist")

    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        stale = dpo_now.post(changelist, {"action": "lift", "_selected_action": [hold.pk]})
    assert stale.status_code == 302 and stale["Location"].startswith(reverse("account_reauthenticate"))
    assert LegalHold.objects.get().lifted_at is None

    with time_machine.travel(NOW, tick=False):
        dpo_now.force_login(dpo)
    User.objects.filter(pk=dpo.pk).update(last_login=NOW)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        dpo_now.post(changelist, {"action": "lift", "_selected_action": [hold.pk]})
        page = dpo_now.get(reverse("admin:retention_legalhold_change", args=[hold.pk])).content.decode()
        deleting = dpo_now.post(reverse("admin:retention_legalhold_delete", args=[hold.pk]))

    hold.refresh_from_db()
    assert hold.lifted_at == NOW + timedelta(minutes=5) and hold.lifted_by == dpo
    assert 'name="reason"' not in page  # read-only
    assert deleting.status_code == 403


def test_the_rules_page_lists_every_rule_with_the_period_in_force_and_its_limits(dpo_now, settings):
    settings.RETENTION_CUSTOMER_INACTIVE_MONTHS = 4
    settings.RETENTION_ACCOUNTING_YEARS = 2

    with time_machine.travel(NOW, tick=False):
        html = dpo_now.get(reverse("admin:retention_rules")).content.decode()

    for name in RULES:
        assert f'id="rule-{name}"' in html
    assert "4 months" in html and "RETENTION_CUSTOMER_INACTIVE_MONTHS" in html
    assert "setting 2 is outside the law" in html and "10 years" in html
    assert "Invoices, credit notes, transactions, accepted commissions" in html


def test_runs_are_listed_read_only_with_their_counts(dpo_now, alice):
    with time_machine.travel(NOW, tick=False):
        rule_apply(rule="connection_log_delete")
        changelist = dpo_now.get(reverse("admin:retention_retentionrun_changelist")).content.decode()
        run = RetentionRun.objects.get()
        detail = dpo_now.get(reverse("admin:retention_retentionrun_change", args=[run.pk]))
        deleting = dpo_now.post(reverse("admin:retention_retentionrun_delete", args=[run.pk]))

    assert "connection_log_delete" in changelist and "matched=0" in changelist
    assert reverse("admin:retention_rules") in changelist
    assert detail.status_code == 200 and deleting.status_code == 403


def test_the_dpo_group_may_hold_erase_and_read_runs_but_not_delete(dpo):
    assert dpo.has_perms(
        [
            "retention.add_legalhold",
            "retention.view_retentionrun",
            "retention.erase_customer",
            "retention.view_hostarchive",
        ]
    )
    assert not dpo.has_perm("retention.delete_legalhold")


def test_the_hold_form_finds_the_customer_by_autocomplete_and_offers_only_personal_data_record_types(dpo_now, alice):
    """Issue 14: the form asked for a raw customer id and offered every model, permissions and content types too."""
    with time_machine.travel(NOW, tick=False):
        response = dpo_now.get(reverse("admin:retention_legalhold_add"))
        html = response.content.decode()
        found = dpo_now.get(
            reverse("admin:autocomplete"),
            {"term": "alice", "app_label": "retention", "model_name": "legalhold", "field_name": "customer"},
        )

    assert 'class="admin-autocomplete' in html and "vForeignKeyRawIdAdminField" not in html
    assert found.status_code == 200 and alice.email in found.content.decode()
    choices = response.context["adminform"].form.fields["content_type"].queryset
    labels = {f"{ct.app_label}.{ct.model}" for ct in choices}
    assert "accounts.order" in labels and "accounts.invoice" in labels
    assert not labels & {"auth.permission", "contenttypes.contenttype", "auth.group", "sessions.session"}
    assert ">Order<" in html and "Customers | order" not in html


def test_a_hold_on_a_record_type_outside_the_registry_is_refused(dpo_now, alice):
    permission = ContentType.objects.get(app_label="auth", model="permission")
    with time_machine.travel(NOW, tick=False):
        response = dpo_now.post(
            reverse("admin:retention_legalhold_add"),
            {"content_type": permission.pk, "object_id": 1, "reason": "Test", "ends_at_0": "", "ends_at_1": ""},
        )

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not LegalHold.objects.exists()


RUN_NOW = reverse("admin:retention_run_now")
CHANGELIST = reverse("admin:retention_retentionrun_changelist")


def _old_connection(customer):
    return factories.ConnectionLogFactory(customer=customer, created_at=NOW - timedelta(days=500))


def test_the_dpo_queues_a_dry_run_that_stores_its_counts_and_changes_nothing(
    dpo_now, alice, django_capture_on_commit_callbacks
):
    """Issue 14: retention runs had no "dry run now" button."""
    old = _old_connection(alice)
    with time_machine.travel(NOW, tick=False):
        page = dpo_now.get(CHANGELIST).content.decode()
        with django_capture_on_commit_callbacks(execute=True) as jobs:
            response = dpo_now.post(RUN_NOW, {"mode": "dry"})

    assert f'action="{RUN_NOW}"' in page and "Dry run now" in page and f'href="{RUN_NOW}?mode=real"' in page
    assert response.status_code == 302 and response["Location"] == CHANGELIST and len(jobs) == 1
    runs = RetentionRun.objects.all()
    assert {run.rule for run in runs} == set(RULES) and all(run.dry_run for run in runs)
    assert runs.get(rule="connection_log_delete").counts["matched"] >= 1
    assert type(old).objects.filter(pk=old.pk).exists()


def test_a_real_run_asks_for_confirmation_and_a_recent_login_first(dpo_now, alice, django_capture_on_commit_callbacks):
    old = _old_connection(alice)
    with time_machine.travel(NOW, tick=False):
        confirm = dpo_now.get(RUN_NOW, {"mode": "real"})
    with (
        time_machine.travel(NOW + timedelta(minutes=16), tick=False),
        django_capture_on_commit_callbacks(execute=True) as late_jobs,
    ):
        late = dpo_now.post(RUN_NOW, {"mode": "real"})
    assert confirm.status_code == 200 and "Yes, run every rule now" in confirm.content.decode()
    assert late.status_code == 302 and late["Location"].startswith(reverse("account_reauthenticate"))
    assert late_jobs == [] and not RetentionRun.objects.exists()

    with (
        time_machine.travel(NOW + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True) as jobs,
    ):
        done = dpo_now.post(RUN_NOW, {"mode": "real"})

    assert done.status_code == 302 and len(jobs) == 1
    assert not RetentionRun.objects.filter(dry_run=True).exists() and RetentionRun.objects.count() == len(RULES)
    assert not type(old).objects.filter(pk=old.pk).exists()


def test_only_the_dpo_may_start_a_run(client, django_capture_on_commit_callbacks):
    manager = factories.StaffFactory(email="boss@example.com")
    manager.groups.add(Group.objects.get(name="Management"))
    client.force_login(manager)

    page = client.get(CHANGELIST)
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        refused = client.post(RUN_NOW, {"mode": "dry"})

    assert page.status_code == 200 and RUN_NOW not in page.content.decode()
    assert refused.status_code == 403 and jobs == [] and not RetentionRun.objects.exists()
