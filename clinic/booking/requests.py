"""A booking request: asked for on the public page, confirmed from the e-mail, then booked.

The e-mail proves the address is the client's; only then is the address matched to a client (so the
public page answers the same whether or not an address is known), a new client created when the clinic
takes new clients online, and the appointment booked by the staff booking's own service (the database
still refuses a double booking; a slot lost meanwhile offers the next free ones). Services flush, never
commit.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..clients.services import create_client
from ..clock import utcnow
from ..extensions import db
from ..messages import notices
from ..messages.outbox import queue
from ..models import Appointment, BookingRequest, Client, Clinic, Service, User
from ..models.schedule import ACTIVE_STATUSES
from ..rules.online_booking import CONFIRM_WITHIN, in_window, needs_approval, refusal
from ..schedule.booking import OutsideHours, SlotTaken, book
from .policy import policy

PER_ADDRESS_PER_HOUR = 3  # more requests for one address in an hour are taken but not e-mailed
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ask(clinic: Clinic, service: Service, therapist: User, start: datetime, details: dict) -> BookingRequest:
    """Record the request and queue its e-mail (unless this address asked too often: same answer)."""
    now = utcnow()
    email = details["email"].strip().lower()
    recent = db.session.scalar(
        select(func.count()).where(
            BookingRequest.clinic_id == clinic.id,
            BookingRequest.email == email,
            BookingRequest.created_at > now - timedelta(hours=1),
        )
    )
    request = BookingRequest(
        clinic_id=clinic.id,
        service_id=service.id,
        therapist_id=therapist.id,
        start_at=start,
        first_name=details["first_name"].strip(),
        last_name=details["last_name"].strip(),
        email=email,
        phone=(details.get("phone") or "").strip(),
        token_hash=token_hash(secrets.token_urlsafe(32)),  # replaced when the e-mail is sent
        created_at=now,
        expires_at=now + CONFIRM_WITHIN,
    )
    db.session.add(request)
    db.session.flush()
    if recent < PER_ADDRESS_PER_HOUR:
        queue(
            "booking_request",
            clinic,
            address=email,
            context={"request_id": request.id, "name": request.first_name},
            dedupe_key=f"booking_request:{request.id}",
        )
    return request


def issue_link(request: BookingRequest) -> str:
    """The confirmation token, made when the e-mail is sent; it works for CONFIRM_WITHIN from then."""
    token = secrets.token_urlsafe(32)
    request.token_hash = token_hash(token)
    request.expires_at = utcnow() + CONFIRM_WITHIN
    db.session.flush()
    return token


def live(token: str) -> BookingRequest | None:
    """The pending request of this token, or None: malformed, unknown, used and expired alike."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    request = db.session.scalars(
        select(BookingRequest).where(BookingRequest.token_hash == token_hash(token))
    ).first()
    if request is None or request.outcome != "pending" or request.expires_at <= utcnow():
        return None
    return request


@dataclass(frozen=True)
class Outcome:
    status: str  # booked | awaiting (the clinic approves first) | refused | taken
    appointment: Appointment | None = None
    message: str = ""
    nearest: tuple[datetime, ...] = ()


def _client_for(request: BookingRequest) -> Client | None:
    return db.session.scalars(
        select(Client)
        .where(
            Client.clinic_id == request.clinic_id, Client.email == request.email, Client.archived_at.is_(None)
        )
        .order_by(Client.id.desc())
        .limit(1)
    ).first()


def _upcoming_online(client: Client) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(BookingRequest)
        .join(Appointment, Appointment.id == BookingRequest.appointment_id)
        .where(
            BookingRequest.client_id == client.id,
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.start_at > utcnow(),
        )
    )


def confirm(request: BookingRequest, clinic: Clinic, today, start: datetime | None = None) -> Outcome:
    """Book the request now (at `start`, one of the free times offered after a lost race), or say why not.

    Refused closes the request. Taken leaves it open for another time: the caller rolls back what this
    wrote (a new client included), so trying again starts clean."""
    rules = policy(clinic)
    now = utcnow()
    if start is not None:
        request.start_at = start
    request.confirmed_at = now
    client = _client_for(request)
    why = refusal(client is not None, _upcoming_online(client) if client else 0, rules)
    local_day = request.start_at.astimezone(clinic.tz).date()
    if why is None and not (rules.enabled and request.service_id in rules.service_ids):
        why = "The clinic has stopped taking this booking online. Please call to book."
    if why is None and not in_window(request.start_at, now, today, local_day, rules):
        why = "That time is now too close (or too far ahead) to book online. Please choose another time."
    if why is not None:
        request.outcome = "refused"
        return Outcome("refused", message=why)
    service = db.session.get(Service, request.service_id)
    therapist = db.session.get(User, request.therapist_id)
    is_new = client is None
    if is_new:
        client = create_client(
            clinic.id,
            {"first_name": request.first_name, "last_name": request.last_name, "email": request.email,
             "phone": request.phone, "referral_source": "Online booking"},
        )  # fmt: skip
    try:
        appointment = book(clinic, therapist, client, service, request.start_at, notes="Booked online")
    except SlotTaken as taken:
        nearest = tuple(
            s for s in taken.nearest if in_window(s, now, today, s.astimezone(clinic.tz).date(), rules)
        )
        return Outcome("taken", message="That time was booked by someone else a moment ago.", nearest=nearest)
    except OutsideHours:
        request.outcome = "refused"
        return Outcome("refused", message="That time is outside the clinic's hours. Please choose another.")
    request.appointment_id, request.client_id = appointment.id, client.id
    if needs_approval(not is_new, rules):
        # The time is held (a booked appointment) but nothing is confirmed to the client until the
        # clinic approves it (approvals.py); reminders wait too.
        request.outcome = "awaiting"
        return Outcome("awaiting", appointment)
    request.outcome = "booked"
    notices.booked_online(appointment, new_client=is_new)
    return Outcome("booked", appointment)
