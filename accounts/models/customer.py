"""The customer: identity, contact data, life-cycle state, and the logs kept about them."""

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from accounts.validators import normalise_vat, validate_eu_vat, validate_no_card_number
from privacy import categories
from privacy.registry import Anonymise, Delete, Keep, registry


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A customer (or a staff member): email is the login."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("account state", "Active")
        ARCHIVED = "archived", _("Archived")
        TERMINATED = "terminated", _("Terminated")
        ERASED = "erased", _("Erased")

    class Language(models.TextChoices):
        EN = "en", "English"
        FR = "fr", "Français"
        ES = "es", "Español"
        IT = "it", "Italiano"
        DE = "de", "Deutsch"

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("Optional."))
    address = models.CharField(_("postal address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
    )
    is_professional = models.BooleanField(_("professional customer"), default=False)
    company = models.CharField(_("company"), max_length=200, blank=True)
    vat_number = models.CharField(_("EU VAT number"), max_length=20, blank=True)
    referred_by_code = models.CharField(_("referred by affiliate code"), max_length=32, blank=True)
    affiliate_code = models.CharField(_("own affiliate code"), max_length=32, null=True, blank=True, unique=True)

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    deceased_at = models.DateTimeField(_("known deceased since"), null=True, blank=True)
    deceased_evidence = models.TextField(_("evidence of death"), blank=True)
    # Set by staff for a minor without valid parental consent; cleared when that consent arrives (R78, minor_erase).
    flagged_minor_at = models.DateTimeField(_("flagged as a minor without parental consent"), null=True, blank=True)

    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    # Fields the customer corrects on /account/profile/ (R03); email has its own confirmed flow.
    SELF_EDITABLE_FIELDS = (
        "first_name",
        "last_name",
        "phone",
        "address",
        "postal_code",
        "city",
        "country",
        "preferred_language",
        "is_professional",
        "company",
        "vat_number",
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["state", "state_changed_at"])]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()
        errors = {}
        for name in ("first_name", "last_name", "address", "postal_code", "city", "company", "vat_number"):
            try:
                validate_no_card_number(getattr(self, name))
            except ValidationError as e:
                errors[name] = e.messages
        if self.phone:
            try:
                self.phone = normalise_phone(self.phone, self.country.code if self.country else None)
            except ValidationError as e:
                errors["phone"] = e.messages
        if self.is_professional and self.vat_number:
            self.vat_number = normalise_vat(self.vat_number)
            try:
                validate_eu_vat(self.vat_number)
            except ValidationError as e:
                errors["vat_number"] = e.messages
        if errors:
            raise ValidationError(errors)

    def set_state(self, state, *, when=None):
        """Move through the life cycle, stamping the time of the change (no save)."""
        when = when or timezone.now()
        self.state = state
        self.state_changed_at = when
        stamp = {
            self.State.ARCHIVED: "archived_at",
            self.State.TERMINATED: "terminated_at",
        }.get(state)
        if state == self.State.ERASED:
            self.erased_at = when
        if stamp:
            setattr(self, stamp, when)
        if state == self.State.ACTIVE:
            self.archived_at = None
        self.is_active = state == self.State.ACTIVE


def normalise_phone(value, region=None):
    """E.164 form of a phone number, or a ValidationError the form can show."""
    try:
        number = phonenumbers.parse(value, region or "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number, with its country code if it is not French."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ChangeLog(models.Model):
    """One row per changed field of a customer's data, whoever changed it (R04)."""

    class Channel(models.TextChoices):
        CLIENT_AREA = "client_area", _("Client area")
        ADMIN = "admin", _("Back-office")
        JOB = "job", _("Scheduled job")
        REQUEST = "request", _("Data-subject request")

    customer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="change_logs", verbose_name=_("customer"))
    field = models.CharField(_("field"), max_length=64)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    actor_role = models.CharField(_("changed by"), max_length=20)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("change-log entry")
        verbose_name_plural = _("change log")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.customer_id} {self.field} {self.created_at:%Y-%m-%d %H:%M}"


class ConnectionLog(models.Model):
    """Every login attempt, successful or not (R07)."""

    customer = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="connection_logs",
        verbose_name=_("customer"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    success = models.BooleanField(_("success"))

    class Meta:
        verbose_name = _("connection-log entry")
        verbose_name_plural = _("connection log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.ip} {'ok' if self.success else 'failed'}"


class Prospect(models.Model):
    """A person without an account who contacted us or subscribed to news."""

    class Source(models.TextChoices):
        CONTACT_FORM = "contact_form", _("Contact form")
        NEWSLETTER = "newsletter", _("Newsletter sign-up")
        EVENT = "event", _("Trade show or event")
        REFERRAL = "referral", _("Referral")

    email = models.EmailField(_("email address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_contact_at = models.DateTimeField(
        _("last own contact"),
        default=timezone.now,
        help_text=_("Their last form submission, reply or click; email opens do not count."),
    )

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_prospect_email_ci_unique")]

    def __str__(self):
        return self.email


registry.register(
    User,
    category=categories.IDENTITY,
    owner="",
    fields=(
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "postal_code",
        "city",
        "country",
        "preferred_language",
        "is_professional",
        "company",
        "vat_number",
        "referred_by_code",
        "affiliate_code",
        "state",
        "date_joined",
        "last_login",
        "email_verified_at",
    ),
    erasure=Anonymise(
        fields={
            "first_name": "",
            "last_name": "",
            "email": "erased-{pk}@invalid",
            "phone": "",
            "address": "",
            "postal_code": "",
            "city": "",
            "company": "",
            "vat_number": "",
            "referred_by_code": "",
            "affiliate_code": None,
            "deceased_evidence": "",
        }
    ),
    retention="customer_lifetime",
)


def change_log_shown(row):
    """A change-log row in words: the field's label, its old and new values as the form shows them, who changed it."""
    from django.utils.text import capfirst

    roles = {"customer": _("You"), "staff": _("Our staff"), "system": _("Automatically")}
    shown = dict(row)
    try:
        field = User._meta.get_field(row["field"])
    except (KeyError, FieldDoesNotExist):
        field = None
    if field is not None:
        shown["field"] = capfirst(field.verbose_name)
        choices = {str(k): v for k, v in field.flatchoices} if field.flatchoices else {}
        if isinstance(field, models.BooleanField):
            choices = {"True": _("Yes"), "False": _("No")}
        for name in ("old_value", "new_value"):
            if name in row:
                shown[name] = choices.get(row[name], row[name])
    if "actor_role" in row:
        shown["actor_role"] = roles.get(row["actor_role"], row["actor_role"])
    return shown


registry.register(
    ChangeLog,
    category=categories.CHANGE_LOG,
    owner="customer",
    fields=("created_at", "field", "old_value", "new_value", "actor_role", "channel"),
    shown=change_log_shown,
    erasure=Delete(),
    retention="customer_lifetime",
)
registry.register(
    ConnectionLog,
    category=categories.CONNECTION_LOG,
    owner="customer",
    fields=("created_at", "ip", "user_agent", "success"),
    erasure=Keep(
        reason=_("Connection data kept 12 months for the authorities (LCEN art. 6)"),
        fields=("created_at", "ip", "success"),
        blank={"user_agent": ""},
    ),
    retention="connection_log_delete",
    retention_from="created_at",
)
registry.register(
    Prospect,
    category=categories.PROSPECTS,
    email_field="email",
    fields=(
        "email",
        "first_name",
        "last_name",
        "source",
        "created_at",
        "last_contact_at",
    ),
    erasure=Delete(),
    retention="prospect_delete",
)
