"""Benchmark of the pure rules: frequency.recommend, scheduling.nearest_free_slots and propose_series."""

import statistics
import timeit
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clinic.rules.frequency import recommend
from clinic.rules.scheduling import nearest_free_slots, propose_series

LONDON = ZoneInfo("Europe/London")
WEEKDAY = [(time(9), time(12)), (time(13), time(18))]
HOURS = {0: WEEKDAY, 1: WEEKDAY, 2: WEEKDAY, 3: WEEKDAY, 4: WEEKDAY, 5: [(time(9), time(13))]}


def _busy(days: int, per_day: int) -> list[tuple[datetime, datetime]]:
    """A fully booked-looking calendar: `per_day` one-hour appointments a day from 09:00 local."""
    out = []
    for d in range(days):
        day = date(2026, 3, 2) + timedelta(days=d)
        for i in range(per_day):
            start = datetime.combine(day, time(9 + i), tzinfo=LONDON).astimezone(UTC)
            out.append((start, start + timedelta(hours=1)))
    return out


def measure(label: str, func: Callable[[], object], number: int) -> None:
    runs = timeit.repeat(func, number=number, repeat=7)
    per_call = [r / number * 1e6 for r in runs]
    print(f"{label:<58} median {statistics.median(per_call):8.1f} µs   best {min(per_call):8.1f} µs")


def main() -> None:
    payload = {
        "on": "2026-03-30",
        "onset": "2026-01-05",
        "pain_now": 5,
        "active_points": 4,
        "conditions": ["diabetes", "anticoagulant"],
        "history": [
            {"date": (date(2026, 2, 2) + timedelta(weeks=i)).isoformat(), "pain_before": 7, "pain_after": 5}
            for i in range(8)
        ],
    }
    measure("frequency.recommend (8 earlier visits)", lambda: recommend(payload), 2000)

    start = datetime(2026, 3, 2, 10, tzinfo=LONDON)
    hour = timedelta(hours=1)
    light = _busy(14, 4)
    full_week = _busy(7, 9) + _busy(21, 4)[7 * 4 :]
    measure(
        "nearest_free_slots, 56 busy blocks, same day",
        lambda: nearest_free_slots(start, hour, light, HOURS, LONDON),
        500,
    )
    measure(
        "nearest_free_slots, first week full (7 days searched)",
        lambda: nearest_free_slots(start, hour, full_week, HOURS, LONDON),
        200,
    )
    dates = [date(2026, 3, 3) + timedelta(weeks=i) for i in range(8)]
    measure(
        "propose_series, 8 weekly dates, 56 busy blocks",
        lambda: propose_series(dates, time(10), hour, light, HOURS, LONDON),
        200,
    )


if __name__ == "__main__":
    main()
