"""Opening hours: the clinic's and each therapist's working hours, in the shape the scheduling rules take.

A therapist without hours of their own works whenever the clinic is open; with hours, they work where
their hours and the clinic's overlap. A clinic that has not set any hours yet puts no limit on booking
(nothing asks for confirmation) and the free-slot search looks between FALLBACK_HOURS.
"""

from collections.abc import Iterable
from datetime import time

from sqlalchemy import delete, select

from ..extensions import db
from ..models import WorkingHours

Hours = dict[int, list[tuple[time, time]]]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FALLBACK_HOURS: Hours = {day: [(time(8), time(20))] for day in range(7)}


def load(clinic_id: int, user_ids: Iterable[int] = ()) -> tuple[Hours, dict[int, Hours]]:
    """The clinic's hours and the given users' own hours, in one query."""
    ids = sorted(set(user_ids))
    query = select(WorkingHours).where(WorkingHours.clinic_id == clinic_id)
    query = (
        query.where(WorkingHours.user_id.is_(None) | WorkingHours.user_id.in_(ids))
        if ids
        else query.where(WorkingHours.user_id.is_(None))
    )
    clinic: Hours = {}
    own: dict[int, Hours] = {}
    for row in db.session.scalars(query.order_by(WorkingHours.weekday, WorkingHours.start_time)):
        target = clinic if row.user_id is None else own.setdefault(row.user_id, {})
        target.setdefault(row.weekday, []).append((row.start_time, row.end_time))
    return clinic, own


def effective(clinic: Hours, own: Hours | None) -> Hours | None:
    """When a therapist can be booked without confirmation; None means no hours are set at all."""
    if not own:
        return clinic or None
    if not clinic:
        return own
    return {day: intersect(clinic.get(day, []), own.get(day, [])) for day in range(7)}


def for_therapist(clinic_id: int, therapist_id: int) -> Hours | None:
    clinic, own = load(clinic_id, [therapist_id])
    return effective(clinic, own.get(therapist_id))


def intersect(a: list[tuple[time, time]], b: list[tuple[time, time]]) -> list[tuple[time, time]]:
    out = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                out.append((start, end))
    return sorted(out)


def search_hours(hours: Hours | None) -> Hours:
    """Where to look for free slots: the hours, or the fallback window when none are set."""
    return hours if hours else FALLBACK_HOURS


def save(clinic_id: int, user_id: int | None, hours: Hours) -> None:
    """Replace the clinic's (user_id None) or a therapist's hours; an empty mapping clears them."""
    owner = WorkingHours.user_id.is_(None) if user_id is None else WorkingHours.user_id == user_id
    db.session.execute(delete(WorkingHours).where(WorkingHours.clinic_id == clinic_id, owner))
    for weekday, intervals in sorted(hours.items()):
        for start, end in intervals:
            db.session.add(
                WorkingHours(
                    clinic_id=clinic_id, user_id=user_id, weekday=weekday, start_time=start, end_time=end
                )
            )
    db.session.flush()


def describe(hours: Hours | None) -> list[tuple[str, str]]:
    """("Monday", "09:00–13:00, 14:00–18:00") for each weekday, "closed" when it has none."""
    rows = []
    for day, name in enumerate(WEEKDAYS):
        intervals = (hours or {}).get(day, [])
        text = ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in intervals) if intervals else "closed"
        rows.append((name, text))
    return rows
