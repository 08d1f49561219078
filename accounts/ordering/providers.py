"""Payment providers behind one small interface; `PAYMENT_PROVIDER` names the class the site uses.

The default is a bank transfer: it needs no network and no contract, and the site never sees a card or an account
number (R86). A card provider would return its hosted checkout page from `checkout` instead of instructions.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Checkout:
    """What the buyer does next: go to `redirect_url`, or follow `instructions` ((label, value) pairs)."""

    redirect_url: str = ""
    instructions: tuple = ()


class PaymentProvider:
    code = ""
    label = ""

    def checkout(self, *, order) -> Checkout:
        raise NotImplementedError

    def method_update_url(self, *, service, return_url) -> str:
        """The provider's hosted page where the customer changes the means of payment of a renewable service (R88).

        The site only sends the customer there with the service's reference: the card or account never reaches us.
        Empty when the provider has no such page.
        """
        base = settings.PAYMENT_METHOD_UPDATE_URL
        if not base:
            return ""
        query = urlencode({"service": f"SRV-{service.pk}", "return_url": return_url})
        return f"{base}{'&' if '?' in base else '?'}{query}"


class BankTransferProvider(PaymentProvider):
    code = "bank_transfer"
    label = _("Bank transfer")

    def checkout(self, *, order) -> Checkout:
        # The order's reference: staff match the transfer to the order with it (order_payment_received).
        return Checkout(
            instructions=(
                (_("Account holder"), settings.PAYMENT_BANK_HOLDER),
                (_("IBAN"), settings.PAYMENT_BANK_IBAN),
                (_("BIC"), settings.PAYMENT_BANK_BIC),
                (_("Amount"), f"{order.amount} {order.currency}"),
                (_("Reference to quote"), order.reference),
            )
        )


def payment_provider() -> PaymentProvider:
    return import_string(settings.PAYMENT_PROVIDER)()
