"""Writes the staff audit trail (R71) for every staff page that shows or changes a customer's records.

Admin URLs name their model (`<app>_<model>_<view>`) and carry the object's id: the model's registry entry says
whose data it is. Pages outside that pattern (export downloads) are listed in EXTRA; an admin view named "erase"
is an erasure.
The record is resolved before the view runs (a deleted object is gone afterwards) and written only when the
view succeeded: a GET that answered 200, or a POST that redirected (a form with errors answers 200 and changed
nothing).

It is written by the view's own wrapper (`in_the_views_transaction`: every back-office view through
BackOfficeSite.admin_view, and the export download), inside the request's transaction (ATOMIC_REQUESTS): a change
commits with its audit row or not at all. Written by the middleware after the response, as it was before, a
process that died between the view's commit and the audit write left a change no one could see in the trail.
The middleware still writes a row that no wrapper wrote (a view added without one), after the view, and logs it.
"""

import logging
from functools import cache, wraps

from django.apps import apps
from django.contrib import admin
from django.utils import timezone

from privacy.models.audit import AuditEntry
from privacy.registry import registry

logger = logging.getLogger(__name__)
A = AuditEntry.Action
# url name -> (model label, URL keyword holding its id, action on success).
EXTRA = {
    "download": ("exports.exportjob", "pk", A.EXPORT),
}
POST_ACTIONS = {"delete": A.DELETE, "add": A.ADD}
# Rows written for one bulk action at most (the admin's own limit on a page is 100 by default).
MAX_BULK = 1000


@cache
def _admin_models():
    """'<app>_<model>' -> model, for the registered admin models that hold personal data."""
    return {
        f"{model._meta.app_label}_{model._meta.model_name}": model
        for model in admin.site._registry
        if registry.is_registered(model) and registry.entry(model).category.slug != "staff_actions"
    }


def resolve(match):
    """(model, object id or None, view name, fixed action or None) for a URL, or None when it is not audited."""
    if match is None:
        return None
    name = match.url_name or ""
    if name in EXTRA and (name != "download" or "exports" in match.namespaces):
        label, kwarg, action = EXTRA[name]
        return apps.get_model(label), match.kwargs.get(kwarg), name, action
    if "admin" not in match.namespaces:
        return None
    for prefix, model in _admin_models().items():
        if name.startswith(prefix + "_"):
            return model, match.kwargs.get("object_id"), name[len(prefix) + 1 :], None
    return None


def _action(request, view, fixed):
    if request.method == "GET":
        return fixed if fixed == A.EXPORT else A.VIEW
    if fixed:
        return fixed
    # An admin view named like "..._erase" (an erasure page moved into a model's admin) is an erasure.
    return A.ERASE if "erase" in view else POST_ACTIONS.get(view, A.CHANGE)


def _succeeded(request, response):
    if request.method in ("GET", "HEAD"):
        return response.status_code == 200
    return response.status_code in (301, 302, 303)


def _added_id(request, model):
    """The id of the row an admin add view just created, from the admin's own log of it."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    entry = (
        LogEntry.objects.filter(
            user=request.user,
            action_flag=ADDITION,
            content_type=ContentType.objects.get_for_model(model),
            action_time__gte=request._staff_audit_started,
        )
        .order_by("-pk")
        .first()
    )
    return entry.object_id if entry is not None else None


def _neutralise_admin_log(request, model):
    """Django's admin log copies str(obj) (for a customer, the email) into rows erasure cannot reach: it keeps
    "<model> #<id>" there instead; the readable, redactable description is in the staff audit trail."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    LogEntry.objects.filter(
        user=request.user,
        content_type=ContentType.objects.get_for_model(model),
        action_time__gte=request._staff_audit_started,
    ).update(object_repr=Concat(Value(f"{model._meta.verbose_name} #"), F("object_id")))


def _record(request, model, targets, view, fixed, extra):
    if view == "add" and targets == [(None, None)]:
        targets = [(_added_id(request, model), None)]
    for object_id, before in targets:
        _record_one(request, model, object_id, before, _action(request, view, fixed), extra)


def _record_one(request, model, object_id, before, action, extra):
    from django.contrib.auth import get_user_model

    from privacy.services.audit import audit_record_request, customer_of

    # Read again after the view: an erasure or a delete changed or removed the row and its customer, and the
    # trail must not bring back a value the view just erased.
    after = model._base_manager.filter(pk=object_id).first() if object_id is not None else None
    obj = after or before
    owner = customer_of(obj) if obj is not None else None
    customer = get_user_model()._base_manager.filter(pk=owner.pk).first() if owner is not None else None
    detail = dict(extra)
    if obj is not None and after is None:
        detail["deleted"] = True
        action = AuditEntry.Action.DELETE
        if customer is None:
            obj = None  # its description could name someone no longer here to be redacted
    audit_record_request(
        request, action=action, obj=obj, customer=customer, target=model._meta.label_lower, detail=detail
    )


def record_pending(request, response) -> bool:
    """Write the audit rows the middleware resolved for this request, if its view succeeded; once per request."""
    pending = request.__dict__.pop("_staff_audit", None)
    # A view that logged the user out (to log in again) did nothing.
    if pending is None or not request.user.is_authenticated or not _succeeded(request, response):
        return False
    _record(request, *pending)
    if request.method == "POST":
        _neutralise_admin_log(request, pending[0])
    return True


def in_the_views_transaction(view):
    """`view`, writing its audit rows (if any) before it returns: inside the request's transaction, with what the
    view changed, so that neither commits without the other."""

    @wraps(view)
    def audited(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        record_pending(request, response)
        return response

    return audited


class StaffAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if record_pending(request, response):
            logger.error("staff audit written after the view, outside its transaction: %s", request.path)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return
        found = resolve(request.resolver_match)
        if found is None:
            return
        model, object_id, view, fixed = found
        if object_id is not None and not str(object_id).isdigit():
            object_id = None
        before = model._base_manager.filter(pk=object_id).first() if object_id is not None else None
        if model is AuditEntry and before is None:
            return  # the trail's own list is not a customer's data
        targets, extra = [(object_id, before)], {}
        selected = request.POST.getlist("_selected_action") if request.method == "POST" else []
        if view == "changelist" and selected:
            # A bulk action: one row per selected record, each naming its own customer.
            ids = [pk for pk in selected[:MAX_BULK] if pk.isdigit()]
            found_rows = model._base_manager.in_bulk(ids)
            targets = [(pk, found_rows.get(int(pk))) for pk in ids]
            extra = {"admin_action": request.POST.get("action", "")[:100]}
        request._staff_audit = (model, targets, view, fixed, extra)
        request._staff_audit_started = timezone.now()
