"""The two places where a request hands over to another app: the export, and the erasure engine.

Each is one function so that the exports and retention issues plug in here and nowhere else.
"""

from django.utils.translation import gettext as _


def hand_over_export(*, request):
    """Access and portability: the answer carries the export once the exports app builds it (R20, R27).

    Until then the DPO answers in the response text, which the completion mail delivers.
    """
    return None


def hand_over_erasure(*, request, actor):
    """Erasure runs through the erasure engine of the retention app (R23); it refuses until that engine exists."""
    from privacy.services.requests import RequestError

    raise RequestError(
        _(
            "Erasure requests are carried out by the erasure engine, which is not installed yet. "
            "Keep the request open (extend it if needed) until it is."
        )
    )
