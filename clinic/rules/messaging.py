"""When a message to a client may go: reminder times, quiet hours, and the retry schedule.

Pure: no clock and no database; `now` and the clinic's time zone are arguments. A reminder is due
`offset` before the appointment. A client is never messaged at night: a reminder that falls due in
the clinic's quiet hours waits for their end, and is dropped when that is too close to the start to
help (the client is on the way by then, and the earlier reminder has been sent).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_REMINDER_OFFSETS = (timedelta(hours=48), timedelta(hours=2))
DEFAULT_QUIET_HOURS = (time(21, 0), time(8, 0))  # from 21:00 to 08:00, clinic time
# A reminder that the quiet hours pushed later must still leave this long before the start.
MIN_NOTICE = timedelta(minutes=45)
# Delivery attempts: waits before attempt 2, 3, ... (SMTP servers refusing for a while, providers down).
RETRY_WAITS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_WAITS) + 1


@dataclass(frozen=True)
class QuietHours:
    """Local wall times between which no message goes out; `starts` after `ends` spans midnight."""

    starts: time
    ends: time

    def __post_init__(self):
        if not isinstance(self.starts, time) or not isinstance(self.ends, time):
            raise ValueError("quiet hours: give two times of day")
        if self.starts == self.ends:
            raise ValueError("quiet hours: the start and the end must differ")

    def contains(self, local: time) -> bool:
        if self.starts < self.ends:
            return self.starts <= local < self.ends
        return local >= self.starts or local < self.ends


def _check_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"{name}: expected an aware datetime, got {value!r}")


def after_quiet_hours(at: datetime, quiet: QuietHours, tz: ZoneInfo) -> datetime:
    """`at` itself when it is outside the quiet hours, else the first instant after they end (UTC)."""
    _check_aware(at, "at")
    local = at.astimezone(tz)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return at.astimezone(UTC)
    day = local.date()
    if not (quiet.starts > quiet.ends and local.time() >= quiet.starts):
        end_day = day
    else:
        end_day = day + timedelta(days=1)  # a night that spans midnight ends tomorrow morning
    end = datetime.combine(end_day, quiet.ends).replace(tzinfo=tz)
    return end.astimezone(UTC)


def reminder_send_time(
    start: datetime, offset: timedelta, quiet: QuietHours, tz: ZoneInfo
) -> datetime | None:
    """When the reminder `offset` before `start` goes out, or None when it should not go at all.

    Due in quiet hours: it waits for their end, unless that leaves less than MIN_NOTICE.
    """
    _check_aware(start, "start")
    if offset <= timedelta(0):
        raise ValueError(f"offset: a reminder goes before the appointment, got {offset}")
    start = start.astimezone(UTC)  # hours before, counted in real time (not wall time) across a clock change
    due = after_quiet_hours(start - offset, quiet, tz)
    if start - due < MIN_NOTICE:
        return None
    return due


def reminder_is_due(
    start: datetime, offset: timedelta, quiet: QuietHours, tz: ZoneInfo, now: datetime
) -> bool:
    """Whether the reminder should be sent at `now` (never once the appointment has started)."""
    _check_aware(now, "now")
    send_at = reminder_send_time(start, offset, quiet, tz)
    return send_at is not None and send_at <= now < start


def next_attempt_at(
    attempts: int, now: datetime, waits: tuple[timedelta, ...] = RETRY_WAITS
) -> datetime | None:
    """After `attempts` failed tries, when to try again; None when it is time to give up."""
    _check_aware(now, "now")
    if attempts < 1:
        raise ValueError(f"attempts: at least 1 after a failure, got {attempts}")
    if attempts > len(waits):
        return None
    return now + waits[attempts - 1]
