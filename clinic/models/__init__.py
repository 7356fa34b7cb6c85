"""SQLAlchemy models: data and small invariants only."""

from .aftercare import AftercareWording
from .audit import AuditEvent
from .booking import BookingRequest
from .checkin import CheckIn
from .client import Client, HealthRecord, IntakeLink, PolicyVersion
from .client_import import ClientImport
from .clinic import Clinic
from .document import Document
from .encryption import EncryptionKeyCheck, RekeyLease
from .export import ExportJob
from .message import AftercareLink, MailboxItem, Message, MessageConsent, MessageTemplate
from .portal import PortalLink, PortalSession
from .schedule import ACTIVE_STATUSES, STATUSES, Appointment, CalendarFeed, Service, WorkingHours
from .user import LoginAttempt, PasswordReset, RecoveryCode, Role, TrustedDevice, TwoStep, User, UserSession
from .visit import Addendum, TriggerPoint, Visit

__all__ = [
    "ACTIVE_STATUSES",
    "STATUSES",
    "Addendum",
    "AftercareLink",
    "AftercareWording",
    "Appointment",
    "AuditEvent",
    "BookingRequest",
    "CalendarFeed",
    "CheckIn",
    "Client",
    "ClientImport",
    "Clinic",
    "Document",
    "EncryptionKeyCheck",
    "ExportJob",
    "HealthRecord",
    "IntakeLink",
    "LoginAttempt",
    "MailboxItem",
    "Message",
    "MessageConsent",
    "MessageTemplate",
    "PasswordReset",
    "PolicyVersion",
    "PortalLink",
    "PortalSession",
    "RekeyLease",
    "RecoveryCode",
    "Role",
    "Service",
    "TriggerPoint",
    "TrustedDevice",
    "TwoStep",
    "User",
    "UserSession",
    "Visit",
    "WorkingHours",
]
