"""The calendar grid: columns of (day, therapist), rows of 5 minutes, cells for appointments and free time.

Three queries whatever the number of appointments: therapists, hours, and appointments joined with
their clients and services. The grid is a table: an appointment is one cell spanning its rows, free
and closed time are cells of at most 15 minutes (each free one a link to book it).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, User
from . import hours as opening
from .booking import STEP_MINUTES, bookable_therapists

ROWS_PER_HOUR = 60 // STEP_MINUTES
SLOT_ROWS = 15 // STEP_MINUTES  # free time is offered in quarter hours
DEFAULT_RANGE = (time(9), time(18))


@dataclass
class Cell:
    kind: str  # appt | free | past | closed
    row: int
    rowspan: int
    start: datetime  # local
    appointment: Appointment | None = None
    run_start: bool = False  # the first quarter of a stretch of free time

    @property
    def mark(self) -> str:
        return "hour" if self.start.minute == 0 else "half" if self.start.minute == 30 else ""


@dataclass
class Column:
    day: date
    therapist: User
    hours: list[tuple[time, time]] | None  # None: no hours set, so always open
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Grid:
    columns: list[Column]
    first: time
    row_count: int
    rows: list[list[tuple[int, Cell]]]  # cells starting on each row, in column order
    off: list[Appointment]  # cancelled and no-shows, listed under the grid
    now_row: int | None  # the row holding "now" when today is shown
    days: list[date]
    therapists: list[User]

    def label(self, row: int) -> str:
        minutes = self.first.hour * 60 + self.first.minute + row * STEP_MINUTES
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


def therapists_for(clinic_id: int, therapist_id: int | None) -> list[User]:
    """The columns: one therapist, or everyone who can be booked (owners only with hours of their own)."""
    people = bookable_therapists(clinic_id)
    if therapist_id is not None:
        return [u for u in people if u.id == therapist_id]
    return people


def appointments_between(
    clinic_id: int, start: datetime, end: datetime, therapist_ids: list[int]
) -> list[Appointment]:
    """Appointments starting in [start, end) of these therapists, with client and service: one query."""
    if not therapist_ids:
        return []
    return list(
        db.session.scalars(
            select(Appointment)
            .join(Appointment.client)
            .join(Appointment.service)
            .options(contains_eager(Appointment.client), contains_eager(Appointment.service))
            .where(
                Appointment.clinic_id == clinic_id,
                Appointment.start_at >= start,
                Appointment.start_at < end,
                Appointment.therapist_id.in_(therapist_ids),
            )
            .order_by(Appointment.start_at, Appointment.id)
        ).unique()
    )


def build(
    clinic_id: int,
    tz: ZoneInfo,
    days: list[date],
    therapists: list[User],
    now: datetime,
    by_day: bool,
    trim: bool = False,
) -> Grid:
    """The grid for these days and therapists; `by_day` puts days outermost (week views); `trim` leaves
    out days when nobody works and nothing is booked (a closed Sunday)."""
    start = datetime.combine(days[0], time()).replace(tzinfo=tz)
    end = datetime.combine(days[-1] + timedelta(days=1), time()).replace(tzinfo=tz)
    appointments = appointments_between(clinic_id, start, end, [t.id for t in therapists])
    clinic_hours, own = opening.load(clinic_id, [t.id for t in therapists])
    # owners appear as a column only when they work: hours of their own or appointments here
    busy_ids = {a.therapist_id for a in appointments}
    if len(therapists) > 1:
        therapists = [
            t for t in therapists if t.role != "owner" or t.id in own or t.id in busy_ids
        ] or therapists
    if trim:
        booked_days = {a.start_at.astimezone(tz).date() for a in appointments}
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
    first, last = _range(columns, active, tz)
    row_count = (last - first) // STEP_MINUTES
    first_time = time(first // 60, first % 60)
    index = {(c.day, c.therapist.id): i for i, c in enumerate(columns)}
    placed: dict[int, list[Appointment]] = {}
    for appointment in active:
        local = appointment.start_at.astimezone(tz)
        i = index.get((local.date(), appointment.therapist_id))
        if i is not None:
            placed.setdefault(i, []).append(appointment)
    rows: list[list[tuple[int, Cell]]] = [[] for _ in range(row_count)]
    for i, column in enumerate(columns):
        column.cells = _cells(column, placed.get(i, []), first, row_count, tz, now)
        for cell in column.cells:
            rows[cell.row].append((i, cell))
    off = [a for a in appointments if a.status not in ACTIVE_STATUSES]
    now_local = now.astimezone(tz)
    now_minutes = now_local.hour * 60 + now_local.minute
    now_row = None
    if now_local.date() in days and first <= now_minutes < last:
        now_row = (now_minutes - first) // STEP_MINUTES
    return Grid(columns, first_time, row_count, rows, off, now_row, days, therapists)


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _range(columns: list[Column], active: list[Appointment], tz: ZoneInfo) -> tuple[int, int]:
    """First and last minute of the day to show: opening hours and appointments, whole hours."""
    starts, ends = [], []
    for column in columns:
        for open_at, close_at in column.hours or []:
            starts.append(_minutes(open_at))
            ends.append(_minutes(close_at) if close_at != time(23, 59) else 24 * 60)
    for appointment in active:
        local_start = appointment.start_at.astimezone(tz)
        starts.append(_minutes(local_start.time()))
        span = (appointment.end_at - appointment.start_at) // timedelta(minutes=1)
        ends.append(min(24 * 60, _minutes(local_start.time()) + span))
    first = min(starts, default=_minutes(DEFAULT_RANGE[0]))
    last = max(ends, default=_minutes(DEFAULT_RANGE[1]))
    first, last = first // 60 * 60, -(-last // 60) * 60
    return first, max(last, first + 60)


def _cells(
    column: Column, appointments: list[Appointment], first: int, row_count: int, tz: ZoneInfo, now: datetime
) -> list[Cell]:
    base = datetime.combine(column.day, time()).replace(tzinfo=tz)

    def local_at(row: int) -> datetime:
        return base + timedelta(minutes=first + row * STEP_MINUTES)

    by_row: dict[int, Appointment] = {}
    for appointment in appointments:
        local = appointment.start_at.astimezone(tz)
        row = (_minutes(local.time()) - first) // STEP_MINUTES
        by_row.setdefault(max(row, 0), appointment)
    cells: list[Cell] = []
    row = 0
    while row < row_count:
        appointment = by_row.get(row)
        if appointment is not None:
            minutes = (appointment.end_at - appointment.start_at) // timedelta(minutes=1)
            span = max(1, min(-(-minutes // STEP_MINUTES), row_count - row))
            cells.append(Cell("appt", row, span, local_at(row), appointment))
            # a later appointment hidden under this one (only possible with odd times) starts after it
            for hidden in range(row + 1, row + span):
                if hidden in by_row:
                    by_row.setdefault(row + span, by_row.pop(hidden))
            row += span
            continue
        start = local_at(row)
        kind = _kind(column, start, now)
        span = 1
        # free and closed time: up to the next quarter hour, an appointment, or a change of kind
        while (
            row + span < row_count
            and (row + span) % SLOT_ROWS
            and row + span not in by_row
            and _kind(column, local_at(row + span), now) == kind
        ):
            span += 1
        run_start = kind == "free" and (not cells or cells[-1].kind != "free")
        cells.append(Cell(kind, row, span, start, run_start=run_start))
        row += span
    return cells


def _kind(column: Column, start: datetime, now: datetime) -> str:
    if column.hours is not None and not any(s <= start.time() < e for s, e in column.hours):
        return "closed"
    return "past" if start < now else "free"
