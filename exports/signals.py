"""A deleted export record takes its file with it (e.g. when a customer's whole account is erased)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from exports.models import ExportJob


@receiver(post_delete, sender=ExportJob)
def remove_the_file(sender, instance, **kwargs):
    if instance.file_name:
        transaction.on_commit(instance.delete_file)
