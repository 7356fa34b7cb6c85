"""The calendar grid: columns of (day, therapist), rows of 5 minutes, cells for appointments and free time.

Three queries whatever the number of appointments: therapists, hours, and appointments joined with
their clients and services. The grid is a table: an appointment is one cell spanning its rows, free
and closed time are cells of at most 15 minutes (each free one a link to book it).

A week of the whole clinic has over a thousand cells, so what a cell prints is made here once per row,
column or appointment, not once per cell in the template (url_for, strftime and a time-zone lookup
per cell took 20 of its 26 ms): free, past and closed cells come as their finished <td> (nine in ten
of the cells), appointments with their times, link and title formatted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Client, Service, User
from ..rules.scheduling import day_label
from . import hours as opening
from .booking import STEP_MINUTES

ROWS_PER_HOUR = 60 // STEP_MINUTES
SLOT_ROWS = 15 // STEP_MINUTES  # free time is offered in quarter hours
DEFAULT_RANGE = (time(9), time(18))
# "09:15" for each minute of a day, looked up rather than formatted (strftime) for every cell
HHMM = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(24 * 60)]


@dataclass(slots=True)
class Booking:
    """An appointment as the calendar shows it: plain values, its local times formatted once."""

    id: int
    therapist_id: int
    start_at: datetime  # UTC
    end_at: datetime
    status: str
    cancel_reason: str
    client_name: str  # "Ada Quill" (the preferred name first)
    client_short: str  # "Ada Q.", for narrow week lanes
    service: str
    start_local: datetime
    start_time: str  # "09:30", local
    end_time: str
    href: str  # its page


@dataclass(slots=True)
class Cell:
    kind: str  # appt | free | past | closed
    col: int
    row: int
    rowspan: int
    classes: str  # of the <td>: kind, hour or half-hour mark, first lane of a day
    appointment: Booking | None = None
    run_start: bool = False  # the first quarter of a stretch of free time
    title: str = ""  # an appointment's tooltip: times, client, service (and therapist in week lanes)
    # free, past and closed cells (nine in ten of a week's): their whole <td>, see _Layout.cells
    html: Markup = Markup()


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
    rows: list[list[Cell]]  # cells starting on each row, in column order
    off: list[Booking]  # cancelled and no-shows, listed under the grid
    now_row: int | None  # the row holding "now" when today is shown
    days: list[date]
    therapists: list[User]

    def label(self, row: int) -> str:
        minutes = self.first.hour * 60 + self.first.minute + row * STEP_MINUTES
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


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
        .where(
            Appointment.clinic_id == clinic_id,
            Appointment.start_at >= start,
            Appointment.start_at < end,
            Appointment.therapist_id.in_(therapist_ids),
        )
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
    start = datetime.combine(days[0], time()).replace(tzinfo=tz)
    end = datetime.combine(days[-1] + timedelta(days=1), time()).replace(tzinfo=tz)
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
    past = _past_rows(days, first, row_count, tz, now, now_local)
    layout = _Layout(first, row_count, book_url, past, lanes)
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


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _range(columns: list[Column], active: list[Booking]) -> tuple[int, int]:
    """First and last minute of the day to show: opening hours and appointments, whole hours."""
    starts, ends = [], []
    for column in columns:
        for open_at, close_at in column.hours or []:
            starts.append(_minutes(open_at))
            ends.append(_minutes(close_at) if close_at != time(23, 59) else 24 * 60)
    for appointment in active:
        local_start = appointment.start_local
        starts.append(_minutes(local_start.time()))
        span = (appointment.end_at - appointment.start_at) // timedelta(minutes=1)
        ends.append(min(24 * 60, _minutes(local_start.time()) + span))
    first = min(starts, default=_minutes(DEFAULT_RANGE[0]))
    last = max(ends, default=_minutes(DEFAULT_RANGE[1]))
    first, last = first // 60 * 60, -(-last // 60) * 60
    return first, max(last, first + 60)


def _past_rows(
    days: list[date], first: int, row_count: int, tz: ZoneInfo, now: datetime, now_local: datetime
) -> dict[date, list[bool]]:
    """Which rows of each day have started before now. Days before or after today's local date are
    wholly past or not; today's rows are compared as instants, once per day rather than per column."""
    past = {}
    for day in days:
        if day != now_local.date():
            past[day] = [day < now_local.date()] * row_count
            continue
        base = datetime.combine(day, time()).replace(tzinfo=tz)
        past[day] = [base + timedelta(minutes=first + r * STEP_MINUTES) < now for r in range(row_count)]
    return past


