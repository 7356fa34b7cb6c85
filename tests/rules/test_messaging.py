"""When a message may go: reminder times around quiet hours (and across clock changes), retry waits."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.rules.messaging import (
    MAX_ATTEMPTS,
    QuietHours,
    after_quiet_hours,
    next_attempt_at,
    reminder_is_due,
    reminder_send_time,
)

LONDON = ZoneInfo("Europe/London")
NIGHT = QuietHours(time(21), time(8))


def london(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (london(2027, 1, 14, 10, 0), 48, london(2027, 1, 12, 10, 0)),  # daytime: exactly 48 h before
        (london(2027, 1, 14, 10, 0), 2, london(2027, 1, 14, 8, 0)),  # 08:00 is the quiet hours' end
        (london(2027, 1, 14, 9, 0), 2, london(2027, 1, 14, 8, 0)),  # due 07:00: waits for 08:00
        (london(2027, 1, 14, 8, 30), 2, None),  # 08:00 would leave 30 minutes: dropped
        (london(2027, 1, 14, 22, 30), 2, london(2027, 1, 14, 20, 30)),
        (london(2027, 1, 14, 23, 0), 1, None),  # due 22:00, next chance 08:00 tomorrow: too late
        (london(2027, 1, 15, 10, 0), 48, london(2027, 1, 13, 10, 0)),
        (london(2027, 1, 14, 6, 0), 48, london(2027, 1, 12, 8, 0)),  # due 06:00, two days before: 08:00
        # across the spring clock change: 48 hours before 10:00 BST Monday is 09:00 GMT Saturday
        (london(2027, 3, 29, 10, 0), 48, datetime(2027, 3, 27, 9, 0, tzinfo=UTC)),
    ],
)
def test_reminder_send_time(start, hours, expected):
    found = reminder_send_time(start, timedelta(hours=hours), NIGHT, LONDON)
    assert found == (expected.astimezone(UTC) if expected else None)


@pytest.mark.parametrize(
    ("at", "quiet", "expected"),
    [
        (london(2027, 1, 14, 22, 0), NIGHT, london(2027, 1, 15, 8, 0)),  # evening: tomorrow morning
        (london(2027, 1, 14, 3, 0), NIGHT, london(2027, 1, 14, 8, 0)),  # small hours: this morning
        (london(2027, 1, 14, 8, 0), NIGHT, london(2027, 1, 14, 8, 0)),  # the end itself is not quiet
        (london(2027, 1, 14, 20, 59), NIGHT, london(2027, 1, 14, 20, 59)),
        (london(2027, 1, 14, 12, 30), QuietHours(time(12), time(14)), london(2027, 1, 14, 14, 0)),  # lunch
        (london(2027, 3, 28, 0, 30), NIGHT, london(2027, 3, 28, 8, 0)),  # the night the clocks go forward
    ],
)
def test_after_quiet_hours(at, quiet, expected):
    assert after_quiet_hours(at, quiet, LONDON) == expected.astimezone(UTC)


def test_a_reminder_is_due_from_its_time_until_the_appointment_starts():
    start, offset = london(2027, 1, 14, 10), timedelta(hours=2)
    assert not reminder_is_due(start, offset, NIGHT, LONDON, london(2027, 1, 14, 7, 59))
    assert reminder_is_due(start, offset, NIGHT, LONDON, london(2027, 1, 14, 8, 0))
    assert reminder_is_due(start, offset, NIGHT, LONDON, london(2027, 1, 14, 9, 59))
    assert not reminder_is_due(start, offset, NIGHT, LONDON, london(2027, 1, 14, 10, 0))  # started


def test_retries_wait_longer_each_time_then_stop():
    now = datetime(2027, 1, 14, 10, tzinfo=UTC)
    waits = [next_attempt_at(n, now) - now for n in range(1, MAX_ATTEMPTS)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    assert next_attempt_at(MAX_ATTEMPTS, now) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: QuietHours(time(8), time(8)), "must differ"),
        (lambda: QuietHours("21:00", time(8)), "two times"),
        (lambda: reminder_send_time(datetime(2027, 1, 14, 10), timedelta(hours=2), NIGHT, LONDON), "aware"),
        (lambda: reminder_send_time(london(2027, 1, 14, 10), timedelta(0), NIGHT, LONDON), "before"),
        (lambda: next_attempt_at(0, datetime(2027, 1, 14, tzinfo=UTC)), "at least 1"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
