"""The customer's privacy pages: "My Personal Data" with their requests (R08, R17, R06, R28),
and the public request form with its emailed confirmation (R10, R11, R79).

Customer objects are fetched through the client area's owner-scoped helpers, so another customer's id is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from accounts.models import Domain, Invoice, Order, Service, User
from accounts.ownership import client_ip, get_owned_or_404, owned
from config.links import LinkInvalid, link_invalid_page
from privacy import forms
from privacy.exceptions import RequestError
from privacy.handover import preview_account_deletion
from privacy.models import (
    PROFILE_PURPOSES,
    DataSubjectRequest,
    PostMortemDirective,
    Purpose,
    RequestEvent,
    SupplementaryStatement,
)
from privacy.models.requests import Channel, Kind, ObjectionScope, Status
from privacy.personal_data import personal_data_for
from privacy.services import consent_current
from privacy.services.directives import directive_revoke
from privacy.services.requests import (
    public_request_confirm,
    public_request_submit,
    request_file,
    request_withdraw,
)
from privacy.services.statements import statement_add
from privacy.templatetags.privacy_tags import in_full
from retention.rules import RULES

# Newest rows shown per registered model; the full set is in the copy of the data (access request).
PAGE_ROWS = 10
REQUESTS_SHOWN = 20
# Listed under "Your requests" instead, with only the events meant for the person.
SHOWN_WITH_REQUESTS = (DataSubjectRequest, RequestEvent)
RATE_GROUP = "privacy.public_request"


def _my_data_url(anchor=""):
    return reverse("privacy:my_data") + (f"#{anchor}" if anchor else "")


def _automated_orders(request):
    return owned(request, Order).filter(automated_decision=True)


def _shown(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        # A record kept as a whole (an identity archive): its keys are the customer's fields, shown by their labels.
        return "; ".join(f"{_field_label(key)}: {_shown(item)}" for key, item in value.items()) or "—"
    return value


def _field_label(name):
    try:
        return capfirst(User._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


def _categories(customer):
    """Every registry category with an owner: its sections, and the retention rules of its models."""
    found = []
    for category, sections in personal_data_for(customer, limit=PAGE_ROWS):
        rules = {s.entry.retention: RULES[s.entry.retention] for s in sections}
        shown = [s for s in sections if s.entry.model not in SHOWN_WITH_REQUESTS]
        for section in shown:
            section.rows = [[_shown(v) for v in row] for row in section.rows]
            # The customer's own record is one row: shown as label / value pairs. Every other section is a table
            # whose cells carry their column's label, so that on a phone each row reads as a card.
            own_record = section.entry.owner == "" and section.rows
            section.pairs = list(zip(section.columns, section.rows[0], strict=True)) if own_record else None
            section.labelled = [list(zip(section.columns, row, strict=True)) for row in section.rows]
        found.append(
            {
                "category": category,
                "sections": shown,
                "count": sum(s.total for s in shown),
                "rules": list(rules.values()),
                "with_requests": len(shown) < len(sections),
            }
        )
    return found


def _my_data_page(request, *, form=None, statement_form=None, status=200):
    customer = request.user
    owned_requests = owned(request, DataSubjectRequest)
    shown_requests = (
        owned_requests.select_related("order")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=RequestEvent.objects.filter(visible_to_subject=True).order_by("created_at", "pk"),
                to_attr="visible_events",
            ),
            # The copy an access answer delivered (R20); exports owns the model, named here through the relation.
            Prefetch(
                "exports",
                queryset=DataSubjectRequest._meta.get_field("exports")
                .related_model.objects.filter(status="ready", deliver_to_subject=True)
                .order_by("-ready_at", "-pk"),
                to_attr="delivered_copies",
            ),
        )
        .order_by("-received_at", "-pk")[:REQUESTS_SHOWN]
    )
    current = consent_current(customer=customer)
    requests = list(shown_requests)
    context = {
        "categories": _categories(customer),
        "consents": [(Purpose(p).label, granted, p in PROFILE_PURPOSES) for p, granted in current.items()],
        "consents_given": sum(1 for granted in current.values() if granted),
        "requests": requests,
        "requests_total": owned_requests.count(),
        "requests_open": owned_requests.open().count(),
        "form": form or forms.RequestForm(customer=customer, orders=_automated_orders(request)),
        "statement_form": statement_form or forms.StatementForm(),
        "statements": list(owned(request, SupplementaryStatement).order_by("-created_at", "-pk")[:PAGE_ROWS]),
        "directive": owned(request, PostMortemDirective).filter(revoked_at__isnull=True).order_by("-pk").first(),
    }
    return render(request, "privacy/my_data.html", context, status=status)


def _filed_message(req):
    parts = {"ref": req.reference, "kind": req.get_kind_display(), "due": in_full(req.deadline)}
    if req.status != Status.COMPLETED:
        return _("Your request %(ref)s (%(kind)s) is registered. We will answer by %(due)s at the latest.") % parts
    if req.kind == Kind.OBJECTION and req.objection_scope == ObjectionScope.MARKETING:
        effect = _("We will send you no more marketing, and your marketing consents are withdrawn.")
    else:
        effect = _("All your consents are withdrawn.")
    return _("Your request %(ref)s (%(kind)s) is registered and already carried out.") % parts + " " + effect


@login_required
@require_GET
def my_data(request):
    return _my_data_page(request)


@login_required
@require_POST
def request_file_view(request):
    customer = request.user
    form = forms.RequestForm(request.POST, customer=customer, orders=_automated_orders(request))
    if form.is_valid():
        try:
            req = request_file(
                kind=form.cleaned_data["kind"],
                channel=Channel.CLIENT_AREA,
                customer=customer,
                actor=customer,
                details=form.cleaned_data["details"],
                **form.specifics(),
            )
        except RequestError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _filed_message(req))
            return redirect(_my_data_url("requests"))
    messages.error(request, _("Nothing was filed: please correct the fields marked below."))
    return _my_data_page(request, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw_view(request, pk):
    """GET asks "are you sure?" on a page of its own (it works without JavaScript); POST withdraws."""
    req = get_owned_or_404(request, DataSubjectRequest, pk)
    if request.method == "GET":
        if not req.is_open:
            messages.error(request, _("This request is closed: there is nothing to withdraw."))
            return redirect(_my_data_url("requests"))
        return render(request, "privacy/request_withdraw.html", {"req": req})
    try:
        request_withdraw(req, customer=request.user)
    except RequestError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Your request %(ref)s is withdrawn.") % {"ref": req.reference})
    return redirect(_my_data_url("requests"))


def _delete_account_page(request, form, status=200):
    customer = request.user
    preview = preview_account_deletion(customer=customer)
    context = {
        "form": form,
        "services": owned(request, Service).filter(status=Service.Status.ACTIVE),
        "domains": owned(request, Domain).filter(status=Domain.Status.ACTIVE, auto_renew=True),
        "invoices": owned(request, Invoice).filter(status=Invoice.Status.UNPAID),
        "kept": preview.kept,
        "open_erasure": owned(request, DataSubjectRequest).open().filter(kind=Kind.ERASURE).first(),
    }
    return render(request, "privacy/delete_account.html", context, status=status)


@login_required
@require_POST
def statement_add_view(request):
    """The customer adds their own words to a detail they cannot edit (Art. 16, R21)."""
    form = forms.StatementForm(request.POST)
    if not form.is_valid():
        return _my_data_page(request, statement_form=form, status=400)
    try:
        statement_add(customer=request.user, about=form.cleaned_data["about"], statement=form.cleaned_data["statement"])
    except RequestError as e:
        form.add_error(None, str(e))
        return _my_data_page(request, statement_form=form, status=400)
    messages.success(request, _("Your statement is added to your data."))
    return redirect(_my_data_url("statements"))


@login_required
@require_POST
def directive_revoke_view(request, pk):
    """The customer revokes their instructions for after their death (R29); another customer's id is a 404."""
    directive = get_owned_or_404(request, PostMortemDirective, pk)
    if directive_revoke(directive=directive, customer=request.user):
        messages.success(request, _("Your instructions for after your death are revoked."))
    return redirect(_my_data_url("directive"))


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """There is no self-service deletion: this files an erasure request for the DPO (R06).

    The page first says what the erasure will lead to (services, domains, unpaid invoices, what the law keeps and
    until when) and offers a copy of the data.
    """
    if request.method == "GET":
        return _delete_account_page(request, forms.DeleteAccountForm())
    form = forms.DeleteAccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was filed: please correct the fields marked below."))
        return _delete_account_page(request, form)
    req = request_file(kind=Kind.ERASURE, channel=Channel.CLIENT_AREA, customer=request.user, actor=request.user)
    messages.success(
        request,
        _(
            "Your erasure request %(ref)s is registered. We will answer by %(due)s at the latest. "
            "Nothing is deleted before then, and your account stays open in the meantime."
        )
        % {"ref": req.reference, "due": in_full(req.deadline)},
    )
    return redirect(_my_data_url("requests"))


