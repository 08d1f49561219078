"""The one way a customer-facing view reaches a customer's objects: scoped through the registry's owner lookup.

Another customer's id is then simply not found, so it answers 404 (R05).
"""

from django.shortcuts import get_object_or_404

from privacy.registry import registry


def owned(request, model):
    return registry.entry(model).rows_for_user(request.user)


def get_owned_or_404(request, model, pk, *, related=(), queryset=None):
    qs = owned(request, model) if queryset is None else queryset
    return get_object_or_404(qs.select_related(*related) if related else qs, pk=pk)


def client_ip(request):
    """REMOTE_ADDR only: behind a proxy, the proxy must set it (X-Forwarded-For is forgeable)."""
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def user_agent(request):
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300]
