"""Account operations: authenticate, change passwords, create users. Services flush, views commit."""

from dataclasses import dataclass

from sqlalchemy import func, select

from .. import audit
from ..clock import utcnow
from ..extensions import db
from ..models import Clinic, Role, User
from . import passwords, throttle
from .sessions import end_all_sessions


class AccountError(ValueError):
    """A refused account change, with a message for the person (and the field it is about)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    retry_after: int | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str, ip: str) -> LoginResult:
    """Check a login. Unknown emails and wrong passwords look the same, in answer and in time."""
    email = normalise_email(email)
    wait = throttle.retry_after_seconds(email, ip)
    if wait is not None:
        audit.record("login.throttled", outcome="refused", user=None)
        return LoginResult(None, retry_after=wait)
    user = find_user_by_email(email)
    if user is None:
        passwords.spend_verify_time(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password) and user.active
    throttle.record_attempt(email, ip, ok)
    if not ok:
        audit.record(
            "login.failed",
            outcome="refused",
            user=None,
            clinic_id=user.clinic_id if user is not None else None,
            object_type="user" if user is not None else None,
            object_id=user.id if user is not None else None,
        )
        return LoginResult(None)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    audit.record("login.ok", object_type="user", object_id=user.id, user=user)
    return LoginResult(user)


def context_words(email: str, name: str, clinic: Clinic | None) -> tuple[str, ...]:
    words = [email.split("@")[0], name, *name.split()]
    if clinic is not None:
        words.append(clinic.name)
    return tuple(words)


def check_new_password(password: str, email: str, name: str, clinic: Clinic | None) -> None:
    problem = passwords.password_problem(password, context_words(email, name, clinic))
    if problem:
        raise AccountError(problem, field="new_password")


def change_password(user: User, current: str, new: str) -> None:
    """Needs the current password; ends every other session of the user (the caller re-logs in)."""
    if not passwords.verify_password(user.password_hash, current):
        audit.record("password.change", object_type="user", object_id=user.id, outcome="refused")
        raise AccountError("The current password is not right.", field="current_password")
    check_new_password(new, user.email, user.name, user.clinic)
    user.password_hash = passwords.hash_password(new)
    end_all_sessions(user)
    audit.record("password.change", object_type="user", object_id=user.id)


def set_password_by_owner(user: User, new: str) -> None:
    """An owner sets a new password for someone who forgot theirs; their sessions end."""
    check_new_password(new, user.email, user.name, user.clinic)
    user.password_hash = passwords.hash_password(new)
    end_all_sessions(user)


def create_clinic(name: str, timezone: str = "UTC") -> Clinic:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = name.strip()
    if not name or len(name) > 120:
        raise AccountError("A clinic name needs 1 to 120 characters.", field="name")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AccountError(
            f"Unknown time zone {timezone!r} (use a name like Europe/London).", "timezone"
        ) from None
    if db.session.scalar(select(Clinic.id).where(func.lower(Clinic.name) == name.lower())):
        raise AccountError(f"A clinic named {name!r} exists already.", field="name")
    clinic = Clinic(name=name, timezone=timezone, settings={})
    db.session.add(clinic)
    db.session.flush()
    return clinic


def create_user(clinic: Clinic, email: str, name: str, role: str, password: str) -> User:
    email = normalise_email(email)
    name = name.strip()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise AccountError("Enter a valid email address.", field="email")
    if not name or len(name) > 120:
        raise AccountError("A name needs 1 to 120 characters.", field="name")
    if role not in {r.value for r in Role}:
        raise AccountError("The role must be owner, therapist or frontdesk.", field="role")
    if find_user_by_email(email) is not None:
        raise AccountError("Someone already uses this email address.", field="email")
    check_new_password(password, email, name, clinic)
    user = User(
        clinic_id=clinic.id,
        email=email,
        name=name,
        role=role,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_role(user: User, role: str) -> None:
    if role not in {r.value for r in Role}:
        raise AccountError("The role must be owner, therapist or frontdesk.", field="role")
    _keep_an_owner(user, new_role=role, new_active=user.active)
    user.role = role
    end_all_sessions(user)  # a new role takes effect at once, with a new login


def set_active(user: User, active: bool) -> None:
    _keep_an_owner(user, new_role=user.role, new_active=active)
    user.active = active
    if not active:
        end_all_sessions(user)


def _keep_an_owner(user: User, new_role: str, new_active: bool) -> None:
    """A clinic must keep at least one active owner, or nobody could manage it."""
    if user.role != Role.OWNER or (new_role == Role.OWNER and new_active):
        return
    owners = db.session.scalar(
        select(func.count(User.id)).where(
            User.clinic_id == user.clinic_id, User.role == Role.OWNER, User.active.is_(True)
        )
    )
    if owners <= 1:
        raise AccountError("The clinic needs at least one active owner.", field="role")
