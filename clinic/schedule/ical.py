"""iCalendar: appointments as events, and the private feed tokens (only their SHA-256 is stored).

An event carries the time (UTC), the clinic's name and address, the service and the client's first
name: never a surname, a note, a cancellation reason or anything clinical, because a feed ends up in
phone calendars and their cloud copies. Cancelled appointments stay in the feed as STATUS:CANCELLED so
a calendar that already holds the event removes it.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select, update

from ..access import CLINICAL_ROLES
from ..clock import utcnow
from ..extensions import db
from ..models import Appointment, CalendarFeed, Clinic, User
from .calendar import appointments_between

PRODID = "-//Knotwork//Clinic calendar//EN"
FEED_ROLES = CLINICAL_ROLES  # who has a calendar of their own to subscribe to
FEED_PAST = timedelta(days=60)
FEED_FUTURE = timedelta(days=366)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.id}-{appointment.clinic_id}@knotwork"


def event(appointment: Appointment, clinic: Clinic) -> Event:
    item = Event()
    item.add("uid", uid(appointment))
    item.add("dtstamp", (appointment.updated_at or utcnow()).astimezone(UTC))
    item.add("dtstart", appointment.start_at.astimezone(UTC))
    item.add("dtend", appointment.end_at.astimezone(UTC))
    item.add("summary", f"{appointment.service.name}: {appointment.client.first_name}")
    item.add(
        "location", ", ".join(part for part in (clinic.name, clinic.address.replace("\n", ", ")) if part)
    )
    item.add("status", "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED")
    item.add("sequence", appointment.version)
    item.add("transp", "TRANSPARENT" if appointment.status in ("cancelled", "no_show") else "OPAQUE")
    return item


def calendar(appointments: list[Appointment], clinic: Clinic, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-published-ttl", "PT15M")
    for appointment in appointments:
        cal.add_component(event(appointment, clinic))
    return cal.to_ical()


def feed_appointments(user: User, now: datetime) -> list[Appointment]:
    """The therapist's appointments of the feed's window, cancelled ones too (as STATUS:CANCELLED)."""
    return appointments_between(user.clinic_id, now - FEED_PAST, now + FEED_FUTURE, [user.id])


def create_feed(user: User) -> tuple[CalendarFeed, str]:
    """A new private feed for `user`; their older feeds stop working. The token is shown once."""
    revoke_all(user)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(clinic_id=user.clinic_id, user_id=user.id, token_hash=token_hash(token))
    db.session.add(feed)
    db.session.flush()
    return feed, token


def revoke_all(user: User) -> int:
    """Stop every live feed of `user`; returns how many there were."""
    result = db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount


def revoke(feed: CalendarFeed) -> None:
    feed.revoked_at = feed.revoked_at or utcnow()
    db.session.flush()


def find_active(token: str) -> tuple[CalendarFeed, User] | None:
    """The live feed and its therapist for a token; None when unknown or revoked, or when its user is
    deactivated or no longer in a role with a calendar of their own (a feed is revoked too when the
    owner changes the role, deactivates or resets the password: this check is the second line)."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(CalendarFeed, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(
            CalendarFeed.token_hash == token_hash(token),
            CalendarFeed.revoked_at.is_(None),
            User.active.is_(True),
            User.role.in_(FEED_ROLES),
            User.clinic_id == CalendarFeed.clinic_id,
        )
    ).first()
    return (row[0], row[1]) if row else None


def active_feeds(clinic_id: int, user_id: int | None = None) -> list[tuple[CalendarFeed, User]]:
    query = (
        select(CalendarFeed, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.clinic_id == clinic_id, CalendarFeed.revoked_at.is_(None))
        .order_by(User.name)
    )
    if user_id is not None:
        query = query.where(CalendarFeed.user_id == user_id)
    return [(feed, user) for feed, user in db.session.execute(query)]
