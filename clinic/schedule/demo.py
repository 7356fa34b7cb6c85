"""The demo clinic's calendar: services, hours, three weeks of history and two weeks ahead, about 60% full."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..models import Appointment, Client, Clinic, Service, User
from ..rules.scheduling import local_instant
from . import hours as opening

SERVICES = (("Trigger point therapy, short", 30), ("Trigger point therapy", 60), ("Extended session", 90))
CLINIC_HOURS = {**{d: [(time(9), time(18))] for d in range(5)}, 5: [(time(9), time(13))]}
# Each therapist's week, by their order in the staff list; further therapists work the clinic's hours.
THERAPIST_HOURS = (
    {d: [(time(9), time(17))] for d in range(5)},
    {**{d: [(time(10), time(18))] for d in range(1, 5)}, 5: [(time(9), time(13))]},
)
CANCEL_REASONS = ("Client unwell", "Work commitment", "Rebooked by phone", "Childcare fell through")
PAST_DAYS, AHEAD_DAYS = 21, 14
RECALL_DEMO = 5


def add_calendar(
    clinic: Clinic, staff_by_role: dict[str, list[User]], clients: list[Client], today: date
) -> int:
    """Add the calendar to the demo clinic; returns the number of appointments. Never overlapping."""
    rng = random.Random(clinic.id * 7919)  # noqa: S311 (demo data, not security)
    services = [
        Service(clinic_id=clinic.id, name=name, duration_minutes=minutes) for name, minutes in SERVICES
    ]
    db.session.add_all(services)
    db.session.flush()
    # Online booking on, for the first two services, so a trial can try the client's side too.
    clinic.settings = {
        **(clinic.settings or {}),
        "online_booking": {"enabled": True, "service_ids": [s.id for s in services[:2]]},
        "messages": {
            **(clinic.settings or {}).get("messages", {}),
            "emergency_number": "999",
            "urgent_care_number": "111",
        },
    }
    opening.save(clinic.id, None, CLINIC_HOURS)
    therapists = staff_by_role.get("therapist", [])
    for therapist, week in zip(therapists, THERAPIST_HOURS, strict=False):
        opening.save(clinic.id, therapist.id, week)
    db.session.flush()
    active = [c for c in clients if c.archived_at is None]
    if not active or not therapists:
        return 0
    now = utcnow()
    # A few clients past their due date get nothing booked from today on, so the recall list and the
    # desk's "due for a recall" count have someone to call in a trial.
    to_call = set(
        db.session.scalars(
            select(Client.id)
            .where(Client.clinic_id == clinic.id, Client.due_on < today, Client.archived_at.is_(None))
            .order_by(Client.due_on, Client.id)
            .limit(RECALL_DEMO)
        )
    )
    made = []
    for offset in range(-PAST_DAYS, AHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        bookable = active if offset < 0 else [c for c in active if c.id not in to_call]
        used: set[int] = set()  # one appointment per client per day
        for index, therapist in enumerate(therapists):
            week = THERAPIST_HOURS[index] if index < len(THERAPIST_HOURS) else CLINIC_HOURS
            for start_time, end_time in week.get(day.weekday(), []):
                hours = (day, start_time, end_time)
                made += _fill(rng, clinic, therapist, *hours, services, bookable, used, now)
    db.session.add_all(made)
    db.session.flush()
    return len(made)


def _fill(
    rng, clinic, therapist, day, start_time, end_time, services, clients, used, now
) -> list[Appointment]:
    """Walk through one working interval, booking about 60% of it."""
    tz = clinic.tz
    cursor = datetime.combine(day, start_time)
    close = datetime.combine(day, end_time)
    out = []
    while True:
        service = rng.choices(services, weights=(2, 6, 2))[0]
        length = timedelta(minutes=service.duration_minutes)
        if cursor + length > close:
            break
        if rng.random() < 0.38:  # a gap: free time the desk can book
            cursor += timedelta(minutes=rng.choice((15, 30, 30, 60)))
            continue
        candidates = [c for c in clients if c.id not in used]
        if not candidates:
            break
        client = rng.choice(candidates)
        used.add(client.id)
        start = local_instant(day, cursor.time(), tz)
        end = start + length
        out.append(
            Appointment(
                clinic_id=clinic.id,
                therapist_id=therapist.id,
                client_id=client.id,
                service_id=service.id,
                start_at=start,
                end_at=end,
                created_by_id=therapist.id,
                **_status(rng, start, end, now),
            )
        )
        cursor += length + timedelta(minutes=rng.choice((0, 0, 0, 15)))
    return out


def _status(rng, start: datetime, end: datetime, now: datetime) -> dict:
    roll = rng.random()
    if roll < 0.05:
        return {"status": "cancelled", "cancel_reason": rng.choice(CANCEL_REASONS)}
    if end <= now:
        return {"status": "no_show"} if roll < 0.09 else {"status": "completed"}
    if start <= now:
        return {"status": "arrived"}
    return {"status": "booked", "notes": "Prefers the ground-floor room" if roll > 0.97 else ""}
