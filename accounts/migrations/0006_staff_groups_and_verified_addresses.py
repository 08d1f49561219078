"""The four staff groups of R70 with their permissions, and allauth's email addresses for the existing accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# R70. Support never sees payments (transactions) nor runs erasures; only the DPO works requests and holds.
GROUP_PERMISSIONS = {
    "Support": (
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_order",
        "accounts.view_service",
        "accounts.view_domain",
        "accounts.view_supportticket",
        "accounts.change_supportticket",
        "accounts.view_ticketmessage",
        "accounts.add_ticketmessage",
        "accounts.view_connectionlog",
        "accounts.view_changelog",
    ),
    "Billing": (
        "accounts.view_user",
        "accounts.view_order",
        "accounts.view_service",
        "accounts.view_domain",
        "accounts.view_invoice",
        "accounts.add_invoice",
        "accounts.change_invoice",
        "accounts.view_invoiceline",
        "accounts.add_invoiceline",
        "accounts.change_invoiceline",
        "accounts.view_invoicesequence",
        "accounts.view_transaction",
        "accounts.view_affiliatecommission",
        "accounts.change_affiliatecommission",
    ),
    "Management": (
        "accounts.view_user",
        "accounts.view_order",
        "accounts.view_service",
        "accounts.view_domain",
        "accounts.view_invoice",
        "accounts.view_affiliatecommission",
        "accounts.view_prospect",
        "retention.view_retentionrun",
    ),
    "DPO": (
        "privacy.work_queue",
        "retention.erase_customer",
        "retention.view_legalhold",
        "retention.add_legalhold",
        "retention.change_legalhold",
        "exports.download_any_export",
        "exports.add_exportjob",
        "exports.view_exportjob",
    ),
}
# Taken away if an earlier migration or a hand gave them: R70 forbids them to these groups.
FORBIDDEN = {
    "Support": ("accounts.view_transaction", "accounts.change_transaction", "retention.erase_customer"),
    "Billing": ("privacy.work_queue", "retention.erase_customer"),
    "Management": ("privacy.work_queue", "retention.erase_customer", "accounts.view_transaction"),
}


def _permissions(Permission, labels):
    for label in labels:
        app_label, codename = label.split(".")
        yield from Permission.objects.filter(content_type__app_label=app_label, codename=codename)


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, labels in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(Permission, labels))
        group.permissions.remove(*_permissions(Permission, FORBIDDEN.get(name, ())))


def addresses_for_existing_accounts(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    rows = []
    for user in User.objects.exclude(email="").only("pk", "email", "email_verified_at", "is_staff").iterator():
        if user.pk not in known:
            verified = user.email_verified_at is not None or user.is_staff
            rows.append(EmailAddress(user_id=user.pk, email=user.email.lower(), verified=verified, primary=True))
    EmailAddress.objects.bulk_create(rows, batch_size=1000)
    # The old sign-up kept unverified accounts inactive; allauth keeps them active and asks for the code at login.
    User.objects.filter(email_verified_at__isnull=True, is_active=False, state="active", is_staff=False).update(
        is_active=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_site_credentials"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("privacy", "0003_queue_permissions"),
        ("retention", "0002_dpo_permissions"),
        ("exports", "0002_dpo_permissions"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(addresses_for_existing_accounts, migrations.RunPython.noop),
    ]
