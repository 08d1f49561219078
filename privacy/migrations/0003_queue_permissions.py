"""The DPO works the request queue; the Support group exists and does not."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SUPPORT_PERMISSIONS = (
    "accounts.view_user",
    "accounts.view_order",
    "accounts.view_service",
    "accounts.view_domain",
    "accounts.view_supportticket",
    "accounts.change_supportticket",
    "accounts.view_ticketmessage",
    "accounts.add_ticketmessage",
)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    dpo, _ = Group.objects.get_or_create(name="DPO")
    # Evidence stays evidence: no delete at all, and no change to the consent ledger or request events.
    dpo.permissions.add(
        *Permission.objects.filter(content_type__app_label="privacy")
        .exclude(codename__startswith="delete_")
        .exclude(codename__in=("change_consentrecord", "change_requestevent"))
    )
    support, _ = Group.objects.get_or_create(name="Support")
    for label in SUPPORT_PERMISSIONS:
        app_label, codename = label.split(".")
        support.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Support").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_requests"),
        ("accounts", "0003_order_automated_decision_user_deceased"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
