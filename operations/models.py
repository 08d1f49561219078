"""What the running processes leave for monitoring: the beat heartbeat. No personal data."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.registry import registry


class Heartbeat(models.Model):
    """One row per periodic signal: when it was first seen and when it last arrived."""

    name = models.CharField(max_length=64, unique=True, verbose_name=_("name"))
    first_at = models.DateTimeField(default=timezone.now, verbose_name=_("first beat at"))
    beat_at = models.DateTimeField(default=timezone.now, verbose_name=_("last beat at"))

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"

    def age(self, now=None):
        """Seconds since the last beat."""
        return round(((now or timezone.now()) - self.beat_at).total_seconds())


registry.exempt(Heartbeat, "the time a process last signalled; no person's data")
