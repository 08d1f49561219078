"""The client area: dashboard, profile, and read-only lists of what the customer owns (sign-up and log-in: allauth).

Every customer object is fetched through accounts.ownership, which scopes it to the
logged-in customer through the personal-data registry, so another customer's id is a 404 (R05).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import forms, services
from accounts.models import (
    AffiliateCommission,
    ChangeLog,
    ConnectionLog,
    Domain,
    Invoice,
    Order,
    Service,
    SupportTicket,
    Transaction,
    User,
)
from accounts.ownership import client_ip, get_owned_or_404, owned, user_agent
from accounts.security import account_security
from privacy.models import ConsentRecord
from privacy.services import consent_current, consent_record

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def dashboard(request):
    counts = {
        "orders": owned(request, Order).count(),
        "services": owned(request, Service).filter(status=Service.Status.ACTIVE).count(),
        "domains": owned(request, Domain).count(),
        "invoices_unpaid": owned(request, Invoice).filter(status=Invoice.Status.UNPAID).count(),
        "tickets_open": owned(request, SupportTicket).filter(status=SupportTicket.Status.OPEN).count(),
    }
    recent_orders = owned(request, Order)[:5]
    return render(
        request,
        "accounts/dashboard.html",
        {"counts": counts, "recent_orders": recent_orders},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    customer = request.user
    # The form works on a copy so the change log can compare with the stored values.
    profile_form = forms.ProfileForm(instance=User.objects.get(pk=customer.pk))
    consent_form = forms.ConsentForm(current=consent_current(customer=customer))
    if request.method == "POST" and request.POST.get("form") == "consents":
        consent_form = forms.ConsentForm(request.POST, current=consent_current(customer=customer))
        if consent_form.is_valid():
            n = consent_record(
                customer=customer,
                choices=consent_form.cleaned_data,
                source=ConsentRecord.Source.PROFILE,
                ip=client_ip(request),
                user_agent=user_agent(request),
            )
            messages.success(request, _("Your choices are saved.") if n else _("Nothing changed."))
            return redirect("accounts:profile")
    elif request.method == "POST":
        profile_form = forms.ProfileForm(request.POST, instance=User.objects.get(pk=customer.pk))
        if profile_form.is_valid():
            n = services.customer_update(
                customer=customer,
                changes=profile_form.changes(),
                actor=customer,
                channel=ChangeLog.Channel.CLIENT_AREA,
            )
            if n:
                messages.success(request, _("Your profile is updated."))
            return redirect("accounts:profile")
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(
        request,
        "accounts/profile.html",
        {"form": profile_form, "consent_form": consent_form, "security": account_security(customer)},
    )


def _list_view(model, template, *, related=(), filter_=None):
    @login_required
    def view(request):
        qs = owned(request, model)
        if related:
            qs = qs.select_related(*related)
        if filter_:
            qs = qs.filter(**filter_)
        return render(request, template, {"page": _page(request, qs)})

    view.__name__ = f"{model.__name__.lower()}_list"
    return view


order_list = _list_view(Order, "accounts/order_list.html")
service_list = _list_view(Service, "accounts/service_list.html")
domain_list = _list_view(Domain, "accounts/domain_list.html")
invoice_list = _list_view(Invoice, "accounts/invoice_list.html", filter_={"number__isnull": False})
transaction_list = _list_view(Transaction, "accounts/transaction_list.html", related=("invoice",))
ticket_list = _list_view(SupportTicket, "accounts/ticket_list.html")
connection_list = _list_view(ConnectionLog, "accounts/connection_list.html")
commission_list = _list_view(AffiliateCommission, "accounts/commission_list.html", related=("order",))


@login_required
def order_detail(request, pk):
    order = get_owned_or_404(request, Order, pk)
    return render(
        request,
        "accounts/order_detail.html",
        {
            "order": order,
            "services": order.services.all(),
            "invoices": order.invoices.filter(number__isnull=False),
            "transactions": order.transactions.all(),
        },
    )


@login_required
def service_detail(request, pk):
    service = get_owned_or_404(request, Service, pk, related=("order",))
    return render(
        request,
        "accounts/service_detail.html",
        {"service": service, "domains": service.domains.all()},
    )


@login_required
def invoice_detail(request, pk):
    # Drafts are not the customer's documents yet: only issued invoices are shown.
    invoice = get_owned_or_404(request, Invoice, pk, queryset=owned(request, Invoice).filter(number__isnull=False))
    return render(
        request,
        "accounts/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "transactions": invoice.transactions.all(),
        },
    )
