"""SQLAlchemy models: data and small invariants only."""

from .audit import AuditEvent
from .clinic import Clinic
from .user import LoginAttempt, Role, User

__all__ = ["AuditEvent", "Clinic", "LoginAttempt", "Role", "User"]
