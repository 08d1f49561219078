"""After a backup restore, replay_erasures erases the restored rows again (R63)."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import Prospect, User
from retention.models import ErasureTombstone
from retention.services import customer_erase, email_subject_erase
from tests import factories

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


def _restore(customer_row):
    """What a restore from an older backup does: the row is back, as it was."""
    User.objects.filter(pk=customer_row["id"]).delete()
    User.objects.create(**customer_row)


def test_a_restored_customer_is_erased_again_without_a_second_tombstone(alice):
    User.objects.filter(pk=alice.pk).update(date_joined=NOW.replace(year=2020))
    with time_machine.travel(NOW, tick=False):
        factories.OrderFactory(customer=alice)
        backup = User.objects.filter(pk=alice.pk).values().get()
        customer_erase(customer=alice, reference="R-1")
    User.objects.filter(pk=alice.pk).update(**{k: v for k, v in backup.items() if k != "id"})
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"

    out = StringIO()
    call_command("replay_erasures", stdout=out)

    assert "erased again 1 customers" in out.getvalue()
    assert User.objects.get(pk=alice.pk).email.endswith("@invalid")
    tombstone = ErasureTombstone.objects.get()
    assert tombstone.replayed_at is not None


def test_tombstones_lost_with_the_restore_are_read_back_from_the_journal(
    settings, alice, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        factories.ProspectFactory(email="paul@example.org")
        email_subject_erase(email="paul@example.org", reference="R-2")
    # The restore brings back an older database: the prospect, and no tombstone.
    ErasureTombstone.objects.all().delete()
    factories.ProspectFactory(email="paul@example.org", created_at=NOW.replace(month=1))

    dry = StringIO()
    call_command("replay_erasures", "--dry-run", stdout=dry)
    assert "1 tombstones read back" in dry.getvalue() and Prospect.objects.exists()

    call_command("replay_erasures", stdout=StringIO())

    assert not Prospect.objects.exists()
    assert ErasureTombstone.objects.get().replayed_at is not None


def test_nothing_to_replay_changes_nothing(alice, bob):
    out = StringIO()
    call_command("replay_erasures", stdout=out)

    assert "erased again 0 customers and 0 people" in out.getvalue()
    assert User.objects.filter(email__in=["alice@example.com", "bob@example.com"]).count() == 2


def test_a_later_sign_up_that_reuses_an_erased_id_is_left_alone(alice):
    """A restore brings the id sequence back too: someone new may get an erased customer's id."""
    with time_machine.travel(NOW, tick=False):
        customer_erase(customer=alice, reference="R-1")
    User.objects.filter(pk=alice.pk).delete()
    later = NOW.replace(month=4)
    newcomer = factories.CustomerFactory(email="new@example.com", date_joined=later)
    User.objects.filter(pk=newcomer.pk).update(id=alice.pk)
    EmailAddress.objects.filter(user_id=newcomer.pk).update(user_id=alice.pk)  # allauth's row follows the id

    call_command("replay_erasures", stdout=StringIO())

    assert User.objects.get(pk=alice.pk).email == "new@example.com"


def test_a_prospect_who_subscribed_again_after_the_erasure_is_left_alone(alice):
    with time_machine.travel(NOW, tick=False):
        factories.ProspectFactory(email="paul@example.org")
        email_subject_erase(email="paul@example.org", reference="R-2")
    factories.ProspectFactory(email="paul@example.org", created_at=NOW.replace(month=5))

    out = StringIO()
    call_command("replay_erasures", stdout=out)

    assert Prospect.objects.filter(email="paul@example.org").exists()
