from accounts.models.billing import Invoice, InvoiceLine, InvoiceSequence, Transaction
from accounts.models.commerce import AffiliateCommission, Domain, Order, Service
from accounts.models.credentials import SiteCredential
from accounts.models.customer import ChangeLog, ConnectionLog, Prospect, User
from accounts.models.ordering import Offer, RecurringPaymentEvent
from accounts.models.support import SupportTicket, TicketMessage

__all__ = [
    "AffiliateCommission",
    "ChangeLog",
    "ConnectionLog",
    "Domain",
    "Invoice",
    "InvoiceLine",
    "InvoiceSequence",
    "Offer",
    "Order",
    "Prospect",
    "RecurringPaymentEvent",
    "Service",
    "SiteCredential",
    "SupportTicket",
    "TicketMessage",
    "Transaction",
    "User",
]
