"""Encrypt the second-factor secrets stored before MFAAdapter encrypted them (TOTP keys, recovery-code seeds)."""

from django.db import migrations

from accounts.models.credentials import (
    SECOND_FACTOR_MARK,
    SECOND_FACTOR_SECRETS,
    second_factor_data,
    second_factor_decrypt,
    second_factor_encrypt,
)


def _convert(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECOND_FACTOR_SECRETS).order_by("pk").iterator():
        data = second_factor_data(authenticator.type, authenticator.data, change)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor):
    _convert(apps, lambda v: v if v.startswith(SECOND_FACTOR_MARK) else second_factor_encrypt(v))


def decrypt(apps, schema_editor):
    _convert(apps, lambda v: second_factor_decrypt(v) if v.startswith(SECOND_FACTOR_MARK) else v)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_labels_of_order_links"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
