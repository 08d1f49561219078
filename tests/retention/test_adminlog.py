"""Erasure redacts the back-office log, never deletes it (issue 8, finding 2)."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import User
from retention.adminlog import REDACTED, redact_message
from retention.services import customer_erase, email_subject_erase
from tests import factories
from tests.admin_forms import admin_change

EMAIL, FIRST, LAST = "ottoline.quist@example.com", "Ottoline", "Quist"


@pytest.fixture
def root_client(client, db):
    root = User.objects.create_superuser(email="root@example.com", password="x" * 12)  # noqa: S106
    client.force_login(root)
    return client


@pytest.mark.django_db
def test_a_staff_edit_in_the_admin_is_kept_but_no_longer_names_the_erased_customer(root_client):
    customer = factories.CustomerFactory(email=EMAIL, first_name=FIRST, last_name=LAST)
    other = factories.CustomerFactory(email="someone.else@example.com", first_name="Someone", last_name="Else")
    for person, city in ((customer, "Quimper"), (other, "Brest")):
        response = admin_change(root_client, reverse("admin:accounts_user_change", args=[person.pk]), city=city)
        assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LogEntry.objects.get(object_id=str(customer.pk))
    # The admin log stores "<model> #<id>", never the name (R71); erasure still rewrites the entry's texts.
    assert EMAIL not in entry.object_repr and FIRST not in entry.object_repr
    before = (entry.pk, entry.user_id, entry.action_time, entry.action_flag, entry.content_type_id)

    customer_erase(customer=customer, reference="test")

    entry = LogEntry.objects.get(pk=entry.pk)
    assert (entry.pk, entry.user_id, entry.action_time, entry.action_flag, entry.content_type_id) == before
    assert entry.object_repr == REDACTED
    assert json.loads(entry.change_message) == [{"changed": {"fields": ["City"]}}]
    for column in (entry.object_repr, entry.change_message):
        assert EMAIL not in column and FIRST not in column and LAST not in column
    untouched = LogEntry.objects.get(object_id=str(other.pk))
    assert untouched.object_repr != REDACTED


@pytest.mark.django_db
def test_an_entry_naming_a_person_without_an_account_is_redacted_by_their_address(root_client, dpo):
    from django.contrib.admin.models import CHANGE
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Prospect

    prospect = Prospect.objects.create(email="walter.nobody@example.com", first_name="Walter")
    LogEntry.objects.log_actions(
        user_id=dpo.pk, queryset=[prospect], action_flag=CHANGE, change_message="Called walter.nobody@example.com"
    )
    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Prospect)).exists()

    email_subject_erase(email="Walter.Nobody@example.com", reference="test")

    entry = LogEntry.objects.get()
    assert entry.object_repr == REDACTED and "walter" not in entry.change_message.lower()


@pytest.mark.parametrize(
    ("message", "redacted"),
    [
        ('[{"changed": {"fields": ["City", "Phone"]}}]', '[{"changed": {"fields": ["City", "Phone"]}}]'),
        (
            '[{"added": {"name": "ticket message", "object": "Hello, Ottoline Quist here"}}]',
            '[{"added": {"name": "ticket message", "object": "[erased]"}}]',
        ),
        ("Called ottoline.quist@example.com", REDACTED),
        ("", "[]"),
        ('{"odd": 1}', REDACTED),
    ],
)
def test_a_change_message_keeps_the_kind_of_change_and_the_field_names_only(message, redacted):
    assert redact_message(message) == redacted
