"""The client's diary covers recommended follow-up dates near its bookings (issue 15, item 8)."""

from datetime import date, timedelta

import pytest

from clinic.rules.follow_ups import covered_dates, tolerance_days

D = date(2026, 12, 1)


def days(*offsets):
    return [D + timedelta(days=n) for n in offsets]


@pytest.mark.parametrize(
    ("recommended", "booked", "interval", "expected"),
    [
        # the walkthrough: six weekly dates, four already booked on them: two left to book
        (
            days(0, 7, 14, 21, 28, 35),
            days(0, 7, 14, 21),
            7,
            dict(zip(days(0, 7, 14, 21), days(0, 7, 14, 21), strict=True)),
        ),
        # a booking a day or three off still counts; four days off a weekly date does not
        (days(0, 7), days(3, 11), 7, {D: D + timedelta(days=3)}),
        # one booking covers one date, the nearest
        (days(0, 7), days(4), 7, {D + timedelta(days=7): D + timedelta(days=4)}),
        # two appointments on one day cover two dates only when both are within reach
        (days(0, 2), days(1, 1), 4, {D: D + timedelta(days=1), D + timedelta(days=2): D + timedelta(days=1)}),
        # nothing booked, nothing covered; twice a week reaches a day either side
        (days(0, 3), [], 3, {}),
        (days(0, 3), days(2), 3, {D + timedelta(days=3): D + timedelta(days=2)}),
    ],
)
def test_booked_days_cover_the_nearest_recommended_dates(recommended, booked, interval, expected):
    assert covered_dates(recommended, booked, interval) == expected


@pytest.mark.parametrize(
    ("interval", "reach"), [(None, 1), (1, 1), (3, 1), (4, 1), (7, 3), (14, 6), (28, 13)]
)
def test_reach_stays_under_half_an_interval(interval, reach):
    assert tolerance_days(interval) == reach
