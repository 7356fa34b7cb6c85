"""Aftercare links: a private, expiring address where a client reads one visit's aftercare sheet.

Only a SHA-256 of the token is stored, so someone who reads the database (or a backup) cannot open a
sheet; the token exists in the client's e-mail alone. Unlike the self-intake link this one may be
opened any number of times until it expires: a client reads the sheet again on the second sore day.
Services flush, never commit.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db
from ..models import AftercareLink, Visit

DEFAULT_DAYS = 14
TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters; anything far from that shape is not one of ours, and is
# refused before it costs a hash and a query.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime() -> timedelta:
    return timedelta(days=current_app.config.get("AFTERCARE_LINK_DAYS", DEFAULT_DAYS))


def create_link(visit: Visit) -> tuple[AftercareLink, str]:
    """A new link to `visit`'s sheet. Returns the link and the token, which is never stored."""
    now = utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = AftercareLink(
        clinic_id=visit.clinic_id,
        visit_id=visit.id,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + lifetime(),
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def live_link(token: str) -> AftercareLink | None:
    """The link for this token, or None: malformed, unknown and expired tokens alike."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    link = db.session.scalars(
        select(AftercareLink).where(AftercareLink.token_hash == token_hash(token))
    ).first()
    if link is None or link.expires_at <= utcnow():
        return None
    return link


def mark_opened(link: AftercareLink) -> None:
    """Record the first open. Conditional, so two requests racing on a new link keep the earlier time."""
    if link.opened_at is not None:
        return
    db.session.execute(
        update(AftercareLink)
        .where(AftercareLink.id == link.id, AftercareLink.opened_at.is_(None))
        .values(opened_at=utcnow())
    )
