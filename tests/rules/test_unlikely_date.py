"""When a booking's time looks like a slip: it has passed (to the minute) or is more than a year ahead."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from clinic.rules.scheduling import unlikely_date

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "asked"),
    [
        (NOW - timedelta(days=30), True),
        (NOW - timedelta(minutes=1), True),
        (NOW, False),  # now is not past
        (NOW + timedelta(minutes=5), False),
        (NOW + timedelta(days=366), False),  # a yearly review, a day late
        (NOW + timedelta(days=366, minutes=1), True),  # more than a year: a mistyped year?
        (NOW + timedelta(days=365 * 3), True),
        (datetime(2026, 11, 18, 11, 30, tzinfo=timezone(timedelta(hours=2))), True),  # 09:30 UTC
    ],
)
def test_a_time_that_has_passed_is_unlikely(start, asked):
    assert (unlikely_date(start, NOW) is not None) is asked


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        unlikely_date(datetime(2026, 11, 18, 9, 0), NOW)