class _Layout:
    """Cuts columns into cells; what columns share (row times and marks, the kinds of a day's rows for
    the same hours) is made once."""

    def __init__(self, first: int, row_count: int, book_url: str, past: dict[date, list[bool]], lanes: bool):
        self.first = first
        self.lanes = lanes
        self.row_count = row_count
        self.book_url = book_url
        self.past = past
        self.minutes = [first + r * STEP_MINUTES for r in range(row_count)]
        self.times = [HHMM[m] for m in self.minutes]
        self.marks = ["hour" if m % 60 == 0 else "half" if m % 60 == 30 else "" for m in self.minutes]
        self._kinds: dict[tuple, list[str]] = {}
        self._plain: dict[tuple[int, str], Markup] = {}  # past and closed cells, by rowspan and classes

    def kinds(self, column: Column) -> list[str]:
        """Each row's kind: free, past, or closed (outside the column's hours)."""
        key = (column.day, None if column.hours is None else tuple(column.hours))
        kinds = self._kinds.get(key)
        if kinds is None:
            day = self._kinds.get((column.day, None))
            if day is None:
                day = ["past" if p else "free" for p in self.past[column.day]]
                self._kinds[(column.day, None)] = day
            if column.hours is None:
                return day
            # row r starts at minute first + 5r: inside [start, end) for r from ceil((start - first) / 5)
            kinds = ["closed"] * self.row_count
            for open_at, close_at in column.hours:
                low = max(0, -(-(_minutes(open_at) - self.first) // STEP_MINUTES))
                high = min(self.row_count, -(-(_minutes(close_at) - self.first) // STEP_MINUTES))
                kinds[low:high] = day[low:high]
            self._kinds[key] = kinds
        return kinds

    def cells(self, col: int, column: Column, appointments: list[Booking], lane_first: bool) -> list[Cell]:
        first, row_count, times, marks = self.first, self.row_count, self.times, self.marks
        lane = " lane-first" if lane_first else ""
        # A free cell is a link to the booking form with the therapist, date and time, and a label saying
        # so; only the time changes down a column, so the rest is escaped here once per column. Times,
        # classes and numbers are made here of characters that need no escaping.
        link = escape(f"{self.book_url}?therapist={column.therapist.id}&date={column.day.isoformat()}&time=")
        label = escape(f"Book {column.therapist.name}, {day_label(column.day)} at ")
        by_row: dict[int, Booking] = {}
        for appointment in appointments:
            row = (_minutes(appointment.start_local.time()) - first) // STEP_MINUTES
            by_row.setdefault(max(row, 0), appointment)
        kinds = self.kinds(column)
        plain = self._plain
        cells: list[Cell] = []
        row = 0
        while row < row_count:
            appointment = by_row.get(row)
            if appointment is not None:
                minutes = (appointment.end_at - appointment.start_at) // timedelta(minutes=1)
                span = max(1, min(-(-minutes // STEP_MINUTES), row_count - row))
                classes = f"c-appt m-{marks[row]}{lane}"
                a = appointment
                title = f"{a.start_time}–{a.end_time} · {a.client_name} · {a.service}"
                if self.lanes:  # several therapists side by side in a day: say whose lane this is
                    title += f" · {column.therapist.name}"
                cells.append(Cell("appt", col, row, span, classes, appointment, title=title))
                # a later appointment hidden under this one (only possible with odd times) starts after it
                for hidden in range(row + 1, row + span):
                    if hidden in by_row:
                        by_row.setdefault(row + span, by_row.pop(hidden))
                row += span
                continue
            kind = kinds[row]
            span = 1
            # free and closed time: up to the next quarter hour, an appointment, or a change of kind
            while (
                row + span < row_count
                and (row + span) % SLOT_ROWS
                and row + span not in by_row
                and kinds[row + span] == kind
            ):
                span += 1
            classes = f"c-{kind} m-{marks[row]}{lane}"
            if kind == "free":
                run_start = not cells or cells[-1].kind != "free"
                at = times[row]
                slot = "slot run-start" if run_start else "slot"
                html = Markup(  # noqa: S704  (escaped above)
                    f'<td rowspan="{span}" class="{classes}"><a class="{slot}" href="{link}{at}"'
                    f' aria-label="{label}{at}"><span aria-hidden="true">{at}</span></a></td>'
                )
                cells.append(Cell(kind, col, row, span, classes, run_start=run_start, html=html))
            else:
                html = plain.get((span, classes))
                if html is None:
                    html = plain[span, classes] = Markup(f'<td rowspan="{span}" class="{classes}"></td>')  # noqa: S704
                cells.append(Cell(kind, col, row, span, classes, html=html))
            row += span
        return cells
