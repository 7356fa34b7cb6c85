"""Follow-ups from a visit's recommended frequency: propose the series, then book it all or nothing.

The lead's visit page calls these too: propose_follow_ups(visit, recommendation) and book_series(...).
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..clock import clinic_today
from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Client, Clinic, Service, User, Visit
from ..rules.follow_ups import covered_dates
from ..rules.scheduling import ProposedSlot, day_label, day_start, propose_series
from ..schedule import hours as opening
from ..schedule.booking import OutsideHours, busy_intervals, in_calendar, is_within_hours, log
from ..schedule.catalogue import active_services, default_service
from ..schedule.slot_guard import Overlap, write_slots

DEFAULT_TIME = time(10)
SEARCH_DAYS = 14


class SeriesTaken(Exception):
    """A slot of the series is taken (`index` when known): nothing was booked."""

    def __init__(self, index: int | None = None) -> None:
        super().__init__("series slot taken")
        self.index = index


def recommendation_of(visit: Visit) -> dict | None:
    """The therapist's chosen plan, else the recommendation; None when the visit has neither."""
    frequency = visit.frequency or {}
    plan = frequency.get("chosen") or frequency.get("recommended")
    return plan if isinstance(plan, dict) else None


def plan_dates(recommendation: dict | None) -> list[date]:
    """The proposed dates, sorted, without repeats; unreadable entries are skipped."""
    dates = set()
    for value in (recommendation or {}).get("proposed_dates") or []:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            continue
        if in_calendar(day):
            dates.add(day)
    return sorted(dates)


def usual_time(visit: Visit, tz) -> time:
    """The visit's appointment time; else the client's latest appointment time; else 10:00."""
    query = select(Appointment.start_at).where(Appointment.clinic_id == visit.clinic_id)
    if visit.appointment_id:
        query = query.where(Appointment.id == visit.appointment_id)
    else:
        query = query.where(Appointment.client_id == visit.client_id, Appointment.status.in_(ACTIVE_STATUSES))
    start = db.session.scalar(query.order_by(Appointment.start_at.desc()).limit(1))
    return start.astimezone(tz).time().replace(second=0, microsecond=0) if start else DEFAULT_TIME


def follow_up_service(visit: Visit) -> Service | None:
    """The service of the visit's appointment if still offered, else the usual 60-minute one."""
    services = active_services(visit.clinic_id)
    if visit.appointment_id:
        service_id = db.session.scalar(
            select(Appointment.service_id).where(Appointment.id == visit.appointment_id)
        )
        match = next((s for s in services if s.id == service_id), None)
        if match:
            return match
    return default_service(services)


def propose_follow_ups(
    visit: Visit, recommendation: dict | None, service: Service | None = None, today: date | None = None
) -> list[ProposedSlot]:
    """The recommended dates at the usual time, moved off conflicts and closed days (propose_series)."""
    clinic = db.session.get(Clinic, visit.clinic_id)
    tz = clinic.tz
    service = service or follow_up_service(visit)
    today = today or clinic_today(clinic)
    dates = plan_dates(recommendation)
    if service is None or not dates:
        return [ProposedSlot(d, None, None, "not placed: the clinic has no active service") for d in dates]
    future = [d for d in dates if d >= today]
    covered = _covered_by_diary(visit, future, (recommendation or {}).get("interval_days"), today, tz)
    future = [d for d in future if d not in covered]
    busy = []
    if future:
        window_start = day_start(future[0] - timedelta(days=1), tz)
        window_end = day_start(future[-1] + timedelta(days=SEARCH_DAYS + 2), tz)
        busy = busy_intervals(visit.therapist_id, window_start, window_end)
    hours = opening.search_hours(opening.for_therapist(clinic.id, visit.therapist_id))
    placed = (
        propose_series(
            future,
            usual_time(visit, tz),
            timedelta(minutes=service.duration_minutes),
            busy,
            hours,
            tz,
            search_days=SEARCH_DAYS,
        )
        if future
        else []
    )
    by_date = {slot.original_date: slot for slot in placed} | covered
    return [by_date.get(d) or ProposedSlot(d, None, None, "not placed: the date has passed") for d in dates]


def _covered_by_diary(visit: Visit, dates: list[date], interval_days, today: date, tz) -> dict:
    """{date: a slot saying "already booked"} for the dates the client's appointments already cover.

    Every active appointment from today counts, whoever booked it and with whichever therapist."""
    if not dates:
        return {}
    since = day_start(today, tz)
    starts = [
        start.astimezone(tz)
        for start in db.session.scalars(
            select(Appointment.start_at)
            .where(
                Appointment.clinic_id == visit.clinic_id,
                Appointment.client_id == visit.client_id,
                Appointment.status.in_(ACTIVE_STATUSES),
                Appointment.start_at >= since,
            )
            .order_by(Appointment.start_at)
        )
    ]
    interval = interval_days if isinstance(interval_days, int) else None
    covered = covered_dates(dates, [start.date() for start in starts], interval)
    by_day = {start.date(): start for start in starts}
    return {
        wanted: ProposedSlot(wanted, None, None, f"already booked: {day_label(day)}, {by_day[day]:%H:%M}")
        for wanted, day in covered.items()
    }


def booked_from(visit: Visit) -> list[Appointment]:
    """Active appointments already booked from this visit."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.clinic_id == visit.clinic_id,
                Appointment.source_visit_id == visit.id,
                Appointment.status.in_(ACTIVE_STATUSES),
            )
            .order_by(Appointment.start_at)
        )
    )


def book_series(
    visit: Visit,
    starts: list[datetime],
    service: Service,
    created_by: User | None,
    outside_hours_ok: bool = False,
) -> list[Appointment]:
    """Book every start for the visit's therapist and client in one savepoint: all or nothing.

    OutsideHours when a start is outside hours and not confirmed; SeriesTaken when one is busy.
    Each appointment is audited as appointment.create when `created_by` is given.
    """
    clinic = db.session.get(Clinic, visit.clinic_id)
    client = db.session.get(Client, visit.client_id)
    if client is None or client.archived_at is not None:
        raise ValueError("the client is archived")
    duration = timedelta(minutes=service.duration_minutes)
    if not outside_hours_ok:
        for start in starts:
            if not is_within_hours(clinic, visit.therapist_id, start, start + duration):
                raise OutsideHours()
    ordered = sorted(starts)
    for index, start in enumerate(starts):
        if busy_intervals(visit.therapist_id, start, start + duration):
            raise SeriesTaken(index)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later < earlier + duration:
            raise SeriesTaken(starts.index(later))
    made = [
        Appointment(
            clinic_id=clinic.id,
            therapist_id=visit.therapist_id,
            client_id=visit.client_id,
            service_id=service.id,
            start_at=start,
            end_at=start + duration,
            status="booked",
            source_visit_id=visit.id,
            created_by_id=created_by.id if created_by else None,
        )
        for start in starts
    ]
    try:
        write_slots(visit.therapist_id, lambda: db.session.add_all(made))
    except Overlap:
        raise SeriesTaken() from None
    if created_by is not None:
        for appointment in made:
            log("appointment.create", appointment, created_by)
    return made
