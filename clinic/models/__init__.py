"""SQLAlchemy models: data and small invariants only."""

from .aftercare import AftercareWording
from .audit import AuditEvent
from .client import Client, HealthRecord, IntakeLink, PolicyVersion
from .clinic import Clinic
from .schedule import ACTIVE_STATUSES, STATUSES, Appointment, CalendarFeed, Service, WorkingHours
from .user import LoginAttempt, Role, User
from .visit import Addendum, TriggerPoint, Visit

__all__ = [
    "ACTIVE_STATUSES",
    "STATUSES",
    "Addendum",
    "AftercareWording",
    "Appointment",
    "AuditEvent",
    "CalendarFeed",
    "Client",
    "Clinic",
    "HealthRecord",
    "IntakeLink",
    "LoginAttempt",
    "PolicyVersion",
    "Role",
    "Service",
    "TriggerPoint",
    "User",
    "Visit",
    "WorkingHours",
]
