"""The calendar grid: columns of (day, therapist), rows of 5 minutes, cells for appointments and free time.

Three queries whatever the number of appointments: therapists, hours, and appointments joined with
their clients and services. The grid is a table: an appointment is one cell spanning its rows, free
and closed time are cells of at most 15 minutes (each free one a link to book it).

How a column is cut into cells, and what each cell prints, is in cells.py.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Client, Service, User
from ..rules.scheduling import day_start
from . import hours as opening
from .booking import STEP_MINUTES
from .cells import HHMM, Booking, Cell, Column, Layout, minutes_of, past_rows

ROWS_PER_HOUR = 60 // STEP_MINUTES
DEFAULT_RANGE = (time(9), time(18))


@dataclass
class Grid:
    columns: list[Column]
    first: time
    row_count: int
    rows: list[list[Cell]]  # cells starting on each row, in column order
    off: list[Booking]  # cancelled and no-shows, listed under the grid
    now_row: int | None  # the row holding "now" when today is shown
    days: list[date]
    therapists: list[User]

    def label(self, row: int) -> str:
        minutes = self.first.hour * 60 + self.first.minute + row * STEP_MINUTES
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _window(clinic_id: int, start: datetime, end: datetime, therapist_ids: list[int]) -> tuple:
    """Appointments of the clinic starting in [start, end) with one of these therapists."""
    return (
        Appointment.clinic_id == clinic_id,
        Appointment.start_at >= start,
        Appointment.start_at < end,
        Appointment.therapist_id.in_(therapist_ids),
    )


def appointments_between(
    clinic_id: int, start: datetime, end: datetime, therapist_ids: list[int]
) -> list[Appointment]:
    """Appointments starting in [start, end) of these therapists, every status, with client and service
    loaded, by start: one query. The one place that asks for a therapist's appointments between two
    times (the calendar's API, the home page's day, the iCalendar feed)."""
    if not therapist_ids:
        return []
    return list(
        db.session.scalars(
            select(Appointment)
            .join(Appointment.client)
            .join(Appointment.service)
            .options(contains_eager(Appointment.client), contains_eager(Appointment.service))
            .where(*_window(clinic_id, start, end, therapist_ids))
            .order_by(Appointment.start_at, Appointment.id)
        ).unique()
    )


def bookings_between(
    clinic_id: int, start: datetime, end: datetime, therapist_ids: list[int], tz: ZoneInfo, url: str = ""
) -> list[Booking]:
    """What the grid shows of appointments_between, in one query of the columns it prints (whole ORM
    appointments and clients took a third of a busy week's time); `url` + id is an appointment's page."""
    if not therapist_ids:
        return []
    query = (
        select(
            Appointment.id,
            Appointment.therapist_id,
            Appointment.start_at,
            Appointment.end_at,
            Appointment.status,
            Appointment.cancel_reason,
            Client.first_name,
            Client.preferred_name,
            Client.last_name,
            Service.name,
        )
        .join(Client, Client.id == Appointment.client_id)
        .join(Service, Service.id == Appointment.service_id)
        .where(*_window(clinic_id, start, end, therapist_ids))
        .order_by(Appointment.start_at, Appointment.id)
    )
    bookings = []
    result = db.session.execute(query)
    for id_, therapist_id, start_at, end_at, status, reason, first, preferred, last, service in result:
        called = preferred or first  # as Client.called and Client.display_name
        local, local_end = start_at.astimezone(tz), end_at.astimezone(tz)
        bookings.append(
            Booking(
                id=id_,
                therapist_id=therapist_id,
                start_at=start_at,
                end_at=end_at,
                status=status,
                cancel_reason=reason or "",
                client_name=f"{called} {last}".strip(),
                client_short=f"{called} {last[:1]}.",
                service=service,
                start_local=local,
                start_time=HHMM[local.hour * 60 + local.minute],
                end_time=HHMM[local_end.hour * 60 + local_end.minute],
                href=f"{url}{id_}",
            )
        )
    return bookings


def build(
    clinic_id: int,
    tz: ZoneInfo,
    days: list[date],
    therapists: list[User],
    now: datetime,
    by_day: bool,
    trim: bool = False,
    book_url: str = "",
    appointment_url: str = "",
) -> Grid:
    """The grid for these days and therapists; `by_day` puts days outermost (week views); `trim` leaves
    out days when nobody works and nothing is booked (a closed Sunday). `book_url` is the booking form's
    address (url_for once): free cells link to it with the therapist, date and time as query arguments;
    `appointment_url` followed by an appointment's id is that appointment's page."""
    start = day_start(days[0], tz)
    end = day_start(days[-1] + timedelta(days=1), tz)
    appointments = bookings_between(clinic_id, start, end, [t.id for t in therapists], tz, appointment_url)
    clinic_hours, own = opening.load(clinic_id, [t.id for t in therapists])
    # owners appear as a column only when they work: hours of their own or appointments here
    busy_ids = {a.therapist_id for a in appointments}
    if len(therapists) > 1:
        therapists = [
            t for t in therapists if t.role != "owner" or t.id in own or t.id in busy_ids
        ] or therapists
    if trim:
        booked_days = {a.start_local.date() for a in appointments}
        working = [
            d
            for d in days
            if d in booked_days
            or any(
                (h := opening.effective(clinic_hours, own.get(t.id))) is None or h.get(d.weekday())
                for t in therapists
            )
        ]
        days = working or days
    pairs = (
        [(d, t) for d in days for t in therapists] if by_day else [(d, t) for t in therapists for d in days]
    )
    columns = []
    for day, therapist in pairs:
        hours = opening.effective(clinic_hours, own.get(therapist.id))
        columns.append(Column(day, therapist, None if hours is None else hours.get(day.weekday(), [])))

    active = [a for a in appointments if a.status in ACTIVE_STATUSES]
    first, last = _range(columns, active)
    row_count = (last - first) // STEP_MINUTES
    first_time = time(first // 60, first % 60)
    index = {(c.day, c.therapist.id): i for i, c in enumerate(columns)}
    placed: dict[int, list[Booking]] = {}
    for appointment in active:
        i = index.get((appointment.start_local.date(), appointment.therapist_id))
        if i is not None:
            placed.setdefault(i, []).append(appointment)
    now_local = now.astimezone(tz)
    rows: list[list[Cell]] = [[] for _ in range(row_count)]
    lanes = by_day and len(therapists) > 1  # the week of several therapists: a lane each within a day
    past = past_rows(days, first, row_count, tz, now, now_local)
    layout = Layout(first, row_count, book_url, past, lanes)
    for i, column in enumerate(columns):
        column.cells = layout.cells(i, column, placed.get(i, []), lanes and i % len(therapists) == 0)
        for cell in column.cells:
            rows[cell.row].append(cell)
    off = [a for a in appointments if a.status not in ACTIVE_STATUSES]
    now_minutes = now_local.hour * 60 + now_local.minute
    now_row = None
    if now_local.date() in days and first <= now_minutes < last:
        now_row = (now_minutes - first) // STEP_MINUTES
    return Grid(columns, first_time, row_count, rows, off, now_row, days, therapists)


def _range(columns: list[Column], active: list[Booking]) -> tuple[int, int]:
    """First and last minute of the day to show: opening hours and appointments, whole hours."""
    starts, ends = [], []
    for column in columns:
        for open_at, close_at in column.hours or []:
            starts.append(minutes_of(open_at))
            ends.append(minutes_of(close_at) if close_at != time(23, 59) else 24 * 60)
    for appointment in active:
        local_start = appointment.start_local
        starts.append(minutes_of(local_start.time()))
        span = (appointment.end_at - appointment.start_at) // timedelta(minutes=1)
        ends.append(min(24 * 60, minutes_of(local_start.time()) + span))
    first = min(starts, default=minutes_of(DEFAULT_RANGE[0]))
    last = max(ends, default=minutes_of(DEFAULT_RANGE[1]))
    first, last = first // 60 * 60, -(-last // 60) * 60
    return first, max(last, first + 60)
