"""The vocabulary of data-subject requests: their kinds, statuses and the moves between them (R16), channels,
and the grounds and choices some kinds carry. privacy/models/requests.py builds the models on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ACCESS = "access", _("Access to my data")
    RECTIFICATION = "rectification", _("Correction of my data")
    ERASURE = "erasure", _("Erasure of my data")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection to processing")
    PORTABILITY = "portability", _("Portability of my data")
    WITHDRAW_CONSENT = "withdraw_consent", _("Withdrawal of consent")
    AUTOMATED_DECISION_REVIEW = "automated_decision_review", _("Human review of an automated decision")
    POST_MORTEM = "post_mortem_directive", _("Instructions for after my death")
    OTHER = "other", _("Other question about my data")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    AWAITING_IDENTITY = "awaiting_identity", _("Awaiting proof of identity")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.RECEIVED, Status.AWAITING_IDENTITY, Status.IN_PROGRESS, Status.EXTENDED)
CLOSED_STATUSES = (Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN)

# R16: the only moves a request can make.
OPEN_EXITS = {Status.EXTENDED, Status.REJECTED, Status.WITHDRAWN}
TRANSITIONS = {
    # Art. 12(3) allows the one extension in any open state before the first due date (R14).
    Status.RECEIVED: {
        Status.AWAITING_IDENTITY,
        Status.IN_PROGRESS,
        Status.EXTENDED,
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.COMPLETED,
    },
    Status.AWAITING_IDENTITY: {*OPEN_EXITS, Status.IN_PROGRESS},
    Status.IN_PROGRESS: {Status.EXTENDED, Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN},
    Status.EXTENDED: {Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN},
    Status.COMPLETED: set(),
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
}


class Channel(models.TextChoices):
    CLIENT_AREA = "client_area", _("Client area")
    PUBLIC_FORM = "public_form", _("Public request form")
    EMAIL = "email", _("Email")
    POST = "post", _("Post")
    TICKET = "ticket", _("Support ticket")
    PHONE = "phone", _("Phone")


class RejectionCode(models.TextChoices):
    UNFOUNDED = "manifestly_unfounded", _("Manifestly unfounded")
    EXCESSIVE = "excessive", _("Excessive or repetitive")
    IDENTITY = "identity_not_established", _("Identity not established")
    NOT_GDPR = "not_gdpr", _("Not a request about personal data")


class RestrictionGround(models.TextChoices):
    ACCURACY = "a", _("(a) The accuracy of the data is contested")
    UNLAWFUL = "b", _("(b) The processing is unlawful and erasure is opposed")
    LEGAL_CLAIMS = "c", _("(c) The data are needed for legal claims")
    OBJECTION = "d", _("(d) An objection is being examined")


class ObjectionScope(models.TextChoices):
    MARKETING = "marketing", _("Direct marketing")
    AUDIENCE = "audience_measurement", _("Audience measurement")
    FRAUD = "fraud_prevention", _("Fraud prevention")
    IMPROVEMENT = "service_improvement", _("Service improvement")


class Directive(models.TextChoices):
    KEEP = "keep", _("Keep my data")
    DELETE = "delete", _("Delete my data")
    HAND_OVER = "hand_over", _("Hand my data over to my trusted person")
