"""Where a request hands over to another app: the export (access, portability) and the erasure engine, with the
engine's preview that the DPO reads before erasing.

One function each; neither app's admin or private names are used here.
"""

from exports.services import export_deliver_for_request, export_hand_over
from privacy.exceptions import RequestError
from retention.engine import ErasureBlocked
from retention.services import customer_erase, email_subject_erase, erasure_preview


def hand_over_export(*, request):
    """Access and portability: deliver the export attached to the request, or queue one (R20, R27)."""
    return export_deliver_for_request(request=request)


def hand_over_erasure(*, request, actor):
    """Erasure runs through the erasure engine of the retention app (R23), inside the request's transaction.

    Returns the lines of the completion mail (what was deleted, anonymised, and kept with its reason and end date);
    refuses while the law says wait.
    """
    try:
        if request.customer_id:
            result = customer_erase(customer=request.customer, reference=request.reference, request=request)
        else:
            result = email_subject_erase(email=request.requester_email, reference=request.reference, request=request)
    except ErasureBlocked as e:
        raise RequestError(str(e)) from e
    return result.lines


def preview_erasure(*, request, at=None):
    """What erasing the request's subject would delete, anonymise and keep, and what blocks it (read-only)."""
    return erasure_preview(request=request, at=at)


def preview_account_deletion(*, customer):
    """What asking to delete the account would lead to, for the customer's "Delete my account" page: the engine's
    preview (what is kept and until when, what blocks the erasure today), read-only."""
    return erasure_preview(customer=customer)


def hand_over_post_mortem_erasure(*, customer, reference):
    """A directive says "delete my data" (R29): erase through the engine; returns why it must wait, or ""."""
    try:
        customer_erase(customer=customer, reference=reference)
    except ErasureBlocked as e:
        return str(e)
    return ""


def hand_over_to_trusted_person(*, customer, email, since, now=None):
    """A directive says "hand my data over" (R29): the export, then an expiring link to the trusted person."""
    return export_hand_over(customer=customer, recipient_email=email, since=since, now=now)
