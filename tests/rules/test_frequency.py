"""Tests for clinic.rules.frequency: phases and their boundaries, dates, rationale, bad input."""

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic.rules.frequency import CONVENTION, MAINTENANCE_MAX_DAYS, effective, next_due, recommend
from clinic.rules.vocabulary import CONDITIONS

ON = date(2026, 3, 2)  # a Monday


def make(
    onset_days: int = 10,
    pain_now: int = 6,
    points: int = 0,
    conditions: tuple[str, ...] = (),
    firsts: tuple[int, ...] = (),
) -> dict[str, Any]:
    """A payload; `firsts` are pain_before values of earlier visits, oldest first, a week apart."""
    history = [
        {"date": (ON - timedelta(weeks=len(firsts) - i)).isoformat(), "pain_before": p, "pain_after": None}
        for i, p in enumerate(firsts)
    ]
    return {
        "on": ON.isoformat(),
        "onset": (ON - timedelta(days=onset_days)).isoformat(),
        "pain_now": pain_now,
        "active_points": points,
        "conditions": list(conditions),
        "history": history,
    }


def gaps(result: dict[str, Any]) -> list[int]:
    days = [ON] + [date.fromisoformat(d) for d in result["proposed_dates"]]
    return [(b - a).days for a, b in zip(days, days[1:], strict=False)]


# --- phase boundaries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # the reference 3: acute is onset < 6 weeks (42 days); 6 to 12 weeks is subacute, treated as chronic
        (make(onset_days=0), "acute"),
        (make(onset_days=41), "acute"),
        (make(onset_days=42), "chronic"),
        (make(onset_days=83), "chronic"),
        (make(onset_days=84), "chronic"),
        # widespread from 9 active points, or fibromyalgia whatever the count
        (make(points=8), "acute"),
        (make(points=9), "widespread"),
        (make(onset_days=200, points=9), "widespread"),
        (make(conditions=("fibromyalgia",)), "widespread"),
        (make(conditions=("diabetes",)), "acute"),
        # maintenance once pain <= 2/10
        (make(pain_now=2), "maintenance"),
        (make(pain_now=3), "acute"),
        (make(pain_now=0), "maintenance"),
        # ... or a fall of >= 30% AND >= 2 points from the first visit
        (make(pain_now=7, firsts=(10,)), "maintenance"),  # 3 points, exactly 30%
        (make(pain_now=5, firsts=(7,)), "acute"),  # 2 points but 28.6%: under 30%
        (make(pain_now=7, firsts=(9,)), "acute"),  # 2 points, 22%
        (make(pain_now=4, firsts=(8,)), "maintenance"),  # 4 points, 50%
        (make(pain_now=4, firsts=(6,)), "maintenance"),  # exactly 2 points, 33%: both conditions hold
    ],
)
def test_phase_boundaries(case: dict[str, Any], expected: str) -> None:
    assert recommend(case)["phase"] == expected


def test_review_starts_at_the_sixth_session_counting_this_visit() -> None:
    # five earlier visits + this one = 6 sessions, pain 6 -> 6: no clinically important change
    assert recommend(make(pain_now=6, firsts=(6,) * 5))["phase"] == "review"
    # four earlier visits + this one = 5 sessions: not yet
    assert recommend(make(pain_now=6, firsts=(6,) * 4))["phase"] == "acute"


@pytest.mark.parametrize(
    ("first", "now", "expected"),
    [
        (7, 5, "chronic"),  # a 2-point fall is clinically important even under 30%: carry on
        (10, 9, "review"),  # 1 point, 10%
        (4, 3, "review"),  # 1 point, 25%
        (5, 7, "review"),  # worse
        (2, 2, "maintenance"),  # low pain throughout: maintenance wins over review (documented)
        (10, 7, "maintenance"),  # 30% and 3 points
    ],
)
def test_review_needs_no_clinically_important_change(first: int, now: int, expected: str) -> None:
    assert recommend(make(onset_days=100, pain_now=now, firsts=(first,) * 5))["phase"] == expected


