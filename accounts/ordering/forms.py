"""The order form: an offer, the buyer's names and address when they are not logged in, and for a renewable offer
an unticked box authorising recurring charges (R01, R88). It validates fully before anything is written."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Offer
from accounts.validators import normalise_vat, validate_eu_vat, validate_no_card_number

RECURRING_TEXT = {
    Offer.Period.MONTH: _(
        "I authorise recurring charges: %(name)s renews every month at %(price)s %(currency)s until I stop the "
        "renewal, which I can do at any time from my client area."
    ),
    Offer.Period.YEAR: _(
        "I authorise recurring charges: %(name)s renews every year at %(price)s %(currency)s until I stop the "
        "renewal, which I can do at any time from my client area."
    ),
}


def recurring_wording(offer) -> str:
    """The sentence the box says for this offer, in the active language: what the log keeps as agreed."""
    return str(RECURRING_TEXT[offer.period]) % {"name": offer.name, "price": offer.price, "currency": offer.currency}


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, offer):
        return f"{offer.name}: {offer.price} {offer.currency} ({offer.get_period_display()})"


class OrderForm(forms.Form):
    offer = OfferChoiceField(
        label=_("Offer"),
        queryset=Offer.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose an offer."), "invalid_choice": _("This offer is not on sale.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    is_professional = forms.BooleanField(label=_("I order as a professional"), required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    vat_number = forms.CharField(
        label=_("EU VAT number"), max_length=20, required=False, help_text=_("Checked only for professional customers.")
    )
    accept_terms = forms.BooleanField(label=_("I accept the terms of service and have read the privacy policy"))
    # Never ticked in advance (R88): the box is the customer's own act.
    authorise_recurring = forms.BooleanField(label=_("I authorise recurring charges"), required=False, initial=False)

    VISITOR_FIELDS = ("first_name", "last_name", "email", "is_professional", "company", "vat_number")

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.customer = customer
        if customer is not None:
            # A logged-in customer buys as themselves; their details are on the profile page.
            for name in self.VISITOR_FIELDS:
                del self.fields[name]
            del self.fields["accept_terms"]

    def clean(self):
        data = super().clean()
        for name in ("first_name", "last_name", "company"):
            if data.get(name):
                try:
                    validate_no_card_number(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        if data.get("is_professional") and data.get("vat_number"):
            data["vat_number"] = normalise_vat(data["vat_number"])
            try:
                validate_eu_vat(data["vat_number"])
            except ValidationError as error:
                self.add_error("vat_number", error)
        elif "vat_number" in data and not data.get("is_professional"):
            data["vat_number"] = ""
        offer = data.get("offer")
        if offer is not None and offer.is_renewable and not data.get("authorise_recurring"):
            self.add_error(
                "authorise_recurring",
                _(
                    "This offer renews automatically: tick the box to authorise the recurring charges, or choose "
                    "a one-off offer."
                ),
            )
        return data
