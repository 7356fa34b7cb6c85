"""Scheduling maths: conflicts, opening hours, nearest free slots and follow-up series, correct across DST.

Pure: no clock and no database; the busy intervals, opening hours and the clinic's time zone are passed in.
All datetimes must be timezone-aware; results are UTC-aware (store them as they are, show them in `tz`).

Local wall time is what stays fixed: 10:00 Europe/London is 10:00 GMT in winter and 10:00 BST in
summer, so the UTC instant moves by an hour across a change. Wall times that do not exist (the spring
forward gap, e.g. 01:30 on the last Sunday of March in London) move forward by the length of the gap
(to 02:30 BST); wall times that happen twice (the autumn fall back) take the first occurrence
(01:30 BST, not 01:30 GMT). Both follow PEP 495 with fold=0; see local_instant().

open_hours maps a weekday (0 = Monday .. 6 = Sunday) to a list of (open, close) local wall times, e.g.
{0: [(time(9), time(12)), (time(13), time(17))]}; a weekday without an entry or with [] is closed.
An appointment fits when it lies inside one interval of its start's local day. Candidate starts run
from each interval's opening time in steps of `step`; the exact requested time is also tried first.
"""

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

OpenHours = Mapping[int, Sequence[tuple[time, time]]]
Busy = Sequence[tuple[datetime, datetime]]

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_QUARTER_HOUR = timedelta(minutes=15)


@dataclass(frozen=True)
class ProposedSlot:
    """One follow-up of a series: where it landed (UTC) and why it moved (None when kept as asked)."""

    original_date: date
    start: datetime | None  # None when no free slot was found within the search window
    end: datetime | None
    reason: str | None


def day_label(day: date) -> str:
    """ "Tuesday 3 March": built here rather than with strftime so the server locale cannot change it."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"


def local_instant(day: date, time_of_day: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time: a gap moves forward, an ambiguous time takes the first one."""
    _check_tz(tz)
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError(f"day: expected a date, got {day!r}")
    _check_time(time_of_day, "time_of_day")
    # fold=0: zoneinfo reads a gap time with the offset before the change (so it lands after the gap)
    # and an ambiguous time as its first occurrence
    local = datetime.combine(day, time_of_day.replace(tzinfo=None, fold=0)).replace(tzinfo=tz)
    return local.astimezone(UTC)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local day (UTC): where "today at the clinic" begins, in one place."""
    return local_instant(day, time(), tz)


@dataclass(frozen=True)
class ClockGap:
    """The local wall times a clock change skips on one day: from `starts` up to `ends`."""

    starts: time
    ends: time


def skipped_wall_time(day: date, time_of_day: time, tz: ZoneInfo) -> ClockGap | None:
    """The clock change that skips this wall time on `day`, or None when the time exists.

    local_instant() moves such a time past the gap, which suits a proposal; a time a person typed
    is refused instead, with the gap named (booking.local_start).
    """
    _check_tz(tz)
    _check_time(time_of_day, "time_of_day")
    wall = datetime.combine(day, time_of_day.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=tz)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall:
        return None
    before, after = first.utcoffset(), wall.replace(tzinfo=tz, fold=1).utcoffset()
    # The change happened between these two instants: find it to the minute.
    low, high = (wall - after).replace(tzinfo=UTC), (wall - before).replace(tzinfo=UTC)
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) // 2
        middle = middle.replace(second=0, microsecond=0)
        if middle == low:
            break
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return ClockGap((high + before).time(), (high + after).time())


FAR_AHEAD = timedelta(days=366)  # further out is more often a mistyped year than a yearly review


def unlikely_date(start: datetime, now: datetime) -> str | None:
    """Why a booking's time looks like a slip (it has passed, or is more than a year ahead), or None.

    Neither is refused: a visit is sometimes recorded after the fact, and a yearly review booked far
    out. The form asks once, with the reason, before it books."""
    _check_aware(start, "start")
    _check_aware(now, "now")
    if start < now:
        return "This time has already passed."
    if start - now > FAR_AHEAD:
        return "This is more than a year ahead."
    return None


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether two half-open intervals [start, end) share any instant (10:00-11:00 and 11:00-12:00 do not)."""
    _check_interval(a_start, a_end, "a_start", "a_end")
    _check_interval(b_start, b_end, "b_start", "b_end")
    return a_start < b_end and b_start < a_end


def within_hours(start: datetime, end: datetime, open_hours: OpenHours, tz: ZoneInfo) -> bool:
    """Whether [start, end) lies inside one opening interval of start's local day."""
    _check_interval(start, end, "start", "end")
    _check_tz(tz)
    return _within(start, end, _check_hours(open_hours), tz)


