"""Booking, rescheduling and status changes. Services flush, never commit.

The database has the last word on overlaps (PostgreSQL exclusion constraint, SQLite trigger): the check
made here first only gives a friendlier answer; two requests racing for one slot both pass it, and the
second insert is refused by the database and reported as SlotTaken, like the check would have
(slot_guard.py: one writer per therapist's calendar, deadlocks retried, never an error page).

Each operation writes its own audit row (log()) when it is told who does it (`created_by` of book(),
`by` of the others): a staff member's change. The portal and the online booking pass nobody and write
rows of their own (portal.appointment_move, booking.confirm, ...).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..access import CLINICAL_ROLES
from ..clock import utcnow
from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Client, Clinic, Service, User
from ..rules.scheduling import (
    day_label,
    local_instant,
    nearest_free_slots,
    skipped_wall_time,
    unlikely_date,
    within_hours,
)
from ..web.request_numbers import as_id
from . import hours as opening
from .slot_guard import Overlap, write_slots

STEP_MINUTES = 5  # the calendar's grid: starts and durations fall on it
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
BOOKABLE_ROLES = CLINICAL_ROLES
# status -> the statuses it may be reached from; cancelled and no-show are final (book again instead)
TRANSITIONS = {
    "arrived": ("booked",),
    "completed": ("booked", "arrived"),
    "no_show": ("booked",),
    "cancelled": ("booked", "arrived"),
}
# A cancel can be taken back for this long (a wrong row tapped at the desk); the client's cancellation
# e-mail waits a little longer, so an undone cancel never reaches them (messages/notices.py).
UNDO_CANCEL = timedelta(minutes=10)
AUDIT_ACTIONS = {
    "arrived": "appointment.arrived",
    "completed": "appointment.complete",
    "no_show": "appointment.no_show",
    "cancelled": "appointment.cancel",
}


_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r"} | {127: None}


def clean_text(value: object) -> str:
    """Typed text without control characters (PostgreSQL refuses NUL in text; none of them is ever meant)."""
    return str(value or "").translate(_CONTROL)


class BookingError(ValueError):
    """Bad input: the message says what to fix, `field` which field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotInClinic(LookupError):
    """An id that is not one of this clinic's records (missing, or another clinic's): a 404."""


class OutsideHours(Exception):
    """The time is outside opening or working hours and nobody confirmed booking it anyway."""


class UnlikelyDate(Exception):
    """The time looks like a slip (rules.scheduling.unlikely_date) and nobody confirmed it; str() says why."""


def confirm_date(start: datetime, confirmed: bool) -> None:
    """UnlikelyDate unless the date is likely or the person booking said it is right."""
    why = None if confirmed else unlikely_date(start, utcnow())
    if why:
        raise UnlikelyDate(why)


class SlotTaken(Exception):
    """The therapist is busy then; `nearest` holds the nearest free starts (UTC)."""

    def __init__(self, nearest: list[datetime]) -> None:
        super().__init__("slot taken")
        self.nearest = nearest


class Stale(Exception):
    """Someone changed the appointment after this form was opened, or its status does not allow it."""


def in_calendar(day: date) -> bool:
    """Whether a date is one the calendar works with (far-off years would overflow date arithmetic)."""
    return FIRST_DAY <= day <= LAST_DAY


def local_start(day: date, time_of_day: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock start, refused unless it is on the 5-minute grid."""
    if not in_calendar(day):
        raise BookingError(f"Choose a date between {FIRST_DAY.year} and {LAST_DAY.year}.", "date")
    if time_of_day.minute % STEP_MINUTES or time_of_day.second or time_of_day.microsecond:
        raise BookingError(f"Start times go in steps of {STEP_MINUTES} minutes, e.g. 10:00 or 10:05.", "time")
    gap = skipped_wall_time(day, time_of_day, tz)
    if gap is not None:
        raise BookingError(
            f"{time_of_day:%H:%M} does not exist on {day_label(day)}: the clocks go forward from "
            f"{gap.starts:%H:%M} to {gap.ends:%H:%M}. Choose a time before {gap.starts:%H:%M} "
            f"or from {gap.ends:%H:%M}.",
            "time",
        )
    return local_instant(day, time_of_day.replace(tzinfo=None), tz)


def parse_start(value: object, tz: ZoneInfo) -> datetime:
    """An ISO datetime: local wall time in the clinic's zone, or with an offset (then taken as given)."""
    if not isinstance(value, str) or len(value) > 40:
        raise BookingError("Give the start as an ISO date and time, e.g. 2026-03-30T10:00.", "start")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BookingError(
            "Give the start as an ISO date and time, e.g. 2026-03-30T10:00.", "start"
        ) from None
    if not in_calendar(parsed.date()):  # before converting: year 1 or 9999 would overflow
        raise BookingError(f"Choose a date between {FIRST_DAY.year} and {LAST_DAY.year}.", "start")
    start = parsed.astimezone(UTC) if parsed.tzinfo else None
    wall = start.astimezone(tz) if start else parsed
    try:
        local = local_start(wall.date(), wall.time(), tz)  # the same 5-minute grid as the form
    except BookingError as error:
        raise BookingError(str(error), "start") from None
    return start or local


def bookable_therapists(clinic_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.clinic_id == clinic_id, User.active.is_(True), User.role.in_(BOOKABLE_ROLES))
            .order_by(User.role.desc(), User.name)  # therapists before owners
        )
    )


