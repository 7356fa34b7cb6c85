"""Password reset by e-mail (ASVS 2.5): a single-use link, valid 30 minutes, kept only as a hash.

Asking gives the same answer whether or not the address is known. The link is made when the mail is
sent (a link maker of the message engine), so its token exists in the e-mail alone. Setting the new
password ends every session of the user and uses the link up; both are audited.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from .. import audit
from ..clock import utcnow
from ..extensions import db
from ..messages.outbox import queue
from ..messages.render import link_maker
from ..models import Clinic, Message, PasswordReset, User
from ..web.public_url import public_url
from . import passwords
from .services import AccountError, check_new_password, find_user_by_email
from .sessions import end_all_sessions

LIFETIME = timedelta(minutes=30)
REQUEST_WINDOW = timedelta(hours=1)
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str) -> None:
    """Queue a reset mail when `email` is an active account's and it has not asked too often.

    Says nothing either way: the caller shows one answer for every address.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        audit.record("password.reset_request", outcome="unknown", user=None)  # counted by IP alike
        return
    since = utcnow() - REQUEST_WINDOW
    recent = db.session.scalar(
        select(func.count(Message.id)).where(
            Message.user_id == user.id, Message.kind == "password_reset", Message.created_at > since
        )
    )
    if recent >= current_app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]:
        audit.record("password.reset_request", outcome="refused", user=None, clinic_id=user.clinic_id)
        return
    queue("password_reset", db.session.get(Clinic, user.clinic_id), user=user)
    audit.record("password.reset_request", object_type="user", object_id=user.id, user=None,
                 clinic_id=user.clinic_id)  # fmt: skip


@link_maker("password_reset")
def reset_link(message: Message) -> str:
    """Made when the mail goes: the token is in the e-mail only; older open links of the user end."""
    now = utcnow()
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == message.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user_id=message.user_id, token_hash=token_hash(token), created_at=now, expires_at=now + LIFETIME
        )
    )
    db.session.flush()
    return public_url("auth.reset_password", token=token)


def live_reset(token: str) -> PasswordReset | None:
    """The open reset for this token; None for malformed, unknown, used and expired tokens alike."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    reset = db.session.scalars(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))
    ).first()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


def complete_reset(reset: PasswordReset, new_password: str) -> User:
    """Set the new password, use the link up, end every session. AccountError for a weak password;
    LookupError when the link was used meanwhile (two tabs)."""
    user = db.session.get(User, reset.user_id)
    if user is None or not user.active:
        raise LookupError("no such account")
    check_new_password(new_password, user.email, user.name, user.clinic)
    used = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        raise LookupError("the link was used already")
    user.password_hash = passwords.hash_password(new_password)
    end_all_sessions(user)
    audit.record("password.reset", object_type="user", object_id=user.id, user=user)
    return user


__all__ = ["AccountError", "complete_reset", "live_reset", "request_reset"]
