"""The queue's own filters (open requests by default, kinds by their staff names) and the kinds' staff names."""

from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models.requests import OPEN_STATUSES, Kind

# The kinds as staff name them: Kind's labels speak in the person's voice ("Access to my data").
STAFF_KIND_LABELS = {
    Kind.ACCESS: _("Access"),
    Kind.RECTIFICATION: _("Rectification"),
    Kind.ERASURE: _("Erasure"),
    Kind.RESTRICTION: _("Restriction of processing"),
    Kind.OBJECTION: _("Objection"),
    Kind.PORTABILITY: _("Portability"),
    Kind.WITHDRAW_CONSENT: _("Withdrawal of consent"),
    Kind.AUTOMATED_DECISION_REVIEW: _("Review of an automated decision"),
    Kind.POST_MORTEM: _("Post-mortem directive"),
    Kind.OTHER: _("Other question"),
}


def staff_kind(req):
    label = STAFF_KIND_LABELS.get(req.kind)
    return label if label is not None else req.get_kind_display()


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind__exact"

    def lookups(self, request, model_admin):
        return list(STAFF_KIND_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class DeadlineFilter(admin.SimpleListFilter):
    """The queue opens on the open requests (R15); closed ones, or all, are one click away in this filter."""

    title = _("deadline")
    parameter_name = "deadline"
    DEFAULT = "open"

    def lookups(self, request, model_admin):
        return (
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("due_soon", _("Due within %(days)d days") % {"days": settings.DSR_DUE_SOON_DAYS}),
            ("closed", _("Closed")),
            ("all", _("All, closed included")),
        )

    def value(self):
        return super().value() or self.DEFAULT

    def choices(self, changelist):
        # No "All" on top as Django puts it: without a parameter this filter shows the open requests.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(remove=[self.parameter_name])
                if lookup == self.DEFAULT
                else changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "open":
            return queryset.open()
        if value == "overdue":
            return queryset.overdue(now)
        if value == "due_soon":
            return queryset.due_soon(now)
        if value == "closed":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset
