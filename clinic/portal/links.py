"""The portal's sign-in links: asked for by e-mail address, made when the e-mail is sent, used once.

Asking says nothing either way: the page shows one answer for every address, and an address that
asked too often this hour simply gets no more mail. Only the token's hash is stored. Services flush,
never commit.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from .. import audit
from ..clock import utcnow
from ..extensions import db
from ..messages.addresses import email_address
from ..messages.outbox import queue
from ..models import Client, Clinic, Message, PortalLink

LIFETIME = timedelta(minutes=20)
REQUEST_WINDOW = timedelta(hours=1)
MAX_PER_ADDRESS = 3  # links per client an hour: enough for a lost mail, too few to flood an inbox
MAX_CLIENTS_PER_ADDRESS = 3  # a family sharing one address each get their own link
TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
_SLUG_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,24}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clinic_by_slug(slug: str) -> Clinic | None:
    if not isinstance(slug, str) or not _SLUG_SHAPE.fullmatch(slug):
        return None
    return db.session.scalars(select(Clinic).where(Clinic.public_slug == slug)).first()


def _clients_with(clinic: Clinic, address: str) -> list[Client]:
    return list(
        db.session.scalars(
            select(Client)
            .where(
                Client.clinic_id == clinic.id,
                func.lower(Client.email) == address.lower(),
                Client.archived_at.is_(None),
            )
            .order_by(Client.id)
            .limit(MAX_CLIENTS_PER_ADDRESS)
        )
    )


def request_link(clinic_id: int, typed: str) -> None:
    """Queue a sign-in mail to every active client of the clinic with this address (unless it asked too
    often this hour). Run by the worker (queue.portal_request), so the page that took the request answers
    the same, in the same time, whatever happens here."""
    clinic = db.session.get(Clinic, clinic_id)
    if clinic is None:
        return
    address = email_address(typed or "")
    clients = _clients_with(clinic, address) if address else []
    if not clients:
        audit.record("portal.link_request", outcome="unknown", clinic_id=clinic.id)
        return
    since = utcnow() - REQUEST_WINDOW
    for client in clients:
        recent = db.session.scalar(
            select(func.count(Message.id)).where(
                Message.client_id == client.id, Message.kind == "portal_link", Message.created_at > since
            )
        )
        if recent >= MAX_PER_ADDRESS:
            audit.record("portal.link_request", outcome="refused", clinic_id=clinic.id, client_id=client.id)
            continue
        queue("portal_link", clinic, client=client)
        audit.record(
            "portal.link_request", object_type="client", object_id=client.id,
            client_id=client.id, clinic_id=clinic.id,
        )  # fmt: skip


def issue(client: Client) -> str:
    """A fresh sign-in link (at sending time): the client's older open links end; returns the token."""
    now = utcnow()
    db.session.execute(
        update(PortalLink)
        .where(PortalLink.client_id == client.id, PortalLink.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        PortalLink(
            clinic_id=client.clinic_id,
            client_id=client.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    db.session.flush()
    return token


def live(token: str) -> PortalLink | None:
    """The open link of this token; None for malformed, unknown, used and expired tokens alike."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    link = db.session.scalars(select(PortalLink).where(PortalLink.token_hash == token_hash(token))).first()
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link


def use(link: PortalLink) -> bool:
    """Use the link up; False when another request used it first (two taps, two tabs)."""
    used = db.session.execute(
        update(PortalLink)
        .where(PortalLink.id == link.id, PortalLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return used.rowcount == 1