def get_therapist(clinic_id: int, user_id: object) -> User:
    user = _get(User, clinic_id, user_id, "therapist")
    if user.role not in BOOKABLE_ROLES or not user.active:
        raise BookingError("Choose a therapist who can be booked.", "therapist")
    return user


def get_client(clinic_id: int, client_id: object) -> Client:
    client = _get(Client, clinic_id, client_id, "client")
    if client.archived_at is not None:
        raise BookingError("This client is archived: restore them before booking.", "client")
    return client


def get_service(clinic_id: int, service_id: object) -> Service:
    service = _get(Service, clinic_id, service_id, "service")
    if not service.active:
        raise BookingError("This service is no longer offered: choose another.", "service")
    return service


def _get(model, clinic_id: int, object_id: object, field: str):
    if object_id is None or (isinstance(object_id, str) and not object_id.strip()):
        raise BookingError(f"Choose a {field} from the list.", field)
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        try:
            int(str(object_id).strip())
        except ValueError:
            raise BookingError(f"Choose a {field} from the list.", field) from None
    object_id = as_id(object_id)
    if object_id is None:  # a number, but no record can have it
        raise NotInClinic(field)
    found = db.session.scalars(
        select(model).where(model.clinic_id == clinic_id, model.id == object_id)
    ).first()
    if found is None:
        raise NotInClinic(field)
    return found


def busy_intervals(therapist_id: int, start: datetime, end: datetime, exclude_id: int | None = None):
    """The therapist's active appointments that reach into [start, end), as (start, end) pairs."""
    query = select(Appointment.start_at, Appointment.end_at).where(
        Appointment.therapist_id == therapist_id,
        Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.start_at < end,
        Appointment.end_at > start,
    )
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    return [(s, e) for s, e in db.session.execute(query)]


def nearest_free(
    clinic: Clinic,
    therapist_id: int,
    start: datetime,
    duration: timedelta,
    exclude_id: int | None = None,
    count: int = 3,
) -> list[datetime]:
    """The nearest free starts of this therapist within their hours, from now on."""
    search_days = 14
    window_start = start - timedelta(days=1)
    busy = busy_intervals(therapist_id, window_start, start + timedelta(days=search_days + 2), exclude_id)
    hours = opening.search_hours(opening.for_therapist(clinic.id, therapist_id))
    return nearest_free_slots(
        start, duration, busy, hours, clinic.tz, count=count, search_days=search_days, not_before=utcnow()
    )


def is_within_hours(clinic: Clinic, therapist_id: int, start: datetime, end: datetime) -> bool:
    hours = opening.for_therapist(clinic.id, therapist_id)
    return hours is None or within_hours(start, end, hours, clinic.tz)


def book(
    clinic: Clinic,
    therapist: User,
    client: Client,
    service: Service,
    start: datetime,
    *,
    notes: str = "",
    outside_hours_ok: bool = False,
    created_by: User | None = None,
    source_visit_id: int | None = None,
    check_hours: bool = True,
) -> Appointment:
    """A new booked appointment; OutsideHours, SlotTaken or BookingError when it cannot be.

    Audited as appointment.create when `created_by` (the staff member booking it) is given."""
    duration = timedelta(minutes=service.duration_minutes)
    end = start + duration
    if check_hours and not outside_hours_ok and not is_within_hours(clinic, therapist.id, start, end):
        raise OutsideHours()
    if busy_intervals(therapist.id, start, end):
        raise SlotTaken(nearest_free(clinic, therapist.id, start, duration))
    appointment = Appointment(
        clinic_id=clinic.id,
        therapist_id=therapist.id,
        client_id=client.id,
        service_id=service.id,
        start_at=start,
        end_at=end,
        status="booked",
        notes=clean_text(notes).strip(),
        created_by_id=created_by.id if created_by else None,
        source_visit_id=source_visit_id,
    )
    _guarded_flush(clinic, lambda: db.session.add(appointment), therapist.id, start, duration)
    if created_by is not None:
        log("appointment.create", appointment, created_by)
    return appointment


