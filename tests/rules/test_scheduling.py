"""Tests for clinic.rules.scheduling: overlaps, opening hours, nearest free slots, series, DST, bad input."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic.rules.scheduling import (
    ProposedSlot,
    day_label,
    local_instant,
    nearest_free_slots,
    overlaps,
    propose_series,
    skipped_wall_time,
    within_hours,
)

LON = ZoneInfo("Europe/London")
NYC = ZoneInfo("America/New_York")
WEEKDAY = [(time(9), time(12)), (time(13), time(17))]
# Monday to Friday with a lunch break, Saturday morning, Sunday closed (no entry)
HOURS = {0: WEEKDAY, 1: WEEKDAY, 2: WEEKDAY, 3: WEEKDAY, 4: WEEKDAY, 5: [(time(9), time(13))]}
HOUR = timedelta(hours=1)


def at(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = LON) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz)


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


# March 2026: Monday 2, Tuesday 3, ... Saturday 7, Sunday 8 (London is on GMT = UTC until 29 March)

# --- overlaps -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((9, 10), (10, 11), False),  # touching: half-open
        ((10, 11), (9, 10), False),
        ((9, 10.5), (10, 11), True),
        ((9, 12), (10, 11), True),  # containment
        ((10, 11), (10, 11), True),
        ((9, 10), (11, 12), False),
    ],
)
def test_overlaps(a: tuple[float, float], b: tuple[float, float], expected: bool) -> None:
    def t(hours: float) -> datetime:
        return at(2026, 3, 2, 0) + timedelta(hours=hours)

    assert overlaps(t(a[0]), t(a[1]), t(b[0]), t(b[1])) is expected


def test_overlaps_compares_instants_across_time_zones() -> None:
    # 10:00-11:00 London in March (GMT) is 05:00-06:00 in New York (EST)
    london = (at(2026, 3, 2, 10), at(2026, 3, 2, 11))
    assert overlaps(*london, at(2026, 3, 2, 5, 30, NYC), at(2026, 3, 2, 6, tz=NYC))
    assert not overlaps(*london, at(2026, 3, 2, 6, tz=NYC), at(2026, 3, 2, 7, tz=NYC))


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((at(2026, 3, 2, 10), at(2026, 3, 2, 10), at(2026, 3, 2, 9), at(2026, 3, 2, 11)), "a_end"),
        ((at(2026, 3, 2, 10), at(2026, 3, 2, 9), at(2026, 3, 2, 9), at(2026, 3, 2, 11)), "a_end"),
        ((datetime(2026, 3, 2, 10), at(2026, 3, 2, 11), at(2026, 3, 2, 9), at(2026, 3, 2, 11)), "a_start"),
        ((at(2026, 3, 2, 10), at(2026, 3, 2, 11), at(2026, 3, 2, 9), datetime(2026, 3, 2, 11)), "b_end"),
        ((at(2026, 3, 2, 10), at(2026, 3, 2, 11), "09:00", at(2026, 3, 2, 11)), "b_start"),
        ((at(2026, 3, 2, 10), at(2026, 3, 2, 11), at(2026, 3, 2, 12), at(2026, 3, 2, 11)), "b_end"),
    ],
)
def test_overlaps_bad_input(args: tuple[Any, ...], name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}:"):
        overlaps(*args)


# --- opening hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(2026, 3, 2, 9), at(2026, 3, 2, 10), True),
        (at(2026, 3, 2, 8, 45), at(2026, 3, 2, 9, 45), False),  # starts before opening
        (at(2026, 3, 2, 16), at(2026, 3, 2, 17), True),  # ends exactly at closing
        (at(2026, 3, 2, 16, 30), at(2026, 3, 2, 17, 15), False),  # runs past closing
        (at(2026, 3, 2, 11, 30), at(2026, 3, 2, 12, 30), False),  # runs into the lunch break
        (at(2026, 3, 7, 12), at(2026, 3, 7, 13), True),  # Saturday morning
        (at(2026, 3, 7, 13), at(2026, 3, 7, 14), False),  # Saturday afternoon: closed
        (at(2026, 3, 8, 10), at(2026, 3, 8, 11), False),  # Sunday: no entry
    ],
)
def test_within_hours(start: datetime, end: datetime, expected: bool) -> None:
    assert within_hours(start, end, HOURS, LON) is expected


def test_within_hours_uses_local_wall_time_across_dst() -> None:
    # 08:00 UTC is 08:00 GMT on Friday 27 March (closed) but 09:00 BST on Monday 30 March (open)
    assert not within_hours(utc(2026, 3, 27, 8), utc(2026, 3, 27, 9), HOURS, LON)
    assert within_hours(utc(2026, 3, 30, 8), utc(2026, 3, 30, 9), HOURS, LON)
    # New York: 13:00 UTC is 08:00 EST on Friday 6 March, 09:00 EDT on Monday 9 March
    assert not within_hours(utc(2026, 3, 6, 13), utc(2026, 3, 6, 14), HOURS, NYC)
    assert within_hours(utc(2026, 3, 9, 13), utc(2026, 3, 9, 14), HOURS, NYC)


@pytest.mark.parametrize(
    ("hours", "tz", "name"),
    [
        ({7: WEEKDAY}, LON, "open_hours"),
        ({"mon": WEEKDAY}, LON, "open_hours"),
        ([WEEKDAY], LON, "open_hours"),
        ({0: [(time(17), time(9))]}, LON, r"open_hours\[0\]"),
        ({0: [(time(9),)]}, LON, r"open_hours\[0\]"),
        ({0: [("09:00", "17:00")]}, LON, r"open_hours\[0\]"),
        ({0: "09:00-17:00"}, LON, r"open_hours\[0\]"),
        ({0: [(time(9, tzinfo=UTC), time(17))]}, LON, r"open_hours\[0\]"),
        (HOURS, "Europe/London", "tz"),
    ],
)
def test_within_hours_bad_input(hours: Any, tz: Any, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}:"):
        within_hours(at(2026, 3, 2, 9), at(2026, 3, 2, 10), hours, tz)


def test_within_hours_bad_interval() -> None:
    with pytest.raises(ValueError, match="^end:"):
        within_hours(at(2026, 3, 2, 10), at(2026, 3, 2, 9), HOURS, LON)
    with pytest.raises(ValueError, match="^start:"):
        within_hours(datetime(2026, 3, 2, 9), at(2026, 3, 2, 10), HOURS, LON)


# --- local instants and DST ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "wall", "tz", "expected"),
    [
        (date(2026, 3, 28), time(10), LON, utc(2026, 3, 28, 10)),  # GMT = UTC+0
        (date(2026, 3, 30), time(10), LON, utc(2026, 3, 30, 9)),  # BST = UTC+1
        # 29 March 2026 01:00 GMT -> 02:00 BST: 01:30 does not exist and moves forward to 02:30 BST
        (date(2026, 3, 29), time(1, 30), LON, utc(2026, 3, 29, 1, 30)),
        # 25 October 2026 02:00 BST -> 01:00 GMT: 01:30 happens twice; the first is 01:30 BST = 00:30 UTC
        (date(2026, 10, 25), time(1, 30), LON, utc(2026, 10, 25, 0, 30)),
        # New York: 8 March 2026 02:00 EST -> 03:00 EDT: 02:30 moves to 03:30 EDT = 07:30 UTC
        (date(2026, 3, 8), time(2, 30), NYC, utc(2026, 3, 8, 7, 30)),
        # 1 November 2026 02:00 EDT -> 01:00 EST: 01:30 first occurs as EDT (UTC-4) = 05:30 UTC
        (date(2026, 11, 1), time(1, 30), NYC, utc(2026, 11, 1, 5, 30)),
    ],
)
def test_local_instant(day: date, wall: time, tz: ZoneInfo, expected: datetime) -> None:
    assert local_instant(day, wall, tz) == expected


def test_local_instant_bad_input() -> None:
    with pytest.raises(ValueError, match="^day:"):
        local_instant(datetime(2026, 3, 2, 10), time(10), LON)
    with pytest.raises(ValueError, match="^time_of_day:"):
        local_instant(date(2026, 3, 2), "10:00", LON)  # type: ignore[arg-type]


def test_day_label() -> None:
    assert day_label(date(2026, 3, 3)) == "Tuesday 3 March"


# --- nearest free slots -------------------------------------------------------------------------------


def test_nearest_free_slots_around_a_busy_block() -> None:
    # asked for Monday 10:00 for an hour, 10:00-11:00 is taken: 09:00-10:00 and 11:00-12:00 are both an
    # hour away (earlier first on a tie); the next nearest is 13:00 after the lunch break
    busy = [(at(2026, 3, 2, 10), at(2026, 3, 2, 11))]
    slots = nearest_free_slots(at(2026, 3, 2, 10), HOUR, busy, HOURS, LON)
    assert slots == [utc(2026, 3, 2, 9), utc(2026, 3, 2, 11), utc(2026, 3, 2, 13)]
    assert all(s.tzinfo is UTC for s in slots)


def test_nearest_free_slots_across_closing_time() -> None:
    # Friday 16:30 for an hour would run past 17:00: 16:00 is the nearest start that fits
    assert nearest_free_slots(at(2026, 3, 6, 16, 30), HOUR, [], HOURS, LON, count=1) == [utc(2026, 3, 6, 16)]
    # with the whole afternoon taken, the nearest are the latest morning starts, latest first
    busy = [(at(2026, 3, 6, 13), at(2026, 3, 6, 17))]
    assert nearest_free_slots(at(2026, 3, 6, 16, 30), HOUR, busy, HOURS, LON) == [
        utc(2026, 3, 6, 11),
        utc(2026, 3, 6, 10, 45),
        utc(2026, 3, 6, 10, 30),
    ]


def test_nearest_free_slots_next_open_day() -> None:
    # Saturday fully booked, Sunday closed: Monday from opening, in time order
    busy = [(at(2026, 3, 7, 9), at(2026, 3, 7, 13))]
    assert nearest_free_slots(at(2026, 3, 7, 12), HOUR, busy, HOURS, LON) == [
        utc(2026, 3, 9, 9),
        utc(2026, 3, 9, 9, 15),
        utc(2026, 3, 9, 9, 30),
    ]
    # a holiday Monday is skipped too
    assert nearest_free_slots(
        at(2026, 3, 7, 12), HOUR, busy, HOURS, LON, count=1, closed_dates={date(2026, 3, 9)}
    ) == [utc(2026, 3, 10, 9)]


def test_nearest_free_slots_overlapping_busy_blocks_are_merged() -> None:
    # two overlapping blocks 9:00-10:30 and 10:00-11:30 cover 9:00-11:30; a long block hides a short one
    busy = [
        (at(2026, 3, 2, 10), at(2026, 3, 2, 11, 30)),
        (at(2026, 3, 2, 9), at(2026, 3, 2, 10, 30)),
        (at(2026, 3, 2, 13), at(2026, 3, 2, 17)),
        (at(2026, 3, 2, 14), at(2026, 3, 2, 14, 30)),
    ]
    assert nearest_free_slots(at(2026, 3, 2, 9), timedelta(minutes=30), busy, HOURS, LON, count=2) == [
        utc(2026, 3, 2, 11, 30),
        utc(2026, 3, 3, 9),
    ]


def test_nearest_free_slots_options() -> None:
    busy = [(at(2026, 3, 2, 10), at(2026, 3, 2, 11))]
    # not_before (now = 09:30) drops 09:00
    now = at(2026, 3, 2, 9, 30)
    assert nearest_free_slots(at(2026, 3, 2, 10), HOUR, busy, HOURS, LON, not_before=now) == [
        utc(2026, 3, 2, 11),
        utc(2026, 3, 2, 13),
        utc(2026, 3, 2, 13, 15),
    ]
    # a free off-grid request is itself the nearest free start
    assert nearest_free_slots(at(2026, 3, 2, 11, 5), timedelta(minutes=30), busy, HOURS, LON, count=1) == [
        utc(2026, 3, 2, 11, 5)
    ]
    # nothing within the search window
    full = [(at(2026, 3, 2, 0), at(2026, 3, 5, 0))]
    assert nearest_free_slots(at(2026, 3, 2, 10), HOUR, full, HOURS, LON, search_days=2) == []
    assert nearest_free_slots(at(2026, 3, 2, 10), HOUR, full, HOURS, LON, search_days=3, count=1) == [
        utc(2026, 3, 5, 9)
    ]


def test_nearest_free_slots_across_dst() -> None:
    # Saturday 28 March (GMT) full, Sunday closed, Monday 30 March opens 09:00 BST = 08:00 UTC
    busy = [(at(2026, 3, 28, 9), at(2026, 3, 28, 13))]
    assert nearest_free_slots(at(2026, 3, 28, 12), HOUR, busy, HOURS, LON, count=1) == [utc(2026, 3, 30, 8)]
    # New York, Saturday 7 March (EST) full: Monday 9 March 09:00 EDT = 13:00 UTC
    busy = [(at(2026, 3, 7, 9, tz=NYC), at(2026, 3, 7, 13, tz=NYC))]
    assert nearest_free_slots(at(2026, 3, 7, 12, tz=NYC), HOUR, busy, HOURS, NYC, count=1) == [
        utc(2026, 3, 9, 13)
    ]


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"start": datetime(2026, 3, 2, 10)}, "start"),
        ({"duration": timedelta(0)}, "duration"),
        ({"duration": -HOUR}, "duration"),
        ({"duration": 60}, "duration"),
        ({"step": timedelta(0)}, "step"),
        ({"count": 0}, "count"),
        ({"search_days": -1}, "search_days"),
        ({"busy": [(at(2026, 3, 2, 10), at(2026, 3, 2, 9))]}, r"busy\[0\] end"),
        (
            {
                "busy": [
                    (at(2026, 3, 2, 9), at(2026, 3, 2, 10)),
                    (datetime(2026, 3, 2, 9), at(2026, 3, 2, 10)),
                ]
            },
            r"busy\[1\] start",
        ),
        ({"busy": [(at(2026, 3, 2, 9),)]}, r"busy\[0\]"),
        ({"busy": "busy"}, "busy"),
        ({"not_before": datetime(2026, 3, 2, 9)}, "not_before"),
        ({"tz": "Europe/London"}, "tz"),
        ({"closed_dates": ["2026-03-09"]}, r"closed_dates\[0\]"),
    ],
)
def test_nearest_free_slots_bad_input(changes: dict[str, Any], name: str) -> None:
    args: dict[str, Any] = {
        "start": at(2026, 3, 2, 10),
        "duration": HOUR,
        "busy": [],
        "open_hours": HOURS,
        "tz": LON,
    }
    with pytest.raises(ValueError, match=f"^{name}:"):
        nearest_free_slots(**{**args, **changes})


@settings(max_examples=150)
@given(
    blocks=st.lists(st.tuples(st.integers(0, 5 * 24 * 4), st.integers(1, 16)), max_size=25),
    request=st.integers(0, 5 * 24 * 4),
    minutes=st.sampled_from([15, 30, 45, 60, 90]),
)
def test_nearest_free_slots_are_free_open_and_distinct(
    blocks: list[tuple[int, int]], request: int, minutes: int
) -> None:
    origin = at(2026, 3, 2, 0)
    busy = [(origin + timedelta(minutes=15 * s), origin + timedelta(minutes=15 * (s + n))) for s, n in blocks]
    duration = timedelta(minutes=minutes)
    slots = nearest_free_slots(origin + timedelta(minutes=15 * request), duration, busy, HOURS, LON, count=5)
    assert len(set(slots)) == len(slots)
    for slot in slots:
        assert within_hours(slot, slot + duration, HOURS, LON)
        assert not any(overlaps(slot, slot + duration, b, e) for b, e in busy)


# --- series -------------------------------------------------------------------------------------------


def series(dates: list[date], **kwargs: Any) -> list[ProposedSlot]:
    args: dict[str, Any] = {
        "time_of_day": time(10),
        "duration": HOUR,
        "busy": [],
        "open_hours": HOURS,
        "tz": LON,
    }
    return propose_series(dates, **{**args, **kwargs})


def test_series_kept_when_free() -> None:
    dates = [date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 17)]
    result = series(dates)
    assert [s.start for s in result] == [utc(2026, 3, 3, 10), utc(2026, 3, 10, 10), utc(2026, 3, 17, 10)]
    assert all(s.reason is None and s.end - s.start == HOUR for s in result if s.start and s.end)
    assert [s.original_date for s in result] == dates


@pytest.mark.parametrize(
    ("tz", "dates", "expected_utc_hours"),
    [
        # 10:00 local stays 10:00: London GMT (UTC+0) then BST (UTC+1) after 29 March, back after 25 October
        (LON, [date(2026, 3, 24), date(2026, 3, 31)], [10, 9]),
        (LON, [date(2026, 10, 20), date(2026, 10, 27)], [9, 10]),
        # New York EST (UTC-5) then EDT (UTC-4) after 8 March, back after 1 November
        (NYC, [date(2026, 3, 3), date(2026, 3, 10)], [15, 14]),
        (NYC, [date(2026, 10, 27), date(2026, 11, 3)], [14, 15]),
    ],
)
def test_series_keeps_local_wall_time_across_dst(
    tz: ZoneInfo, dates: list[date], expected_utc_hours: list[int]
) -> None:
    result = series(dates, tz=tz)
    assert [s.start.hour for s in result if s.start] == expected_utc_hours
    assert [s.start.astimezone(tz).time() for s in result if s.start] == [time(10), time(10)]
    assert all(s.reason is None for s in result)


def test_series_closed_day_moves_to_the_next_open_day() -> None:
    result = series([date(2026, 3, 3), date(2026, 3, 10)], closed_dates=frozenset({date(2026, 3, 3)}))
    assert result[0].start == utc(2026, 3, 4, 10)
    assert result[0].reason == "moved: Tuesday 3 March is closed"
    assert result[1].start == utc(2026, 3, 10, 10) and result[1].reason is None


def test_series_never_lands_on_a_date_of_the_series() -> None:
    # Sunday 8 March is closed; Monday 9 is the series' own next date, so the Sunday visit goes to Tuesday 10
    result = series([date(2026, 3, 8), date(2026, 3, 9)])
    assert result[0].start == utc(2026, 3, 10, 10)
    assert result[0].reason == "moved: Sunday 8 March is closed"
    assert result[1].start == utc(2026, 3, 9, 10)
    # two moved visits never share a day: with Monday 9 a holiday as well, both move; Sunday's visit
    # takes Tuesday 10 first, so Monday's goes to Wednesday 11
    result = series([date(2026, 3, 8), date(2026, 3, 9)], closed_dates={date(2026, 3, 9)})
    assert [s.start for s in result] == [utc(2026, 3, 10, 10), utc(2026, 3, 11, 10)]
    assert len({s.start.date() for s in result if s.start}) == 2


def test_series_taken_time_moves_within_the_day() -> None:
    busy = [(at(2026, 3, 3, 10), at(2026, 3, 3, 11))]
    result = series([date(2026, 3, 3)], busy=busy)
    # 09:00 and 11:00 are both an hour away; the earlier wins the tie
    assert result[0].start == utc(2026, 3, 3, 9)
    assert result[0].reason == "moved: 10:00 on Tuesday 3 March is taken"


def test_series_outside_hours_moves_within_the_day() -> None:
    result = series([date(2026, 3, 3)], time_of_day=time(8))
    assert result[0].start == utc(2026, 3, 3, 9)
    assert result[0].reason == "moved: 08:00 is outside opening hours on Tuesday 3 March"


def test_series_full_day_moves_to_the_same_time_next_day() -> None:
    busy = [(at(2026, 3, 3, 9), at(2026, 3, 3, 17)), (at(2026, 3, 4, 10), at(2026, 3, 4, 10, 30))]
    result = series([date(2026, 3, 3)], busy=busy)
    # Tuesday has no free hour, so Wednesday, nearest to 10:00: 10:00-10:30 is taken, 09:00 (free, it ends
    # as the block starts) is 60 minutes away, 10:30 only 30: 10:30 wins
    assert result[0].start == utc(2026, 3, 4, 10, 30)
    assert result[0].reason == "moved: 10:00 on Tuesday 3 March is taken and no other time that day is free"


def test_series_not_placed_when_nothing_is_free() -> None:
    busy = [(at(2026, 3, 1, 0), at(2026, 4, 1, 0))]
    result = series([date(2026, 3, 3)], busy=busy, search_days=5)
    assert result[0].start is None and result[0].end is None
    assert result[0].reason and result[0].reason.startswith("not placed: 10:00 on Tuesday 3 March is taken")


def test_series_in_the_spring_forward_gap_and_fall_back_fold() -> None:
    sunday_all_day = {6: [(time(0), time(23, 59))]}
    gap = series([date(2026, 3, 29)], time_of_day=time(1, 30), open_hours=sunday_all_day, duration=HOUR)
    assert gap[0].start == utc(2026, 3, 29, 1, 30)  # 02:30 BST
    assert gap[0].reason == "moved: 01:30 does not exist on Sunday 29 March (the clocks go forward)"
    fold = series([date(2026, 10, 25)], time_of_day=time(1, 30), open_hours=sunday_all_day, duration=HOUR)
    assert fold[0].start == utc(2026, 10, 25, 0, 30)  # the first 01:30, BST
    assert fold[0].reason is None


@pytest.mark.parametrize(
    ("dates", "changes", "name"),
    [
        ([date(2026, 3, 3), date(2026, 3, 3)], {}, "first_local_dates"),
        ("2026-03-03", {}, "first_local_dates"),
        ([datetime(2026, 3, 3, 10)], {}, r"first_local_dates\[0\]"),
        (["2026-03-03"], {}, r"first_local_dates\[0\]"),
        ([date(2026, 3, 3)], {"time_of_day": time(10, tzinfo=UTC)}, "time_of_day"),
        ([date(2026, 3, 3)], {"time_of_day": "10:00"}, "time_of_day"),
        ([date(2026, 3, 3)], {"duration": timedelta(0)}, "duration"),
        ([date(2026, 3, 3)], {"closed_dates": {"2026-03-03"}}, r"closed_dates\[0\]"),
        ([date(2026, 3, 3)], {"busy": [(datetime(2026, 3, 3, 9), at(2026, 3, 3, 10))]}, r"busy\[0\] start"),
        ([date(2026, 3, 3)], {"tz": None}, "tz"),
        ([date(2026, 3, 3)], {"search_days": 1.5}, "search_days"),
    ],
)
def test_series_bad_input(dates: list[Any], changes: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}:"):
        series(dates, **changes)


@settings(max_examples=100)
@given(
    offsets=st.lists(st.integers(0, 40), min_size=1, max_size=8, unique=True),
    blocks=st.lists(st.tuples(st.integers(0, 45 * 24 * 4), st.integers(1, 40)), max_size=40),
    closed=st.sets(st.integers(0, 45), max_size=10),
    hour=st.integers(7, 17),
)
def test_series_slots_are_free_open_and_on_distinct_days(
    offsets: list[int], blocks: list[tuple[int, int]], closed: set[int], hour: int
) -> None:
    first = date(2026, 3, 2)
    origin = at(2026, 3, 2, 0)
    dates = [first + timedelta(days=o) for o in offsets]
    busy = [(origin + timedelta(minutes=15 * s), origin + timedelta(minutes=15 * (s + n))) for s, n in blocks]
    closed_dates = {first + timedelta(days=c) for c in closed}
    result = series(dates, time_of_day=time(hour), busy=busy, closed_dates=closed_dates)
    assert [s.original_date for s in result] == dates
    placed = [s for s in result if s.start is not None and s.end is not None]
    for slot in placed:
        assert within_hours(slot.start, slot.end, HOURS, LON)
        assert not any(overlaps(slot.start, slot.end, b, e) for b, e in busy)
        assert slot.start.astimezone(LON).date() not in closed_dates
        if slot.reason is None:  # kept: the asked-for day at the asked-for local time
            assert slot.start.astimezone(LON) == datetime.combine(slot.original_date, time(hour), tzinfo=LON)
        else:
            assert slot.reason.startswith("moved: ")
    days = [s.start.astimezone(LON).date() for s in placed if s.start]
    assert len(set(days)) == len(days)
    # a moved visit never takes a date another visit of the series asked for
    for slot in placed:
        if slot.start and slot.reason:
            assert slot.start.astimezone(LON).date() not in set(dates) - {slot.original_date}


@pytest.mark.parametrize(
    ("day", "wall", "zone", "gap"),
    [
        (date(2027, 3, 28), time(1, 30), "Europe/London", (time(1), time(2))),  # spring forward
        (date(2027, 3, 28), time(1, 0), "Europe/London", (time(1), time(2))),  # the gap's first minute
        (date(2027, 3, 28), time(0, 55), "Europe/London", None),
        (date(2027, 3, 28), time(2, 0), "Europe/London", None),
        (date(2027, 10, 31), time(1, 30), "Europe/London", None),  # happens twice, but happens
        (date(2027, 3, 14), time(2, 30), "America/New_York", (time(2), time(3))),
        (date(2027, 10, 3), time(2, 15), "Australia/Lord_Howe", (time(2), time(2, 30))),  # a half-hour change
        (date(2027, 9, 26), time(2, 45), "Pacific/Auckland", (time(2), time(3))),
        (date(2027, 6, 1), time(1, 30), "UTC", None),
    ],
)
def test_skipped_wall_time_names_the_gap(day: date, wall: time, zone: str, gap) -> None:
    found = skipped_wall_time(day, wall, ZoneInfo(zone))
    assert (None if found is None else (found.starts, found.ends)) == gap
