"""Free online slots, computed by the staff booking's rules (hours, existing bookings) for one day."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..models import Clinic, Service, User
from ..rules.online_booking import BookingPolicy, earliest_start
from ..rules.scheduling import free_starts_on, local_instant
from ..schedule import hours as opening
from ..schedule.booking import bookable_therapists, busy_intervals


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    therapist_id: int


def slot_start(value) -> datetime | None:
    """A start as a page posts it back (an ISO time with its offset), or None when it is not one."""
    try:
        start = datetime.fromisoformat(value) if isinstance(value, str) and len(value) < 40 else None
    except ValueError:
        return None
    return start if start is not None and start.tzinfo is not None else None


def online_services(clinic: Clinic, policy: BookingPolicy) -> list[Service]:
    if not policy.service_ids:
        return []
    return list(
        db.session.scalars(
            select(Service)
            .where(
                Service.clinic_id == clinic.id, Service.active.is_(True), Service.id.in_(policy.service_ids)
            )
            .order_by(Service.name)
        )
    )


def free_slots(
    clinic: Clinic, service: Service, therapists: list[User], day: date, policy: BookingPolicy
) -> list[Slot]:
    """Each free start of `day` once, with the first of `therapists` free then ("anyone" lists several)."""
    duration = timedelta(minutes=service.duration_minutes)
    start = local_instant(day, time(0), clinic.tz)
    end = local_instant(day + timedelta(days=1), time(0), clinic.tz)
    not_before = earliest_start(utcnow(), policy)
    found: dict[datetime, int] = {}
    for therapist in therapists:
        hours = opening.for_therapist(clinic.id, therapist.id)
        if hours is None:
            continue  # no hours set: nothing to offer online (staff may still book by hand)
        busy = busy_intervals(therapist.id, start - duration, end + duration)
        for slot in free_starts_on(day, duration, busy, hours, clinic.tz, not_before=not_before):
            found.setdefault(slot, therapist.id)
    return [Slot(s, found[s]) for s in sorted(found)]


def therapists_for(clinic: Clinic, therapist_id: int | None) -> list[User]:
    everyone = bookable_therapists(clinic.id)
    if therapist_id is None:
        return everyone
    return [t for t in everyone if t.id == therapist_id]
