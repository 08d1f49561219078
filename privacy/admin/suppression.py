"""The suppression list and restrictions in the back-office: staff add an address or phone with its source (an SMS
"STOP", a call), stored only as a keyed hash (R39); staff lift a restriction, the person told first (R24)."""

from datetime import datetime, time

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models.customer import normalise_phone
from privacy.admin.base import QueueOnly, can_work_queue
from privacy.models import SuppressionEntry
from privacy.services.restrictions import RestrictionError, restriction_lift
from privacy.services.suppression import suppression_add

SOURCES = {
    "sms_stop": gettext_lazy("SMS reply STOP"),
    "phone_call": gettext_lazy("Asked by phone"),
    "letter": gettext_lazy("Asked by letter or email"),
    "unsubscribe": gettext_lazy("Unsubscribe link"),
    "objection": gettext_lazy("Objection to marketing"),
}


class SuppressionAddForm(forms.ModelForm):
    value = forms.CharField(label=gettext_lazy("Email address or phone number"), max_length=254)
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=list(SOURCES.items()))

    class Meta:
        model = SuppressionEntry
        fields = ("kind",)

    def clean(self):
        data = super().clean()
        value, kind = (data.get("value") or "").strip(), data.get("kind")
        if kind == SuppressionEntry.Kind.PHONE:
            try:
                data["value"] = normalise_phone(value, "FR")
            except ValidationError as e:
                raise ValidationError({"value": e.messages}) from e
        elif kind == SuppressionEntry.Kind.EMAIL:
            try:
                forms.EmailField().clean(value)
            except ValidationError as e:
                raise ValidationError({"value": e.messages}) from e
        return data


class SourceFilter(admin.SimpleListFilter):
    """The sources by their labels: the stored codes ("sms_stop") are not for people to read."""

    title = gettext_lazy("source")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return list(SOURCES.items())

    def queryset(self, request, queryset):
        return queryset.filter(source=self.value()) if self.value() else queryset


class SuppressionEntryAdmin(QueueOnly, admin.ModelAdmin):
    list_display = ("kind", "source_label", "created_at")
    list_filter = ("kind", SourceFilter)
    search_fields = ("source",)
    form = SuppressionAddForm

    @admin.display(description=gettext_lazy("source"), ordering="source")
    def source_label(self, obj):
        return SOURCES.get(obj.source, obj.source)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only the keyed hash is kept: the typed value never reaches the database.
        data = form.cleaned_data
        kind = data["kind"]
        suppression_add(
            email=data["value"] if kind == SuppressionEntry.Kind.EMAIL else "",
            phone=data["value"] if kind == SuppressionEntry.Kind.PHONE else "",
            source=data["source"],
        )
        obj.pk = SuppressionEntry.objects.order_by("-created_at", "-pk").values_list("pk", flat=True).first()

    def save_related(self, request, form, formsets, change):
        pass

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("Added to the suppression list: no marketing will reach it."), messages.SUCCESS)
        return redirect("admin:privacy_suppressionentry_changelist")


class LiftForm(forms.Form):
    ends_on = forms.DateField(
        label=gettext_lazy("The restriction ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The person is emailed now; the restriction applies until this day."),
    )

    def clean_ends_on(self):
        day = self.cleaned_data["ends_on"]
        if day <= timezone.localdate():
            raise ValidationError(_("Choose a day after today, so the person is told before it ends."))
        return day


class RestrictionAdmin(QueueOnly, admin.ModelAdmin):
    list_display = ("customer", "ground", "starts_at", "ends_at", "lifted_at", "request")
    list_filter = ("ground",)
    search_fields = ("customer__email", "request__reference")
    list_select_related = ("customer", "request")
    actions = ["lift"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Lift: tell the person now, end the restriction on a chosen day"))
    def lift(self, request, queryset):
        if not can_work_queue(request):
            raise PermissionDenied
        form = LiftForm(request.POST if "ends_on" in request.POST else None)
        if form.is_valid():
            day = form.cleaned_data["ends_on"]
            ends = timezone.make_aware(datetime.combine(day, time.min))  # midnight, site time
            done = 0
            for restriction in queryset.select_related("customer", "request"):
                try:
                    done += restriction_lift(restriction=restriction, actor=request.user, on=ends)
                except RestrictionError as e:
                    self.message_user(request, f"{restriction}: {e}", messages.ERROR)
            if done:
                self.message_user(
                    request,
                    _("%(n)d restriction(s) will end on %(day)s; the people concerned were emailed.")
                    % {"n": done, "day": day},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lift a restriction"),
            "form": form,
            "queryset": queryset,
            "opts": self.model._meta,
            "action": "lift",
        }
        return TemplateResponse(request, "admin/privacy/restriction_lift.html", context)
