"""How a calendar column is cut into cells: an appointment spans its rows; free, past and closed time
come in cells of at most a quarter hour, each free one a link to book it.

A week of the whole clinic has over a thousand cells, so what a cell prints is made here once per row,
column or appointment, not once per cell in the template (url_for, strftime and a time-zone lookup per
cell took 20 of its 26 ms): free, past and closed cells come as their finished <td> (nine in ten of the
cells), appointments with their times, link and title formatted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ..models import User
from ..rules.scheduling import day_label, day_start
from .booking import STEP_MINUTES

SLOT_ROWS = 15 // STEP_MINUTES  # free time is offered in quarter hours
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
    # free, past and closed cells (nine in ten of a week's): their whole <td>, see Layout.cells
    html: Markup = Markup()


@dataclass
class Column:
    day: date
    therapist: User
    hours: list[tuple[time, time]] | None  # None: no hours set, so always open
    cells: list[Cell] = field(default_factory=list)


def minutes_of(value: time) -> int:
    return value.hour * 60 + value.minute


def past_rows(
    days: list[date], first: int, row_count: int, tz: ZoneInfo, now: datetime, now_local: datetime
) -> dict[date, list[bool]]:
    """Which rows of each day have started before now. Days before or after today's local date are
    wholly past or not; today's rows are compared as instants, once per day rather than per column."""
    past = {}
    for day in days:
        if day != now_local.date():
            past[day] = [day < now_local.date()] * row_count
            continue
        base = day_start(day, tz).astimezone(tz)  # rows are wall-clock minutes from midnight
        past[day] = [base + timedelta(minutes=first + r * STEP_MINUTES) < now for r in range(row_count)]
    return past


class Layout:
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
                low = max(0, -(-(minutes_of(open_at) - self.first) // STEP_MINUTES))
                high = min(self.row_count, -(-(minutes_of(close_at) - self.first) // STEP_MINUTES))
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
            row = (minutes_of(appointment.start_local.time()) - first) // STEP_MINUTES
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
