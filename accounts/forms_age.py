"""Sign-up's age question (R76, R77): the country, and whether the person has reached its age of digital consent.

- Of age: nothing more.
- Younger, in the United States (under 13): refused under COPPA; the form is shown again empty, nothing is kept.
- Younger, elsewhere: the account opens without marketing (the boxes must stay unticked) and is flagged as a minor
  without parental consent, which stops consent-based processing until a parent's consent is recorded (R77, R78).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.minors import COPPA_COUNTRY, consent_age, consent_age_exceptions

OF_AGE = "of_age"
UNDER_AGE = "under_age"
MARKETING_FIELDS = ("marketing_email", "marketing_sms", "marketing_social")
# What a refused child typed is not shown back either.
TYPED_FIELDS = ("first_name", "last_name", "email", "password1", "country", "age", *MARKETING_FIELDS)


def _age_help():
    ages = ", ".join(f"{countries.name(code)} {age}" for code, age in consent_age_exceptions().items())
    default = consent_age("")
    if not ages:
        return _("The age of digital consent is %(age)s.") % {"age": default}
    return _("The age of digital consent is %(age)s, except: %(list)s.") % {"age": default, "list": ages}


class AgeOfConsentForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=())
    age = forms.ChoiceField(
        label=_("Your age"),
        widget=forms.RadioSelect,
        choices=(
            (OF_AGE, _("I have reached the age of digital consent of my country")),
            (UNDER_AGE, _("I am younger than that")),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]
        self.fields["age"].help_text = _age_help()
        self.coppa_refused = False

    @property
    def under_age(self) -> bool:
        return self.cleaned_data.get("age") == UNDER_AGE

    def clean(self):
        cleaned = super().clean()
        country, age = cleaned.get("country"), cleaned.get("age")
        if age != UNDER_AGE or not country:
            return cleaned
        if country == COPPA_COUNTRY:
            self.coppa_refused = True
            raise forms.ValidationError(
                _(
                    "We cannot open an account for a child under %(age)s in the United States (COPPA). "
                    "Nothing you typed has been kept."
                )
                % {"age": consent_age(country)},
                code="coppa",
            )
        for name in MARKETING_FIELDS:
            if cleaned.get(name):
                self.add_error(
                    name,
                    _(
                        "Below the age of digital consent in your country (%(age)s), news and offers need a parent's "
                        "consent: leave this box unticked."
                    )
                    % {"age": consent_age(country)},
                )
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.coppa_refused:
            # Shown again empty: the child's name, address and password are not echoed back.
            data = self.data.copy()
            for name in TYPED_FIELDS:
                data.pop(name, None)
            self.data = data
