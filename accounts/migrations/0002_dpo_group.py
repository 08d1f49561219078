"""The DPO staff group and its permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# app label -> actions the DPO gets on every model of that app.
DPO_PERMISSIONS = {
    "accounts": ("view", "change", "add"),
    "privacy": ("view", "add"),
}


def create_dpo_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="DPO")
    for app_label, actions in DPO_PERMISSIONS.items():
        for action in actions:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__startswith=f"{action}_")
            )


def remove_dpo_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="DPO").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("privacy", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_dpo_group, remove_dpo_group)]