def reschedule(
    clinic: Clinic,
    appointment: Appointment,
    therapist: User,
    service: Service,
    start: datetime,
    *,
    seen_version: int | None,
    outside_hours_ok: bool = False,
    by: User | None = None,
) -> None:
    """Move an appointment (time, therapist, service); nothing changes when it cannot be moved.
    Audited as appointment.reschedule when `by` is given."""
    _check_version(appointment, seen_version)
    if appointment.status != "booked":
        raise Stale()
    duration = timedelta(minutes=service.duration_minutes)
    end = start + duration
    if not outside_hours_ok and not is_within_hours(clinic, therapist.id, start, end):
        raise OutsideHours()
    if busy_intervals(therapist.id, start, end, exclude_id=appointment.id):
        raise SlotTaken(nearest_free(clinic, therapist.id, start, duration, exclude_id=appointment.id))

    def move():
        appointment.therapist_id, appointment.service_id = therapist.id, service.id
        appointment.start_at, appointment.end_at = start, end

    _guarded_flush(clinic, move, therapist.id, start, duration, exclude_id=appointment.id)
    if by is not None:
        log("appointment.reschedule", appointment, by)


def set_status(
    appointment: Appointment,
    status: str,
    *,
    seen_version: int | None,
    reason: str = "",
    by: User | None = None,
) -> None:
    """Arrived, completed, no-show or cancelled (with a reason); Stale when the status does not allow it.
    Audited (AUDIT_ACTIONS) when `by` is given."""
    if status not in TRANSITIONS:
        raise BookingError("Unknown status.", "status")
    _check_version(appointment, seen_version)
    if appointment.status not in TRANSITIONS[status]:
        raise Stale()
    if status == "cancelled":
        reason = clean_text(reason).strip()
        if not reason:
            raise BookingError("Say why the appointment is cancelled.", "reason")
        if len(reason) > 200:
            raise BookingError("Keep the reason under 200 characters.", "reason")
        appointment.cancel_reason = reason
    appointment.status = status
    try:
        db.session.flush()
    except StaleDataError:
        raise Stale() from None
    if by is not None:
        log(AUDIT_ACTIONS[status], appointment, by)


def can_undo_cancel(appointment: Appointment, now: datetime) -> bool:
    """A cancel of the last few minutes, of an appointment still ahead (whether its time is still free
    is the database's to say, in undo_cancel)."""
    return (
        appointment.status == "cancelled"
        and appointment.updated_at > now - UNDO_CANCEL
        and appointment.end_at > now
    )


def undo_cancel(
    clinic: Clinic, appointment: Appointment, *, seen_version: int | None, by: User | None = None
) -> None:
    """Booked again, as it was: Stale when the window has passed, SlotTaken when the time was given away.
    Audited as appointment.undo_cancel when `by` is given."""
    _check_version(appointment, seen_version)
    if not can_undo_cancel(appointment, utcnow()):
        raise Stale()

    def restore():
        appointment.status, appointment.cancel_reason = "booked", ""

    duration = appointment.end_at - appointment.start_at
    _guarded_flush(clinic, restore, appointment.therapist_id, appointment.start_at, duration, appointment.id)
    if by is not None:
        log("appointment.undo_cancel", appointment, by)


def log(action: str, appointment: Appointment, user: User | None = None) -> None:
    """The appointment's audit row: the action, the appointment and its client (ids only)."""
    audit.record(
        action,
        object_type="appointment",
        object_id=appointment.id,
        client_id=appointment.client_id,
        user=user,
    )


def _check_version(appointment: Appointment, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != appointment.version:
        raise Stale()


def _guarded_flush(
    clinic: Clinic,
    change,
    therapist_id: int,
    start: datetime,
    duration: timedelta,
    exclude_id: int | None = None,
) -> None:
    """Apply `change` where the database has the last word on overlaps (slot_guard.write_slots)."""
    try:
        write_slots(therapist_id, change)
    except Overlap:
        raise SlotTaken(nearest_free(clinic, therapist_id, start, duration, exclude_id=exclude_id)) from None
    except StaleDataError:
        raise Stale() from None