def nearest_free_slots(
    start: datetime,
    duration: timedelta,
    busy: Busy,
    open_hours: OpenHours,
    tz: ZoneInfo,
    count: int = 3,
    step: timedelta = _QUARTER_HOUR,
    search_days: int = 14,
    not_before: datetime | None = None,
    closed_dates: Iterable[date] = frozenset(),
) -> list[datetime]:
    """Free starts nearest to `start`: its own local day first (before or after, nearest first), then the
    following `search_days` days in time order. `not_before` (e.g. now) drops earlier starts; closed_dates
    (holidays) are skipped. At most `count`, UTC-aware."""
    _check_aware(start, "start")
    _check_positive(duration, "duration")
    _check_positive(step, "step")
    _check_tz(tz)
    hours = _check_hours(open_hours)
    schedule = _Schedule(busy)
    if type(count) is not int or count < 1:
        raise ValueError(f"count: expected a whole number of at least 1, got {count!r}")
    if type(search_days) is not int or search_days < 0:
        raise ValueError(f"search_days: expected a whole number 0 or more, got {search_days!r}")
    if not_before is not None:
        _check_aware(not_before, "not_before")
    floor = not_before.astimezone(UTC) if not_before is not None else None
    closed = frozenset(_check_dates(closed_dates, "closed_dates"))

    first_day = start.astimezone(tz).date()
    found: list[datetime] = []
    for offset in range(search_days + 1):
        day = first_day + timedelta(days=offset)
        if day in closed:
            continue
        target = start.astimezone(UTC) if offset == 0 else None
        for slot in _free_on_day(day, target, duration, hours, tz, step, schedule):
            if floor is None or slot >= floor:
                found.append(slot)
                if len(found) == count:
                    return found
    return found


def free_starts_on(
    day: date,
    duration: timedelta,
    busy: Busy,
    open_hours: OpenHours,
    tz: ZoneInfo,
    not_before: datetime | None = None,
    step: timedelta = _QUARTER_HOUR,
) -> list[datetime]:
    """Every free start on one local day, in order (online booking's slot list): within the hours, clear
    of `busy`, and not before `not_before` (now plus the clinic's minimum notice). UTC-aware."""
    _check_positive(duration, "duration")
    _check_positive(step, "step")
    _check_tz(tz)
    hours = _check_hours(open_hours)
    if not_before is not None:
        _check_aware(not_before, "not_before")
    starts = _free_on_day(day, None, duration, hours, tz, step, _Schedule(busy))
    return [s.astimezone(UTC) for s in starts if not_before is None or s >= not_before]


def propose_series(
    first_local_dates: list[date],
    time_of_day: time,
    duration: timedelta,
    busy: Busy,
    open_hours: OpenHours,
    tz: ZoneInfo,
    closed_dates: Iterable[date] = frozenset(),
    step: timedelta = _QUARTER_HOUR,
    search_days: int = 14,
) -> list[ProposedSlot]:
    """Place each follow-up date at `time_of_day`; when that is closed, outside hours or taken, move it to the
    nearest free time that day, else to the nearest free time on the next open days (never a date another
    follow-up of the series has or asked for). Same order as the dates; no two share a day."""
    _check_positive(duration, "duration")
    _check_positive(step, "step")
    _check_tz(tz)
    _check_time(time_of_day, "time_of_day")
    hours = _check_hours(open_hours)
    schedule = _Schedule(busy)
    dates = _check_dates(first_local_dates, "first_local_dates")
    if len(set(dates)) != len(dates):
        raise ValueError("first_local_dates: a date appears twice")
    closed = frozenset(_check_dates(closed_dates, "closed_dates"))
    if type(search_days) is not int or search_days < 0:
        raise ValueError(f"search_days: expected a whole number 0 or more, got {search_days!r}")

    taken_days = set(dates)  # every asked-for date stays free for its own follow-up

    def nearest(day: date) -> datetime | None:
        target = local_instant(day, time_of_day, tz)
        return next(_free_on_day(day, target, duration, hours, tz, step, schedule), None)

    result: list[ProposedSlot] = []
    for day in dates:
        wall, label = f"{time_of_day:%H:%M}", day_label(day)
        target = local_instant(day, time_of_day, tz)
        slot = None
        if day in closed or not hours.get(day.weekday()):
            problem = f"{label} is closed"
        else:
            if not _within(target, target + duration, hours, tz):
                problem = f"{wall} is outside opening hours on {label}"
            elif not schedule.is_free(target, target + duration):
                problem = f"{wall} on {label} is taken"
            else:
                in_gap = target.astimezone(tz).time() != time_of_day.replace(tzinfo=None, fold=0)
                note = f"moved: {wall} does not exist on {label} (the clocks go forward)" if in_gap else None
                result.append(ProposedSlot(day, target, target + duration, note))
                continue
            slot = nearest(day)
            if slot is None:
                problem += " and no other time that day is free"
        for n in range(1, search_days + 1) if slot is None else ():
            other = day + timedelta(days=n)
            if other not in taken_days and other not in closed:
                slot = nearest(other)
                if slot is not None:
                    break
        if slot is None:
            why = f"not placed: {problem}, and nothing is free in the next {search_days} days"
            result.append(ProposedSlot(day, None, None, why))
        else:
            taken_days.add(slot.astimezone(tz).date())
            result.append(ProposedSlot(day, slot, slot + duration, f"moved: {problem}"))
    return result


