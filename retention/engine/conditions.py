"""Legal holds, Art. 18 restrictions, open requests and active services, as conditions a query can use.

Each is an `Exists(...)` on an outer reference, so the sweeps and the engine exclude what the law keeps in the same
statement that selects what is due.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef

from accounts.models import Service
from privacy.models import DataSubjectRequest, Restriction
from retention.models import LegalHold


def holds(at):
    return LegalHold.objects.active(at)


def held_models(at) -> frozenset:
    """Models with at least one record under an active hold: only those need the per-record hold check."""
    types = holds(at).filter(content_type__isnull=False).order_by().values_list("content_type", flat=True).distinct()
    return frozenset(ContentType.objects.get_for_id(pk).model_class() for pk in types)


def record_held(model, at, ref="pk"):
    content_type = ContentType.objects.get_for_model(model)
    return Exists(holds(at).filter(content_type=content_type, object_id=OuterRef(ref)))


def customer_held(at, ref="pk"):
    return Exists(holds(at).filter(customer=OuterRef(ref)))


def restriction_in_force(at, ref="pk"):
    """An Art. 18(1)(b) or (c) restriction in force (which ones block erasure is the Restriction queryset's rule)."""
    return Exists(Restriction.objects.blocking_erasure(at).filter(customer=OuterRef(ref)))


def open_request(ref="pk", email_ref=None):
    condition = Exists(DataSubjectRequest.objects.open().filter(customer=OuterRef(ref)))
    if email_ref:
        condition |= Exists(DataSubjectRequest.objects.open().filter(requester_email=OuterRef(email_ref)))
    return condition


def active_service(ref="pk"):
    return Exists(Service.objects.filter(customer=OuterRef(ref), status=Service.Status.ACTIVE))
