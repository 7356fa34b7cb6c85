"""What the portal shows and changes for the signed-in client: their own records, their clinic only.

Every query names the client and the clinic, so an id of someone else's record finds nothing (404).
Services flush, never commit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..clock import utcnow
from ..extensions import db
from ..messages import notices
from ..models import Appointment, BookingRequest, Client, Clinic, User, Visit
from ..rules.scheduling import day_label
from ..schedule import booking

DEFAULT_CANCEL_HOURS = 24
CANCEL_HOURS_CHOICES = (0, 2, 6, 12, 24, 48, 72)  # 0: clients cannot cancel online
CANCEL_REASON = "Cancelled by the client in the portal"
PAST_SHOWN = 10


def cancel_hours(clinic: Clinic) -> int:
    hours = ((clinic.settings or {}).get("portal") or {}).get("cancel_hours", DEFAULT_CANCEL_HOURS)
    return hours if hours in CANCEL_HOURS_CHOICES else DEFAULT_CANCEL_HOURS


def save_cancel_hours(clinic: Clinic, hours: int) -> None:
    if hours not in CANCEL_HOURS_CHOICES:
        raise ValueError(hours)
    settings = dict(clinic.settings or {})
    settings["portal"] = {**(settings.get("portal") or {}), "cancel_hours": hours}
    clinic.settings = settings  # a new dict, so the JSON column sees the change


@dataclass(frozen=True)
class Shown:
    appointment: Appointment
    when: str
    can_cancel: bool
    awaiting: bool = False  # an online booking the clinic has not approved yet


def _when(appointment: Appointment, clinic: Clinic) -> str:
    local = appointment.start_at.astimezone(clinic.tz)
    return f"{day_label(local.date())} at {local:%H:%M}"


def may_cancel(appointment: Appointment, clinic: Clinic, now: datetime) -> bool:
    hours = cancel_hours(clinic)
    return (
        hours > 0 and appointment.status == "booked" and appointment.start_at - now >= timedelta(hours=hours)
    )


def _appointments(client: Client):
    return (
        select(Appointment)
        .options(joinedload(Appointment.therapist), joinedload(Appointment.service))
        .where(Appointment.client_id == client.id, Appointment.clinic_id == client.clinic_id)
    )


def upcoming(client: Client, clinic: Clinic) -> list[Shown]:
    now = utcnow()
    rows = db.session.scalars(
        _appointments(client)
        .where(Appointment.start_at >= now, Appointment.status == "booked")
        .order_by(Appointment.start_at)
    ).all()
    held = _awaiting_approval([a.id for a in rows])
    return [Shown(a, _when(a, clinic), may_cancel(a, clinic, now), a.id in held) for a in rows]


def _awaiting_approval(appointment_ids: list[int]) -> set[int]:
    if not appointment_ids:
        return set()
    return set(
        db.session.scalars(
            select(BookingRequest.appointment_id).where(
                BookingRequest.appointment_id.in_(appointment_ids), BookingRequest.outcome == "awaiting"
            )
        )
    )


def past(client: Client, clinic: Clinic) -> list[Shown]:
    now = utcnow()
    rows = db.session.scalars(
        _appointments(client)
        .where((Appointment.start_at < now) | (Appointment.status != "booked"))
        .order_by(Appointment.start_at.desc())
        .limit(PAST_SHOWN)
    ).all()
    return [Shown(a, _when(a, clinic), False) for a in rows]


def own_appointment(client: Client, appointment_id: int) -> Appointment | None:
    return db.session.scalars(_appointments(client).where(Appointment.id == appointment_id)).first()


def signed_visits(client: Client) -> list[Visit]:
    return list(
        db.session.scalars(
            select(Visit)
            .where(
                Visit.client_id == client.id,
                Visit.clinic_id == client.clinic_id,
                Visit.signed_at.is_not(None),
            )
            .order_by(Visit.visit_date.desc())
            .limit(PAST_SHOWN)
        )
    )


def own_signed_visit(client: Client, visit_id: int, options=()) -> Visit | None:
    return db.session.scalars(
        select(Visit)
        .options(*options)
        .where(
            Visit.id == visit_id,
            Visit.client_id == client.id,
            Visit.clinic_id == client.clinic_id,
            Visit.signed_at.is_not(None),
        )
    ).first()


def cancel(appointment: Appointment, clinic: Clinic) -> None:
    """Cancel inside the clinic's window (booking.Stale when no longer possible); the client gets the
    usual cancellation e-mail as their record, and the slot is free for the calendar at once."""
    if not may_cancel(appointment, clinic, utcnow()):
        raise booking.Stale()
    booking.set_status(appointment, "cancelled", seen_version=None, reason=CANCEL_REASON)
    notices.appointment_cancelled(appointment, by=None)


def questionnaire_issuer(client: Client, clinic: Clinic) -> User | None:
    """Whose name a questionnaire link asked for in the portal goes out in (the portal has no staff member
    of its own): the therapist of the client's next appointment, who reviews it, else the clinic's owner."""
    therapist = db.session.scalars(
        select(User)
        .join(Appointment, Appointment.therapist_id == User.id)
        .where(
            Appointment.client_id == client.id,
            Appointment.clinic_id == clinic.id,
            Appointment.status == "booked",
            Appointment.start_at >= utcnow(),
            User.active.is_(True),
        )
        .order_by(Appointment.start_at)
        .limit(1)
    ).first()
    return (
        therapist
        or db.session.scalars(
            select(User)
            .where(User.clinic_id == clinic.id, User.role == "owner", User.active.is_(True))
            .order_by(User.id)
            .limit(1)
        ).first()
    )
