"""Every staff view, change, export and erasure of a customer's data writes one audit row (R71)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from privacy.models import AuditEntry
from privacy.services import requests as request_services
from privacy.services.audit import audit_record, audit_verify
from tests import factories
from tests.retention.population import erasure_request, everything

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


def _user_page(customer):
    return reverse("admin:accounts_user_change", args=[customer.pk])


def _change_form(client, customer, **changes):
    form = client.get(_user_page(customer)).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"email": customer.email, "state": "active", "preferred_language": "en"})
    data.update({"country": "", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00", **changes})
    data.pop("password", None)
    return data


def test_opening_a_customer_page_and_its_personal_data_panel_is_recorded(dpo_client, dpo, alice):
    response = dpo_client.get(_user_page(alice), REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 200 and "Personal data held" in response.content.decode()
    (row,) = AuditEntry.objects.all()
    assert (row.actor, row.action, row.customer, row.target) == (dpo, "view", alice, "accounts.user")
    assert (row.ip, row.path, row.customer_label) == ("198.51.100.7", _user_page(alice), "alice@example.com")
    assert row.actor_label == "dpo@example.com"


def test_the_customer_page_links_the_dpo_to_that_customers_trail(dpo_client, alice, client):
    html = dpo_client.get(_user_page(alice)).content.decode()

    assert f"/admin/privacy/auditentry/?customer__id__exact={alice.pk}" in html
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)
    assert 'id="customer-audit-trail"' not in client.get(_user_page(alice)).content.decode()


def test_opening_a_record_that_belongs_to_a_customer_names_that_customer(dpo_client, alice):
    order = factories.OrderFactory(customer=alice)

    dpo_client.get(reverse("admin:accounts_order_change", args=[order.pk]))

    (row,) = AuditEntry.objects.all()
    assert (row.customer, row.target, row.object_id) == (alice, "accounts.order", str(order.pk))


def test_a_queue_action_is_recorded_as_a_change_of_the_requesters_data(dpo_client, dpo, alice):
    req = request_services.request_file(kind="access", channel="client_area", customer=alice)

    response = dpo_client.post(reverse("admin:privacy_datasubjectrequest_start", args=[req.pk]))

    assert response.status_code == 302
    (row,) = AuditEntry.objects.all()
    assert (row.action, row.customer, row.target) == ("change", alice, "privacy.datasubjectrequest")


def test_a_refused_or_failed_action_writes_nothing(client, alice):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)
    req = request_services.request_file(kind="access", channel="client_area", customer=alice)

    response = client.post(reverse("admin:privacy_datasubjectrequest_start", args=[req.pk]))

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_customers_on_their_own_pages_are_not_staff_and_write_nothing(alice_client):
    assert alice_client.get("/account/privacy/").status_code == 200

    assert not AuditEntry.objects.exists()


def test_a_list_page_is_recorded_without_a_customer(dpo_client, alice, bob):
    dpo_client.get(reverse("admin:accounts_user_changelist"))

    (row,) = AuditEntry.objects.all()
    assert (row.action, row.customer, row.target) == ("view", None, "accounts.user")


def test_the_erasure_page_records_the_erasure_and_redacts_earlier_rows_without_breaking_the_chain(client, dpo, alice):
    with time_machine.travel(NOW, tick=False):
        everything(alice, now=NOW, staff=dpo)
        req = erasure_request(alice, staff=dpo, now=NOW)
        client.force_login(dpo)
        client.get(_user_page(alice))
        audit_record(actor=dpo, action="change", obj=alice, detail={"phone": "+33 6 12 34 56 78"})
        response = client.post(
            reverse("admin:privacy_datasubjectrequest_erase", args=[req.pk]),
            {"confirm_email": "alice@example.com", "response": "Done."},
        )

    assert response.status_code == 302
    assert audit_verify() == (AuditEntry.objects.count(), "")
    before, changed, erased = AuditEntry.objects.order_by("seq")
    for row in (before, changed):
        assert row.redacted and row.customer is None
        assert (row.customer_label, row.object_repr, row.path, row.detail, row.salt) == ("", "", "", "", "")
        assert (row.actor_label, row.action) == ("dpo@example.com", before.action if row is before else "change")
    assert (erased.action, erased.target, erased.object_id) == ("erase", "privacy.datasubjectrequest", str(req.pk))
    assert not any("alice" in str(v).lower() for row in AuditEntry.objects.values() for v in row.values())
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED


def test_another_customers_rows_are_left_alone_by_an_erasure(dpo, alice, bob):
    from retention.services import customer_erase

    audit_record(actor=dpo, action="view", obj=bob)
    audit_record(actor=dpo, action="view", obj=alice)

    customer_erase(customer=alice, reference="TEST-1")

    bobs = AuditEntry.objects.get(seq=1)
    assert (bobs.customer, bobs.customer_label, bobs.redacted) == (bob, "bob@example.com", False)
    assert audit_verify() == (2, "")


def test_the_dpo_reads_the_trail_per_customer_and_per_staff_member(dpo_client, dpo, alice, bob):
    other = factories.StaffFactory(email="other@example.com")
    audit_record(actor=dpo, action="view", obj=alice)
    audit_record(actor=other, action="change", obj=bob)
    audit_record(actor=other, action="view", obj=alice)
    url = reverse("admin:privacy_auditentry_changelist")

    per_customer = dpo_client.get(url, {"customer__id__exact": alice.pk}).content.decode()
    per_staff = dpo_client.get(url, {"actor": other.pk}).content.decode()
    by_action = dpo_client.get(url, {"actor": other.pk, "action__exact": "change"}).content.decode()

    assert per_customer.count("field-customer_label") == 2 and "bob@example.com" not in per_customer
    assert "other@example.com" in per_staff and per_staff.count("field-actor_label") == 2
    assert by_action.count("field-actor_label") == 1 and "bob@example.com" in by_action


def test_the_trail_list_costs_the_same_queries_whatever_its_length(dpo_client, dpo, alice, django_assert_num_queries):
    url = reverse("admin:privacy_auditentry_changelist")
    audit_record(actor=dpo, action="view", obj=alice)
    dpo_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        dpo_client.get(url)
    for _ in range(40):
        audit_record(actor=dpo, action="view", obj=alice)
    with CaptureQueriesContext(connection) as many:
        dpo_client.get(url)

    assert len(many) == len(few)


def test_only_the_dpo_reads_the_trail(client, alice):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)

    assert client.get(reverse("admin:privacy_auditentry_changelist")).status_code == 403


def test_a_bulk_admin_action_writes_one_row_per_selected_record_with_its_customer(dpo_client, dpo, alice, bob):
    requests = [
        request_services.request_file(kind="access", channel="client_area", customer=customer)
        for customer in (alice, bob)
    ]

    response = dpo_client.post(
        reverse("admin:privacy_datasubjectrequest_changelist"),
        {"action": "assign_to_me", "_selected_action": [r.pk for r in requests]},
    )

    assert response.status_code == 302
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [(r.action, r.customer) for r in rows] == [("change", alice), ("change", bob)]
    assert rows[0].detail == '{"admin_action":"assign_to_me"}'


def test_the_admin_log_keeps_no_email_for_erasure_to_miss_and_the_trail_has_the_change(client, alice):
    from django.contrib.admin.models import LogEntry

    root = User.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(root)

    response = client.post(_user_page(alice), _change_form(client, alice, phone="+33612345678"))

    assert response.status_code == 302
    log = LogEntry.objects.get()
    assert log.object_repr == f"customer #{alice.pk}" and "alice" not in log.object_repr
    change = AuditEntry.objects.get(action="change")
    assert (change.customer, change.object_repr) == (alice, "alice@example.com")


# -- written with what it records: one transaction ----------------------------------------------------------------


def test_a_change_whose_audit_row_cannot_be_written_is_not_saved(client, alice, audit_store_down):
    """The row used to be written by the middleware after the view had committed: a change could outlive a failed
    or interrupted audit write, and no one would find it in the trail."""
    from django.contrib.admin.models import LogEntry

    root = User.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(root)
    data = _change_form(client, alice, phone="+33612345678")
    audit_store_down()

    with pytest.raises(RuntimeError, match="audit trail"):
        client.post(_user_page(alice), data)

    alice.refresh_from_db()
    assert alice.phone != "+33612345678"
    assert not LogEntry.objects.exists()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["view"]  # the form's page, before


def test_a_bulk_action_whose_audit_rows_cannot_be_written_changes_nothing(dpo_client, alice, audit_store_down):
    req = request_services.request_file(kind="access", channel="client_area", customer=alice)
    audit_store_down()

    with pytest.raises(RuntimeError, match="audit trail"):
        dpo_client.post(
            reverse("admin:privacy_datasubjectrequest_changelist"),
            {"action": "assign_to_me", "_selected_action": [req.pk]},
        )

    req.refresh_from_db()
    assert req.assignee_id is None


def test_every_kind_of_staff_page_writes_its_row_inside_the_view(client, dpo, alice, caplog):
    """Viewed, changed, added, deleted: each row comes from the view's own wrapper, none from the middleware's
    fall-back (which writes after the view, outside its transaction, and says so in the log)."""
    root = User.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(root)
    order = factories.OrderFactory(customer=alice)
    with caplog.at_level("ERROR", logger="privacy.audit_middleware"):
        assert client.get(_user_page(alice)).status_code == 200
        assert client.post(_user_page(alice), _change_form(client, alice, phone="+33612345678")).status_code == 302
        delete = reverse("admin:accounts_order_delete", args=[order.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200

    assert not caplog.records
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["view", "view", "change", "delete", "view"]


def test_a_view_without_the_wrapper_still_gets_its_row_after_it_and_the_log_says_so(dpo, alice, caplog):
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve as resolve_url

    from privacy.audit_middleware import StaffAuditMiddleware

    request = RequestFactory().get(_user_page(alice))
    request.user = dpo
    request.resolver_match = resolve_url(request.path)
    middleware = StaffAuditMiddleware(lambda r: HttpResponse("a view added without the wrapper"))
    middleware.process_view(request, None, (), {})

    with caplog.at_level("ERROR", logger="privacy.audit_middleware"):
        middleware(request)

    assert AuditEntry.objects.get().customer == alice
    assert "outside its transaction" in caplog.text
