"""Status labels shared by models of different grammatical gender carry a context, so each language can agree them
with its noun: a French order (une commande) is "Active", a service (un service) "Actif"."""

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import Domain, Invoice, Order, Service, SupportTicket, TicketMessage, User
from privacy.models import RequestEvent
from tests.exports.conftest import _exports_catalogue_compiled  # noqa: F401 (a fresh clone compiles its catalogue)

PAGE = Template(
    "{{ order.get_status_display }}|{{ cancelled.get_status_display }}|{{ service.get_status_display }}|"
    "{{ domain.get_status_display }}|{{ user.get_state_display }}|{{ invoice.get_status_display }}|"
    "{{ ticket.get_status_display }}|{{ sender }}|{{ before }}|{{ after }}"
)


def _render():
    return PAGE.render(
        Context(
            {
                "order": Order(status=Order.Status.ACTIVE),
                "cancelled": Order(status=Order.Status.CANCELLED),
                "service": Service(status=Service.Status.ACTIVE),
                "domain": Domain(status=Domain.Status.ACTIVE),
                "user": User(state=User.State.ACTIVE),
                "invoice": Invoice(status=Invoice.Status.CANCELLED),
                "ticket": SupportTicket(status=SupportTicket.Status.CLOSED),
                "sender": TicketMessage._meta.get_field("author_role").verbose_name,
                "before": RequestEvent._meta.get_field("from_status").verbose_name,
                "after": RequestEvent._meta.get_field("to_status").verbose_name,
            }
        )
    ).split("|")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            ["Active", "Annulée", "Actif", "Actif", "Actif", "Annulée", "Fermé", "expéditeur", "ancien statut"]
            + ["nouveau statut"],
        ),
        (
            "es",
            ["Activo", "Cancelado", "Activo", "Activo", "Activa", "Anulada", "Cerrado", "remitente", "estado anterior"]
            + ["nuevo estado"],
        ),
        (
            "it",
            ["Attivo", "Annullato", "Attivo", "Attivo", "Attivo", "Annullata", "Chiuso", "mittente", "stato precedente"]
            + ["nuovo stato"],
        ),
        (
            "en",
            ["Active", "Cancelled", "Active", "Active", "Active", "Cancelled", "Closed", "from"]
            + ["previous status", "new status"],
        ),
    ],
)
def test_shared_status_labels_agree_with_their_noun(language, expected):
    with translation.override(language):
        assert _render() == expected