def test_precedence() -> None:
    # review beats widespread: more of the same twice a week is what review exists to stop
    assert recommend(make(points=12, pain_now=6, firsts=(6,) * 5))["phase"] == "review"
    # maintenance beats widespread and acute
    assert recommend(make(points=12, pain_now=1, conditions=("fibromyalgia",)))["phase"] == "maintenance"


def test_first_visit_is_the_earliest_history_row_whatever_the_order() -> None:
    case = make(pain_now=2)
    case["history"] = [
        {"date": "2026-02-20", "pain_before": 9, "pain_after": 6},
        {"date": "2026-02-01", "pain_before": 7},  # earliest, pain_after may be absent
        {"date": "2026-02-10", "pain_before": 8, "pain_after": None},
    ]
    assert recommend(case)["rationale"][0].startswith("Pain fell from 7 to 2 since the first visit")


# --- dates and counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected_gaps", "review_after"),
    [
        # acute: twice a week (Mon/Thu: +3, +4) until the re-evaluation at session 4
        (make(), [3, 4, 3], 4),
        (make(firsts=(6,)), [3, 4], 4),
        (make(firsts=(6, 6)), [3], 4),
        # from session 4 on: weekly, re-evaluating every 4 sessions
        (make(firsts=(6, 6, 6)), [7, 7, 7, 7], 8),
        (make(firsts=(6, 6, 6, 6)), [7, 7, 7], 8),
        # chronic: weekly, re-evaluate every 4 sessions
        (make(onset_days=100), [7, 7, 7], 4),
        (make(onset_days=100, firsts=(6, 6, 6)), [7, 7, 7, 7], 8),
        # widespread: twice a week, re-evaluate every 4 sessions
        (make(points=10), [3, 4, 3], 4),
        (make(points=10, firsts=(6, 6, 6)), [3, 4, 3, 4], 8),
        # maintenance: 4 weeks at 0-1/10, 3 at 2/10, 2 above, until about 12 weeks
        (make(pain_now=0), [28, 28, 28], 4),
        (make(pain_now=1), [28, 28, 28], 4),
        (make(pain_now=2), [21, 21, 21, 21], 5),
        (make(pain_now=5, firsts=(9,)), [14] * 6, 8),
        # review: one re-evaluation visit a week later
        (make(pain_now=6, firsts=(6,) * 5), [7], 7),
    ],
)
def test_proposed_dates(case: dict[str, Any], expected_gaps: list[int], review_after: int) -> None:
    result = recommend(case)
    assert gaps(result) == expected_gaps
    assert result["sessions"] == len(expected_gaps)
    assert result["interval_days"] == expected_gaps[0]
    assert result["review_after"] == review_after


def test_acute_first_visit_dates_on_a_monday() -> None:
    assert recommend(make())["proposed_dates"] == ["2026-03-05", "2026-03-09", "2026-03-12"]


# --- rationale ---------------------------------------------------------------------------------------


def test_rationale_acute() -> None:
    rationale = recommend(make(onset_days=10))["rationale"]
    assert rationale[0] == "Acute (onset 10 days ago): twice a week for 2 weeks, then weekly."
    assert "Re-evaluate at session 4." in rationale
    assert rationale[-1] == CONVENTION
    assert "Practice convention, not a research finding" in CONVENTION


def test_rationale_maintenance_after_a_fall() -> None:
    rationale = recommend(make(pain_now=2, firsts=(7,)))["rationale"]
    # 7 -> 2 is a fall of 5/7 = 71%
    assert rationale[0] == "Pain fell from 7 to 2 since the first visit (−71%): maintenance every 3 weeks."
    assert any("never more than a month" in line for line in rationale)


def test_rationale_percent_is_rounded_half_up() -> None:
    # 3 -> 1 is a fall of 2/3 = 66.7%, which a person rounds to 67%
    assert "(−67%)" in recommend(make(pain_now=1, firsts=(3,)))["rationale"][0]


def test_rationale_maintenance_without_history() -> None:
    assert recommend(make(pain_now=1))["rationale"][0] == "Pain is 1/10 today: maintenance every 4 weeks."


