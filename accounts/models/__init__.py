from accounts.models.billing import Invoice, InvoiceLine, InvoiceSequence, Transaction
from accounts.models.commerce import AffiliateCommission, Domain, Order, Service
from accounts.models.credentials import SiteCredential
from accounts.models.customer import ChangeLog, ConnectionLog, Prospect, User
from accounts.models.objections import ObjectedPurpose, ProcessingObjection, processing_objected
from accounts.models.support import SupportTicket, TicketMessage
from accounts.models.support_files import ChatTranscript, TicketAttachment
from accounts.models.surveys import Survey, SurveyAnswer

__all__ = [
    "AffiliateCommission",
    "ChatTranscript",
    "ChangeLog",
    "ConnectionLog",
    "Domain",
    "Invoice",
    "InvoiceLine",
    "InvoiceSequence",
    "ObjectedPurpose",
    "Order",
    "ProcessingObjection",
    "Prospect",
    "Service",
    "SiteCredential",
    "SupportTicket",
    "Survey",
    "SurveyAnswer",
    "TicketAttachment",
    "TicketMessage",
    "Transaction",
    "User",
    "processing_objected",
]