class _Schedule:
    """Busy intervals merged into sorted, disjoint UTC runs so a conflict check is one bisection."""

    def __init__(self, busy: Busy) -> None:
        if isinstance(busy, str | bytes) or not isinstance(busy, Iterable):
            raise ValueError("busy: expected a list of (start, end) pairs")
        pairs: list[tuple[datetime, datetime]] = []
        for i, pair in enumerate(busy):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ValueError(f"busy[{i}]: expected a (start, end) pair")
            _check_interval(pair[0], pair[1], f"busy[{i}] start", f"busy[{i}] end")
            pairs.append((pair[0].astimezone(UTC), pair[1].astimezone(UTC)))
        self.runs: list[tuple[datetime, datetime]] = []
        for s, e in sorted(pairs):
            if self.runs and s <= self.runs[-1][1]:
                self.runs[-1] = (self.runs[-1][0], max(self.runs[-1][1], e))
            else:
                self.runs.append((s, e))
        self.starts = [s for s, _ in self.runs]

    def is_free(self, start: datetime, end: datetime) -> bool:
        # the last run starting before `end` is the only one that can reach into [start, end)
        i = bisect_left(self.starts, end) - 1
        return i < 0 or self.runs[i][1] <= start


def _free_on_day(
    day: date,
    target: datetime | None,
    duration: timedelta,
    hours: dict[int, list[tuple[time, time]]],
    tz: ZoneInfo,
    step: timedelta,
    schedule: _Schedule,
) -> Iterator[datetime]:
    """Free starts on a local day: nearest to `target` first (the target itself if it fits), else in order."""
    starts = []
    for opening, closing in hours.get(day.weekday(), []):
        t, close = local_instant(day, opening, tz), local_instant(day, closing, tz)
        while t + duration <= close:
            starts.append(t)
            t += step
    if target is None:
        ordered = sorted(set(starts))
    else:
        if _within(target, target + duration, hours, tz) and target.astimezone(tz).date() == day:
            starts.append(target)
        ordered = sorted(set(starts), key=lambda s: (abs(s - target), s))
    return (s for s in ordered if schedule.is_free(s, s + duration))


def _within(start: datetime, end: datetime, hours: dict[int, list[tuple[time, time]]], tz: ZoneInfo) -> bool:
    day = start.astimezone(tz).date()
    return any(
        local_instant(day, opening, tz) <= start and end <= local_instant(day, closing, tz)
        for opening, closing in hours.get(day.weekday(), [])
    )


def _check_aware(value: Any, name: str) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{name}: expected a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name}: must be timezone-aware (a naive datetime has no defined instant)")


def _check_interval(start: Any, end: Any, start_name: str, end_name: str) -> None:
    _check_aware(start, start_name)
    _check_aware(end, end_name)
    if end <= start:
        raise ValueError(f"{end_name}: must be after {start_name}")


def _check_time(value: Any, name: str) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValueError(f"{name}: expected a local time without a time zone, got {value!r}")


def _check_positive(value: Any, name: str) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValueError(f"{name}: expected a positive timedelta, got {value!r}")


def _check_tz(tz: Any) -> None:
    if not isinstance(tz, ZoneInfo):
        raise ValueError(f"tz: expected a zoneinfo.ZoneInfo, got {tz!r}")


def _check_dates(values: Any, name: str) -> list[date]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(f"{name}: expected a list of dates")
    out = list(values)
    for i, value in enumerate(out):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValueError(f"{name}[{i}]: expected a date, got {value!r}")
    return out


def _check_hours(open_hours: Any) -> dict[int, list[tuple[time, time]]]:
    if not isinstance(open_hours, Mapping):
        raise ValueError("open_hours: expected a mapping of weekday (0=Monday) to (open, close) times")
    hours: dict[int, list[tuple[time, time]]] = {}
    for weekday, intervals in open_hours.items():
        if type(weekday) is not int or not 0 <= weekday <= 6:
            raise ValueError(f"open_hours: weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
        if isinstance(intervals, str | bytes) or not isinstance(intervals, Iterable):
            raise ValueError(f"open_hours[{weekday}]: expected a list of (open, close) times")
        day: list[tuple[time, time]] = []
        for pair in intervals:
            ok = isinstance(pair, tuple | list) and len(pair) == 2
            if not ok or not all(isinstance(t, time) and t.tzinfo is None for t in pair):
                raise ValueError(f"open_hours[{weekday}]: expected (open, close) local times, got {pair!r}")
            if pair[1] <= pair[0]:
                raise ValueError(f"open_hours[{weekday}]: closing must be after opening in {pair!r}")
            day.append((pair[0], pair[1]))
        hours[weekday] = sorted(day)
    return hours
