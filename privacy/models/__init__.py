"""The privacy models: consents, data-subject requests and their ledgers, imported from one place."""

from privacy.models.answers import PreparedAnswer, RecipientContact
from privacy.models.audit import AuditChainHead, AuditEntry
from privacy.models.base import AppendOnlyError
from privacy.models.breaches import Breach, BreachFollowUp, BreachSubject
from privacy.models.consents import (
    COOKIE_PURPOSES,
    MARKETING_PURPOSES,
    PROFILE_PURPOSES,
    ConsentQuerySet,
    ConsentRecord,
    Purpose,
)
from privacy.models.directives import PostMortemDirective
from privacy.models.disclosures import AuthorityDisclosure
from privacy.models.marketing import (
    CHANNEL_PURPOSE,
    Campaign,
    CampaignDelivery,
    Channel,
    EngagementEvent,
    ParentalConsent,
)
from privacy.models.policy import PolicyText, PolicyVersion, Processor, TransferTool
from privacy.models.requests import (
    DataSubjectRequest,
    PendingPublicRequest,
    RecipientNotification,
    RequestEvent,
    Restriction,
)
from privacy.models.statements import SupplementaryStatement
from privacy.models.suppression import SuppressionEntry

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "AuthorityDisclosure",
    "Breach",
    "BreachFollowUp",
    "BreachSubject",
    "CHANNEL_PURPOSE",
    "Campaign",
    "CampaignDelivery",
    "Channel",
    "EngagementEvent",
    "ParentalConsent",
    "COOKIE_PURPOSES",
    "PolicyText",
    "PolicyVersion",
    "Processor",
    "TransferTool",
    "MARKETING_PURPOSES",
    "PROFILE_PURPOSES",
    "AppendOnlyError",
    "ConsentQuerySet",
    "ConsentRecord",
    "DataSubjectRequest",
    "PendingPublicRequest",
    "PostMortemDirective",
    "PreparedAnswer",
    "Purpose",
    "RecipientContact",
    "RecipientNotification",
    "RequestEvent",
    "Restriction",
    "SupplementaryStatement",
    "SuppressionEntry",
]
