"""/healthz: the state of the database, the broker, beat, retention and the outbox, as JSON for monitors."""

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operations.health import health_report


# Not atomic: with the database down, opening the request's transaction would fail before any check ran.
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    checks, ok = health_report()
    return JsonResponse({"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503)
