"""The request file rule: closed requests anonymised after their period, with their events' notes, their ended
restrictions and the other request records erasure would delete (e.g. export download logs).
"""

from django.db.models import Q
from django.db.models.functions import Lower

from privacy.models import DataSubjectRequest, RequestEvent, Restriction
from privacy.models.request_choices import CLOSED_STATUSES
from privacy.registry import Delete, registry
from retention import engine
from retention.engine.counts import bump_rows
from retention.rules import RULES
from retention.sweeps.customers import erased_tonight
from retention.sweeps.records import RecordSweep


class RequestFiles(RecordSweep):
    """Closed requests after 5 years: requester details and notes emptied, kind, dates and outcome kept."""

    rule = "request_file_anonymise"
    action = "anonymised"
    model = DataSubjectRequest
    ANONYMOUS = {
        "requester_name": "",
        "requester_email": "",
        "details": "",
        "response": "",
        "extension_reason": "",
        "trusted_person": "",
        "rectification": {},
        "customer": None,
    }

    def due(self, ctx):
        not_yet = ~Q(requester_email="") | ~Q(requester_name="") | Q(customer__isnull=False)
        return self.model._base_manager.filter(
            not_yet, status__in=CLOSED_STATUSES, closed_at__lt=RULES[self.rule].cutoff(ctx.as_of)
        )

    @staticmethod
    def ended_restrictions(requests, at):
        ended = Q(lifted_at__isnull=False) | Q(ends_at__lte=at)
        return Restriction._base_manager.filter(ended, engine.in_ids("request", requests))

    def act(self, ids, ctx, counts):
        events = RequestEvent._base_manager.filter(engine.in_ids("request", ids)).exclude(note="")
        bump_rows(counts, RequestEvent, "anonymised", events.update(note=""))
        engine.delete_rows(self.ended_restrictions(ids, ctx.at).model, self.ended_restrictions(ids, ctx.at), counts)
        n = self.model._base_manager.filter(engine.in_ids("pk", ids)).update(**self.ANONYMOUS)
        bump_rows(counts, self.model, "anonymised", n)

    def predict(self, eligible, ctx, counts):
        ids = eligible.values("pk")
        events = RequestEvent._base_manager.filter(request__in=ids).exclude(note="")
        bump_rows(counts, RequestEvent, "anonymised", events.count())
        restrictions = self.ended_restrictions(ids, ctx.at)
        engine.predict_delete(restrictions.model, restrictions, counts)
        bump_rows(counts, self.model, "anonymised", eligible.count())


class RequestTrail(RecordSweep):
    """Other registry entries under request_file_anonymise that erasure deletes (e.g. export download logs)."""

    rule = "request_file_anonymise"
    DATE_FIELDS = ("downloaded_at", "closed_at", "created_at")

    def __init__(self, entry):
        self.entry = entry
        self.model = entry.model
        self.owner = entry.owner if entry.owner and "__" not in entry.owner else None
        names = {f.name for f in self.model._meta.concrete_fields}
        self.date_field = next(name for name in self.DATE_FIELDS if name in names)

    def due(self, ctx):
        return self.model._base_manager.filter(**{f"{self.date_field}__lt": RULES[self.rule].cutoff(ctx.as_of)})

    def taken_earlier(self, ctx):
        erased = erased_tonight(ctx)
        if erased is None:
            return None
        rows = engine.entry_rows(
            self.entry,
            ids=erased.values("pk"),
            emails=erased.annotate(_e=Lower("email")).values("_e"),
            held=ctx.held,
            at=ctx.at,
        )
        return Q(pk__in=rows.values("pk"))


def request_trails():
    """A RequestTrail for each other registry entry under request_file_anonymise that erasure deletes."""
    handled = {DataSubjectRequest, RequestEvent, Restriction}
    return [
        RequestTrail(e)
        for e in registry.entries()
        if e.retention == "request_file_anonymise" and e.model not in handled and isinstance(e.erasure, Delete)
    ]
