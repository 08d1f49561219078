"""The privacy models: consents, data-subject requests and their ledgers, imported from one place."""

from privacy.models.audit import AuditChainHead, AuditEntry
from privacy.models.base import AppendOnlyError
from privacy.models.breaches import Breach, BreachFollowUp, BreachSubject
from privacy.models.consents import MARKETING_PURPOSES, PROFILE_PURPOSES, ConsentQuerySet, ConsentRecord, Purpose
from privacy.models.disclosures import AuthorityDisclosure
from privacy.models.requests import (
    DataSubjectRequest,
    PendingPublicRequest,
    PostMortemDirective,
    RecipientNotification,
    RequestEvent,
    Restriction,
    SuppressionEntry,
)

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "AuthorityDisclosure",
    "Breach",
    "BreachFollowUp",
    "BreachSubject",
    "MARKETING_PURPOSES",
    "PROFILE_PURPOSES",
    "AppendOnlyError",
    "ConsentQuerySet",
    "ConsentRecord",
    "DataSubjectRequest",
    "PendingPublicRequest",
    "PostMortemDirective",
    "Purpose",
    "RecipientNotification",
    "RequestEvent",
    "Restriction",
    "SuppressionEntry",
]