@pytest.mark.parametrize(
    ("onset_days", "label"),
    [
        (42, "Subacute (onset 6 weeks ago), treated as chronic: weekly for 4 to 8 weeks"),
        (83, "Subacute (onset 11 weeks ago), treated as chronic"),
        (84, "Chronic (onset 12 weeks ago): weekly for 4 to 8 weeks"),
        (1, "Acute (onset 1 day ago)"),
        (0, "Acute (onset today)"),
        (20, "Acute (onset 2 weeks ago)"),
    ],
)
def test_rationale_onset_labels(onset_days: int, label: str) -> None:
    assert recommend(make(onset_days=onset_days))["rationale"][0].startswith(label)


def test_rationale_widespread_names_the_reason() -> None:
    first = recommend(make(points=12, conditions=("fibromyalgia",)))["rationale"][0]
    assert first.startswith("Widespread (12 active trigger points; fibromyalgia): twice a week")
    only = recommend(make(conditions=("fibromyalgia",)))["rationale"][0]
    assert only.startswith("Widespread (fibromyalgia): twice a week")


def test_rationale_review_and_progress() -> None:
    rationale = recommend(make(pain_now=9, firsts=(10,) * 5))["rationale"]
    # 10 -> 9 is a fall of 1 point, 10%
    assert rationale[0].startswith("No clinically important change after 6 sessions")
    assert "(−10%)" in rationale[0]
    assert any("refer" in line for line in rationale)
    # other phases report progress once there is history: 8 -> 6 is 25%
    progress = recommend(make(pain_now=6, firsts=(8,)))["rationale"]
    assert "Pain was 8/10 at the first visit and is 6/10 today (−25%)." in progress


def test_rationale_long_chronic_course() -> None:
    rationale = recommend(make(onset_days=200, pain_now=5, firsts=(7, 7, 6, 6, 6, 6, 5)))["rationale"]
    assert any("session 8" in line and "decide whether to continue" in line for line in rationale)


# --- property ----------------------------------------------------------------------------------------

history_rows = st.lists(
    st.fixed_dictionaries(
        {
            "date": st.integers(0, 400),
            "pain_before": st.integers(0, 10),
            "pain_after": st.none() | st.integers(0, 10),
        }
    ),
    max_size=12,
)


@settings(max_examples=300)
@given(
    on=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
    onset_days=st.integers(0, 3000),
    pain_now=st.integers(0, 10),
    points=st.integers(0, 40),
    conditions=st.lists(st.sampled_from(sorted(CONDITIONS)), max_size=4),
    rows=history_rows,
)
def test_any_valid_payload(
    on: date, onset_days: int, pain_now: int, points: int, conditions: list[str], rows: list[dict[str, Any]]
) -> None:
    history = [{**row, "date": (on - timedelta(days=row["date"])).isoformat()} for row in rows]
    result = recommend(
        {
            "on": on.isoformat(),
            "onset": (on - timedelta(days=onset_days)).isoformat(),
            "pain_now": pain_now,
            "active_points": points,
            "conditions": conditions,
            "history": history,
        }
    )
    dates = [date.fromisoformat(d) for d in result["proposed_dates"]]
    assert result["phase"] in {"acute", "chronic", "widespread", "maintenance", "review"}
    assert dates and dates[0] > on
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False))
    assert result["sessions"] == len(dates)
    assert result["review_after"] == len(history) + 1 + len(dates)
    assert result["interval_days"] == (dates[0] - on).days
    assert result["rationale"][-1] == CONVENTION
    if pain_now <= 2:
        assert result["phase"] == "maintenance"
    if result["phase"] == "maintenance":
        steps = [(b - a).days for a, b in zip([on, *dates], dates, strict=False)]
        assert max(steps) <= MAINTENANCE_MAX_DAYS
        assert result["interval_days"] <= MAINTENANCE_MAX_DAYS


# --- bad input ---------------------------------------------------------------------------------------

_DROP = object()


