"""The privacy models: consents, data-subject requests and their ledgers, imported from one place."""

from privacy.models.base import AppendOnlyError
from privacy.models.consents import MARKETING_PURPOSES, PROFILE_PURPOSES, ConsentQuerySet, ConsentRecord, Purpose
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
