"""The check-in triage (docs/clinical-reference.md section 6) as a table, and when the check-in is sent."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.rules.checkin import (
    DEFAULT_DELAY,
    RED_FLAGS,
    Answers,
    region_pain_after,
    send_time,
    triage,
)
from clinic.rules.messaging import QuietHours

NO = {code: False for code in RED_FLAGS}
AFTER = {"shoulder_r": 3, "neck": 2, "calf_l": None}
LABELS = {"shoulder_r": "Right shoulder", "neck": "Neck"}


def yes(*codes):
    return NO | {code: True for code in codes}


# (what the client answered, level, first reason)
TABLE = [
    ("nothing wrong", Answers(NO), "expected", None),
    ("sore but expected", Answers(NO, soreness=6, regions={"shoulder_r": 4}, sleep="worse", bruising="small"),
     "expected", None),
    ("chest pain", Answers(yes("chest")), "emergency", "Chest pain, or sudden breathlessness"),
    ("calf: possible clot", Answers(yes("calf")), "urgent",
     "Pain in a calf with swelling, warmth or redness"),
    ("fever or a hot needling site", Answers(yes("infection")), "urgent",
     "A fever, or a needling site that is red, hot or swollen"),
    ("numbness spreading", Answers(yes("nerves")), "contact",
     "Numbness, tingling or weakness that is spreading or not easing"),
    ("large bruising", Answers(NO, bruising="large"), "contact", "Large or spreading bruising"),
    ("a region 2 points up", Answers(NO, regions={"shoulder_r": 5}), "contact",
     "Right shoulder: pain 5/10, up from 3/10 after the session"),
    ("a region 1 point up", Answers(NO, regions={"shoulder_r": 4}), "expected", None),
    ("a region without a pain after", Answers(NO, regions={"calf_l": 9}), "expected", None),
    ("soreness 8", Answers(NO, soreness=8), "contact", "Soreness overall 8/10"),
    ("soreness 7", Answers(NO, soreness=7), "expected", None),
    ("the highest level wins", Answers(yes("nerves", "chest", "calf"), soreness=9), "emergency",
     "Chest pain, or sudden breathlessness"),
    ("urgent above contact", Answers(yes("nerves", "infection")), "urgent",
     "A fever, or a needling site that is red, hot or swollen"),
]  # fmt: skip


@pytest.mark.parametrize("answers, level, first", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_triage(answers, level, first):
    result = triage(answers, AFTER, LABELS)
    assert result.level == level
    assert result.needs_a_call == (level != "expected")
    assert (result.reasons[0] if result.reasons else None) == first


def test_every_reason_is_kept_highest_first():
    result = triage(Answers(yes("nerves", "chest"), soreness=9, bruising="large"), AFTER, LABELS)
    assert result.reasons == (
        "Chest pain, or sudden breathlessness",
        "Numbness, tingling or weakness that is spreading or not easing",
        "Large or spreading bruising",
        "Soreness overall 9/10",
    )


@pytest.mark.parametrize(
    "answers",
    [
        Answers({"chest": False}),  # red flags unanswered
        Answers(NO, soreness=11),
        Answers(NO, regions={"neck": -1}),
        Answers(NO, sleep="fine"),
        Answers(NO, bruising="some"),
    ],
)
def test_answers_outside_the_form_are_refused(answers):
    with pytest.raises(ValueError):
        triage(answers, AFTER, LABELS)


def test_a_region_s_pain_after_is_the_highest_of_its_points():
    points = [("neck", 2), ("neck", 4), ("shoulder_r", None), ("back", None), ("back", 1)]
    assert region_pain_after(points) == {"neck": 4, "shoulder_r": None, "back": 1}


LONDON = ZoneInfo("Europe/London")
QUIET = QuietHours(time(21, 0), time(8, 0))


@pytest.mark.parametrize(
    "signed, expected",
    [
        # 36 hours later is 18:00 in London: sent then
        (datetime(2026, 11, 18, 6, 0, tzinfo=UTC), datetime(2026, 11, 19, 18, 0, tzinfo=UTC)),
        # 36 hours later is 22:00, inside the quiet hours: sent when they end, at 08:00
        (datetime(2026, 11, 18, 10, 0, tzinfo=UTC), datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
    ],
)
def test_the_check_in_waits_for_the_end_of_the_night(signed, expected):
    assert send_time(signed, DEFAULT_DELAY, QUIET, LONDON) == expected


def test_the_delay_is_24_to_48_hours():
    signed = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert send_time(signed, timedelta(hours=24), QUIET, LONDON) == datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
    for hours in (12, 49):
        with pytest.raises(ValueError):
            send_time(signed, timedelta(hours=hours), QUIET, LONDON)