def _with(**changes: Any) -> dict[str, Any]:
    case = make(firsts=(7,))
    for key, value in changes.items():
        if value is _DROP:
            del case[key]
        else:
            case[key] = value
    return case


@pytest.mark.parametrize(
    ("case", "field"),
    [
        (_with(on=_DROP), "on"),
        (_with(on="2026-3-2"), "on"),
        (_with(on="2026-02-30"), "on"),
        (_with(on="20260302"), "on"),
        (_with(on=datetime(2026, 3, 2, 10)), "on"),
        (_with(on=20260302), "on"),
        (_with(onset=_DROP), "onset"),
        (_with(onset="yesterday"), "onset"),
        (_with(onset="2026-03-03"), "onset"),  # after on
        (_with(pain_now=_DROP), "pain_now"),
        (_with(pain_now=11), "pain_now"),
        (_with(pain_now=-1), "pain_now"),
        (_with(pain_now=5.0), "pain_now"),
        (_with(pain_now=True), "pain_now"),
        (_with(pain_now="5"), "pain_now"),
        (_with(active_points=-1), "active_points"),
        (_with(active_points=1.5), "active_points"),
        (_with(active_points=None), "active_points"),
        (_with(conditions=["fever", "flu"]), "conditions[1]"),
        (_with(conditions="fever"), "conditions"),
        (_with(history={"date": "2026-02-01"}), "history"),
        (_with(history=["2026-02-01"]), "history[0]"),
        (_with(history=[{"pain_before": 5}]), "history[0].date"),
        (_with(history=[{"date": "2026-03-03", "pain_before": 5}]), "history[0].date"),  # after on
        (_with(history=[{"date": "1 Feb", "pain_before": 5}]), "history[0].date"),
        (_with(history=[{"date": "2026-02-01"}]), "history[0].pain_before"),
        (
            _with(
                history=[{"date": "2026-02-01", "pain_before": 5}, {"date": "2026-02-08", "pain_before": 12}]
            ),
            "history[1].pain_before",
        ),
        (
            _with(history=[{"date": "2026-02-01", "pain_before": 5, "pain_after": "4"}]),
            "history[0].pain_after",
        ),
        (
            _with(history=[{"date": "2026-02-01", "pain_before": 5, "pain_after": 11}]),
            "history[0].pain_after",
        ),
    ],
)
def test_bad_input_names_the_field(case: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(field) + ":"):
        recommend(case)


def test_payload_must_be_a_mapping() -> None:
    with pytest.raises(ValueError, match="^payload:"):
        recommend([("on", "2026-03-02")])  # type: ignore[arg-type]


def test_dates_may_be_date_objects_and_optional_fields_default() -> None:
    result = recommend({"on": ON, "onset": ON - timedelta(days=10), "pain_now": 6})
    assert result["phase"] == "acute"
    assert result["proposed_dates"][0] == "2026-03-05"


# --- what applies of a stored frequency ---------------------------------------------------------------

WEEKLY = {"phase": "subacute", "proposed_dates": ["2026-03-09", "2026-03-16"]}
CHOSEN = {"phase": "chosen", "proposed_dates": ["2026-03-05"]}
REVIEW = {"phase": "review", "proposed_dates": []}


@pytest.mark.parametrize(
    ("frequency", "applies", "due"),
    [
        (None, None, None),  # no pain recorded yet: nothing stored
        ({}, None, None),
        ({"recommended": WEEKLY}, WEEKLY, date(2026, 3, 9)),
        ({"recommended": WEEKLY, "chosen": CHOSEN}, CHOSEN, date(2026, 3, 5)),  # the therapist's choice wins
        ({"recommended": None, "chosen": CHOSEN}, CHOSEN, date(2026, 3, 5)),  # kept when the pain is cleared
        ({"recommended": None}, None, None),
        ({"recommended": REVIEW}, REVIEW, None),
        ({"recommended": {"phase": "acute"}}, {"phase": "acute"}, None),  # no dates: nothing falls due
    ],
)
def test_what_applies_and_when_it_falls_due(frequency, applies, due) -> None:
    assert effective(frequency) == applies
    assert next_due(frequency) == due
