"""The DPO places and lifts holds, reads the runs and tombstones, and erases for requests; nobody deletes them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DPO_PERMISSIONS = (
    "view_legalhold",
    "add_legalhold",
    "change_legalhold",
    "view_retentionrun",
    "view_erasuretombstone",
    "erase_customer",
    "view_fraudmarker",
    "view_hostarchive",
)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    dpo, _ = Group.objects.get_or_create(name="DPO")
    dpo.permissions.add(*Permission.objects.filter(content_type__app_label="retention", codename__in=DPO_PERMISSIONS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="DPO"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="retention", codename__in=DPO_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("accounts", "0002_dpo_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
