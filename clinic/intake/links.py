"""Self-intake links: a private, expiring, single-use address where a client fills in the form.

Only a SHA-256 of the token is stored: someone who reads the database (or a backup) cannot use an
open link. State changes are conditional UPDATEs ("... WHERE status = 'pending'"), so two requests
racing on one link cannot both submit, and two therapists cannot both accept. Services flush.
"""

import hashlib
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from ..clock import utcnow
from ..extensions import db
from ..models import AuditEvent, Client, HealthRecord, IntakeLink, User
from . import services
from .describe import projected_weeks
from .health import normalise, to_json

LIFETIME = timedelta(days=7)
TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
# A person sends one form; a burst of submissions from one address within the window is refused
# (SELF_INTAKE_MAX_SUBMISSIONS_PER_IP in config.py).
SUBMISSION_WINDOW = timedelta(minutes=10)
OPEN, SUBMITTED, ACCEPTED, REJECTED, REVOKED = "pending", "submitted", "accepted", "rejected", "revoked"


class LinkStateError(Exception):
    """The link is no longer in the state this action needs (someone else acted first)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(client: Client, user: User) -> tuple[IntakeLink, str, list[int]]:
    """A new link for `client`; an unused open link of theirs is revoked (one open link at a time).

    :returns: the link, the token (shown once, never stored) and the ids of the links it replaced.
    """
    now = utcnow()
    replaced = list(
        db.session.scalars(
            select(IntakeLink.id).where(IntakeLink.client_id == client.id, IntakeLink.status == OPEN)
        )
    )
    if replaced:
        db.session.execute(
            update(IntakeLink)
            .where(IntakeLink.id.in_(replaced), IntakeLink.status == OPEN)
            .values(status=REVOKED, reviewed_at=now, reviewed_by_id=user.id)
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = IntakeLink(
        clinic_id=client.clinic_id,
        client_id=client.id,
        token_hash=token_hash(token),
        created_by_id=user.id,
        created_at=now,
        expires_at=now + LIFETIME,
        status=OPEN,
    )
    db.session.add(link)
    db.session.flush()
    return link, token, replaced


def live_link(token: str) -> IntakeLink | None:
    """The open link for this token, or None: unknown, malformed, expired, used and revoked alike."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    link = db.session.scalars(select(IntakeLink).where(IntakeLink.token_hash == token_hash(token))).first()
    if link is None or link.status != OPEN or link.expires_at <= utcnow():
        return None
    return link


def too_many_submissions(clinic_id: int, ip: str) -> bool:
    limit = current_app.config["SELF_INTAKE_MAX_SUBMISSIONS_PER_IP"]
    since = utcnow() - SUBMISSION_WINDOW
    count = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.clinic_id == clinic_id,
            AuditEvent.at > since,
            AuditEvent.action == "intake_link.submit",
            AuditEvent.ip == ip,
        )
    )
    return count >= limit


def submit(link: IntakeLink, data: dict[str, Any]) -> bool:
    """Store the answers for review; False when the link died meanwhile (used, revoked, expired)."""
    now = utcnow()
    result = db.session.execute(
        update(IntakeLink)
        .where(IntakeLink.id == link.id, IntakeLink.status == OPEN, IntakeLink.expires_at > now)
        .values(status=SUBMITTED, submitted_at=now, submission=to_json(data))
    )
    return result.rowcount == 1


def _claim(link: IntakeLink, before: str, after: str, user: User) -> None:
    result = db.session.execute(
        update(IntakeLink)
        .where(IntakeLink.id == link.id, IntakeLink.status == before)
        .values(status=after, reviewed_at=utcnow(), reviewed_by_id=user.id)
    )
    if result.rowcount != 1:
        raise LinkStateError()


def revoke(link: IntakeLink, user: User) -> None:
    _claim(link, OPEN, REVOKED, user)


def reject(link: IntakeLink, user: User) -> None:
    _claim(link, SUBMITTED, REJECTED, user)


def submission_data(link: IntakeLink, current: HealthRecord | None, today: date) -> dict[str, Any]:
    """The client's answers as they would enter the record today.

    A doctor's clearance is the clinic's fact, not the client's (their form does not ask it): it is
    kept for a condition the current version marks cleared and the client reports again. Weeks of
    pregnancy are counted on from the day the client sent the form.
    """
    data = services.json_data(link.submission or {})
    cleared = {
        entry["code"]: entry.get("clearance_document")
        for entry in services.record_data(current)["conditions"]
        if entry.get("cleared")
    }
    sent_on = link.submitted_at.date() if link.submitted_at else today
    for entry in data["conditions"]:
        if entry["code"] in cleared:
            entry["cleared"] = True
            if cleared[entry["code"]] is not None:  # and the letter that holds it
                entry["clearance_document"] = cleared[entry["code"]]
        if entry.get("weeks"):
            entry["weeks"] = projected_weeks(entry["weeks"], sent_on, today)
    return normalise(data, today)


def accept(
    link: IntakeLink, client: Client, user: User, today: date, based_on: int | None = None
) -> HealthRecord:
    """The submission becomes the next version (source "self_intake", made by the accepting user).

    :param based_on: the version the reviewer compared it with; a newer one raises EditConflict.
    """
    _claim(link, SUBMITTED, ACCEPTED, user)
    data = submission_data(link, services.current_record(client.id), today)
    record = services.record_from_form(client, user, data, "self_intake", based_on=based_on, today=today)
    db.session.execute(update(IntakeLink).where(IntakeLink.id == link.id).values(health_record_id=record.id))
    return record


def client_link(client: Client, link_id: int) -> IntakeLink | None:
    """The client's link with this id, or None."""
    return db.session.scalars(
        select(IntakeLink).where(
            IntakeLink.id == link_id,
            IntakeLink.client_id == client.id,
            IntakeLink.clinic_id == client.clinic_id,
        )
    ).first()


def waiting_review(client_id: int) -> list[IntakeLink]:
    """The client's submitted forms no one has reviewed yet, oldest first."""
    query = select(IntakeLink).where(IntakeLink.client_id == client_id, IntakeLink.status == SUBMITTED)
    return list(db.session.scalars(query.order_by(IntakeLink.submitted_at)))


def recent_links(client_id: int, limit: int = 3) -> list[IntakeLink]:
    query = select(IntakeLink).where(IntakeLink.client_id == client_id)
    query = query.order_by(IntakeLink.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def state(link: IntakeLink, now: datetime | None = None) -> str:
    """The status as people think of it: an open link past its date is "expired"."""
    if link.status == OPEN and link.expires_at <= (now or utcnow()):
        return "expired"
    return link.status


STATE_LABELS = {
    OPEN: "Sent, not filled in yet",
    "expired": "Expired without an answer",
    SUBMITTED: "Filled in: waiting for a therapist's review",
    ACCEPTED: "Accepted into the health history",
    REJECTED: "Reviewed and not accepted",
    REVOKED: "Cancelled",
}
