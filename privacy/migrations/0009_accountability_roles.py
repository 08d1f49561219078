"""The four staff groups exist (R70), and the audit chain has its head row; the DPO alone gets the audit trail, the breach register, the authority
disclosures and the site credentials (with the dedicated reveal permission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Support", "Billing", "Management", "DPO")
DPO_PERMISSIONS = {
    "privacy": (
        "view_auditentry",
        "view_breach",
        "add_breach",
        "change_breach",
        "view_breachfollowup",
        "add_breachfollowup",
        "view_breachsubject",
        "add_breachsubject",
        "change_breachsubject",
        "delete_breachsubject",
        "view_authoritydisclosure",
        "add_authoritydisclosure",
        "change_authoritydisclosure",
    ),
    "accounts": (
        "view_sitecredential",
        "add_sitecredential",
        "change_sitecredential",
        "reveal_sitecredential",
    ),
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    dpo = Group.objects.get(name="DPO")
    for app_label, codenames in DPO_PERMISSIONS.items():
        dpo.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    # Permissions granted to the DPO on every privacy model by earlier migrations must not reach other groups.
    for name in ("Support", "Billing", "Management"):
        group = Group.objects.get(name=name)
        for app_label, codenames in DPO_PERMISSIONS.items():
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def create_chain_head(apps, schema_editor):
    # The one row whose lock orders the writers of the staff audit trail.
    apps.get_model("privacy", "AuditChainHead").objects.get_or_create(pk=1)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="DPO"):
        for app_label, codenames in DPO_PERMISSIONS.items():
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0008_accountability"),
        ("accounts", "0005_site_credentials"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
    ]