@login_required
@require_POST
def order_review(request, pk):
    """'Ask for a human review' of an order decided by an automatic rule (R28, Art. 22(3))."""
    order = get_owned_or_404(request, Order, pk)
    if not order.automated_decision:
        raise Http404
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("details", []):
            messages.error(request, error)
        return redirect("accounts:order_detail", pk=order.pk)
    req = request_file(
        kind=Kind.AUTOMATED_DECISION_REVIEW,
        channel=Channel.CLIENT_AREA,
        customer=request.user,
        actor=request.user,
        details=form.cleaned_data["details"],
        order=order,
    )
    messages.success(request, _filed_message(req))
    return redirect(_my_data_url("requests"))


def _posted_email(group, request):
    return request.POST.get("email", "").strip().lower()


def _rate_limited(request):
    """Counts every POST, per address and per email; both counters move even when one is already over."""
    rate = settings.PUBLIC_REQUEST_RATE
    by_ip = is_ratelimited(request, group=f"{RATE_GROUP}.ip", key="ip", rate=rate, increment=True)
    by_email = is_ratelimited(request, group=f"{RATE_GROUP}.email", key=_posted_email, rate=rate, increment=True)
    return by_ip or by_email


@require_http_methods(["GET", "POST"])
def public_request(request):
    """For people without an account: nothing reaches the queue until the emailed link is clicked (R10)."""
    form = forms.PublicRequestForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            form.full_clean()
            form.add_error(None, _("Too many requests from this address or for this email; try again in an hour."))
            return render(request, "privacy/public_request.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            public_request_submit(
                name=data["name"],
                email=data["email"],
                kind=data["kind"],
                details=data["details"],
                is_guardian=data["is_guardian"],
                objection_scope=data["objection_scope"],
                ip=client_ip(request),
                http_request=request,
            )
            # The same answer whether or not the address has an account.
            context = {
                "email": data["email"],
                "link_hours": settings.PUBLIC_REQUEST_LINK_MAX_AGE // 3600,
                "purge_days": RULES["public_request_unconfirmed_delete"].amount,
            }
            return render(request, "privacy/public_request_sent.html", context)
    return render(request, "privacy/public_request.html", {"form": form})


@require_GET
def public_request_confirm_view(request, token):
    try:
        req = public_request_confirm(token=token)
    except LinkInvalid:
        return link_invalid_page(
            request, next_url=reverse("privacy:public_request"), next_label=_("Send your request again")
        )
    return render(request, "privacy/public_request_confirmed.html", {"req": req})
