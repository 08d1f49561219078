"""The order form, its confirmation page, and the two renewal actions of a service page (R02, R83, R88).

The page a visitor sees after ordering is the same whether or not their address had an account: it shows no order
and says the details are in their mailbox (account-enumeration safety, see accounts.ordering.services).
"""

from allauth.core import ratelimit
from allauth.core.internal.ratelimit import respond_429
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Order, Service
from accounts.ordering.forms import OrderForm, recurring_wording
from accounts.ordering.providers import payment_provider
from accounts.ordering.services import Buyer, order_place, service_payment_method_change, service_renewal_stop
from accounts.ownership import client_ip, get_owned_or_404, user_agent

PLACED_SESSION_KEY = "ordering_placed"
# The default provider's answer when there is no hosted page: a bank transfer stores no means of payment.
NOTHING_TO_CHANGE = gettext_noop("You pay by bank transfer: no means of payment is stored, so there is none to change.")


def _language():
    return (get_language() or "en")[:2]


@require_http_methods(["GET", "POST"])
def order_new(request):
    customer = request.user if request.user.is_authenticated else None
    form = OrderForm(request.POST or None, customer=customer, initial={"offer": request.GET.get("offer")})
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Nothing was ordered: please correct the fields marked below."))
        elif customer is None and not ratelimit.consume(request, action="signup"):
            # A visitor's order creates an account and sends a mail: limited like a sign-up.
            return respond_429(request)
        else:
            data = form.cleaned_data
            offer = data["offer"]
            buyer = Buyer(customer=customer) if customer else Buyer(**{k: data[k] for k in OrderForm.VISITOR_FIELDS})
            placed = order_place(
                offer=offer,
                buyer=buyer,
                ip=client_ip(request),
                user_agent=user_agent(request),
                language=_language(),
                # R83: the code of this visit, which privacy's middleware keeps in the session.
                affiliate_code=getattr(request, "affiliate_code", ""),
                recurring_authorisation=recurring_wording(offer) if offer.is_renewable else "",
            )
            if customer is not None:
                if placed.checkout is not None and placed.checkout.redirect_url:
                    return redirect(placed.checkout.redirect_url)
                return redirect("accounts:order_placed", pk=placed.order.pk)
            # Whatever happened, a visitor is shown only the address they typed.
            request.session[PLACED_SESSION_KEY] = data["email"]
            return redirect("accounts:order_sent")
    offers = [(o, recurring_wording(o) if o.is_renewable else "") for o in form.fields["offer"].queryset]
    return render(
        request,
        "accounts/ordering/order_form.html",
        {"form": form, "offers": offers, "provider": payment_provider()},
    )


@login_required
def order_placed(request, pk):
    order = get_owned_or_404(request, Order, pk)
    # How to pay, while there is something to pay.
    checkout = payment_provider().checkout(order=order) if order.status == Order.Status.PENDING else None
    return render(request, "accounts/ordering/order_placed.html", {"order": order, "checkout": checkout})


def order_sent(request):
    email = request.session.get(PLACED_SESSION_KEY)
    if not email:
        return redirect("accounts:order_new")
    return render(request, "accounts/ordering/order_sent.html", {"email": email})


def _back(request, service):
    """Back to the page the button was on (the profile or the service page), never to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:service_detail", pk=service.pk)


def _wording(action):
    return {
        "stop": _("Stop the automatic renewal"),
        "method": _("Change the payment method"),
    }[action]


@login_required
@require_POST
def service_renewal_stop_view(request, pk):
    service = get_owned_or_404(request, Service, pk, related=("order", "customer"))
    n = service_renewal_stop(
        service=service,
        ip=client_ip(request),
        user_agent=user_agent(request),
        wording=_wording("stop"),
        language=_language(),
    )
    if n:
        messages.success(request, _("The automatic renewal is stopped: the service ends at the end of its period."))
    else:
        messages.info(request, _("This service does not renew automatically."))
    return _back(request, service)


@login_required
@require_POST
def service_payment_method_view(request, pk):
    service = get_owned_or_404(request, Service, pk, related=("order", "customer"))
    if not service.auto_renew:
        messages.info(request, _("This service does not renew automatically."))
        return _back(request, service)
    url = service_payment_method_change(
        service=service,
        return_url=request.build_absolute_uri(reverse("accounts:service_detail", args=[service.pk])),
        ip=client_ip(request),
        user_agent=user_agent(request),
        wording=_wording("method"),
        language=_language(),
    )
    if not url:
        messages.info(request, _(NOTHING_TO_CHANGE))
        return _back(request, service)
    return redirect(url)
