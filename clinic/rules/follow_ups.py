"""Which recommended follow-up dates the client's diary already covers. Pure: dates in, pairs out.

A client who already has appointments booked (by the front desk, online, from an earlier visit) needs
only the rest of the series: a recommended date is covered by a booked day less than half an interval
away, each booked day covering one date at most, the nearest pairs first.
"""

from datetime import date


def tolerance_days(interval_days: int | None) -> int:
    """How far a booked day may be from a recommended one and still count for it (at least 1 day)."""
    if not interval_days or interval_days < 2:
        return 1
    return max(1, (interval_days - 1) // 2)


def covered_dates(recommended: list[date], booked: list[date], interval_days: int | None) -> dict[date, date]:
    """{recommended date: the booked day that covers it}; dates left out still need booking."""
    reach = tolerance_days(interval_days)
    pairs = sorted(
        (abs((day - wanted).days), wanted, index)
        for wanted in set(recommended)
        for index, day in enumerate(booked)
        if abs((day - wanted).days) <= reach
    )
    covered: dict[date, date] = {}
    used: set[int] = set()  # by position: two appointments on one day are two sessions
    for _, wanted, index in pairs:
        if wanted in covered or index in used:
            continue
        covered[wanted] = booked[index]
        used.add(index)
    return covered
