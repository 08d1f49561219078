"""The DPO builds exports for requests, downloads any export, and sends them on; nobody deletes the records."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DPO_PERMISSIONS = (
    "view_exportjob",
    "add_exportjob",
    "download_any_export",
    "view_downloadlog",
    "view_transmission",
    "add_transmission",
)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    dpo, _ = Group.objects.get_or_create(name="DPO")
    dpo.permissions.add(*Permission.objects.filter(content_type__app_label="exports", codename__in=DPO_PERMISSIONS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="DPO"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="exports", codename__in=DPO_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("accounts", "0002_dpo_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
