"""The portal's own sessions, apart from staff login: a signed cookie entry holding only the client's
id and the random key of a PortalSession row, which signing out and the idle timeout end on the server.

A staff member signed in on the same browser stays signed in, and a portal session opens no staff page.
"""

import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db
from ..models import Client, PortalSession

COOKIE_KEY = "portal"
SEEN_RESOLUTION = timedelta(minutes=1)


def start(client: Client) -> None:
    """A new portal session for `client` (any earlier one in this browser ends); the caller commits."""
    end()
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PortalSession(
            clinic_id=client.clinic_id, client_id=client.id, key=key, created_at=now, last_seen_at=now
        )
    )
    session[COOKIE_KEY] = {"c": client.id, "k": key}


def _row() -> PortalSession | None:
    held = session.get(COOKIE_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("k"), str) or not isinstance(held.get("c"), int):
        return None
    return db.session.scalars(
        select(PortalSession).where(PortalSession.key == held["k"], PortalSession.client_id == held["c"])
    ).first()


def current() -> tuple[Client, PortalSession] | None:
    """The signed-in client and their session row, or None (no cookie, ended, idle too long, archived)."""
    row = _row()
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    config = current_app.config
    if (
        now - row.last_seen_at > config["PORTAL_IDLE_TIMEOUT"]
        or now - row.created_at > config["PORTAL_ABSOLUTE_TIMEOUT"]
    ):
        row.ended_at = now
        return None
    client = db.session.get(Client, row.client_id)
    if client is None or client.archived_at is not None or client.clinic_id != row.clinic_id:
        return None
    if now - row.last_seen_at >= SEEN_RESOLUTION:
        row.last_seen_at = now  # saved with the request's commit
    return client, row


def end() -> None:
    """Sign this browser out of the portal (the row ends; the caller commits)."""
    row = _row()
    if row is not None and row.ended_at is None:
        db.session.execute(update(PortalSession).where(PortalSession.id == row.id).values(ended_at=utcnow()))
    session.pop(COOKIE_KEY, None)
