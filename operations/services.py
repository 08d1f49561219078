"""Services of the operations app: the beat heartbeat."""

from django.utils import timezone

from operations.models import Heartbeat

BEAT = "beat"


def heartbeat_record(*, name=BEAT, now=None) -> int:
    """Mark `name` as alive now; the first beat is kept as the time it started. Returns rows written (1)."""
    now = now or timezone.now()
    Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": now}, create_defaults={"first_at": now, "beat_at": now}
    )
    return 1
