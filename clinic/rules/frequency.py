"""Recommended treatment frequency (the reference section 3): phase, follow-up dates and the reasons in words.

Everything here is practice convention labelled as such; only the "clinically important change"
threshold (a fall of >= 2 points or >= 30% on the 0-10 scale, Farrar et al. 2001) comes from research.

Decisions (docs/clinical-reference.md leaves them open):
- This visit is session n = len(history) + 1 of the course. The course's first pain is the pain_before of
  the earliest history row (list order breaks date ties), or pain_now when there is no history.
- Precedence: maintenance > review > widespread > acute > subacute/chronic. Maintenance by a fall
  (>= 30% AND >= 2 points) and review (no fall of >= 2 points or >= 30%) can never both hold; they only
  meet when pain is already <= 2/10 without having fallen, and then maintenance wins: there is little
  pain left to change, so a referral is not warranted and maintenance is already less of the same.
- Review starts at n >= 6 (five earlier visits plus this one) with no clinically important change.
  It proposes one re-evaluation visit a week later instead of another block of treatment.
- Twice-a-week dates alternate +3 and +4 days starting from `on` (a Monday/Thursday rhythm).
- Acute: twice a week until session 4 (the re-evaluation), weekly afterwards. Acute after session 4,
  subacute, chronic and widespread re-evaluate at the next multiple of 4 sessions.
- Maintenance: every 4 weeks at 0-1/10, 3 weeks at 2/10, 2 weeks above 2/10 (reached by a fall),
  never more than 31 days apart; dates up to a re-evaluation about 12 weeks later.
- proposed_dates are the follow-up visits up to and including the review point, so
  sessions == len(proposed_dates), review_after is the course session number of the last one
  (n + sessions) and interval_days is the number of days from `on` to the first one.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from clinic.rules.vocabulary import CONDITIONS

RULES_VERSION = "frequency-1"

ACUTE_BEFORE_DAYS = 42  # onset < 6 weeks
CHRONIC_FROM_DAYS = 84  # onset >= 12 weeks; 42-83 days is subacute, treated as chronic
WIDESPREAD_POINTS = 9
MAINTENANCE_PAIN = 2
REVIEW_FROM_SESSION = 6
REVIEW_EVERY = 4
ACUTE_TWICE_WEEKLY_UNTIL = 4  # 2 a week for 2 weeks = sessions 1-4
MAINTENANCE_MAX_DAYS = 31  # the seed guide: "at least once a month"
MAINTENANCE_REVIEW_DAYS = 84
REVIEW_VISIT_DAYS = 7
TWICE_WEEKLY_GAPS = (3, 4)

CONVENTION = "Practice convention, not a research finding: the therapist can change this plan."

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def recommend(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The recommended phase, rhythm and follow-up dates for this visit; ValueError names a bad field."""
    on, onset, pain_now, points, conditions, history = _validate(payload)
    session = len(history) + 1
    first_pain = min(history, key=lambda row: row[0])[1] if history else pain_now
    fall = first_pain - pain_now
    # with whole-number pain the 30% arm cannot decide a phase today (a 1-point fall of >= 30% ends at
    # <= 2/10, which is maintenance); it is kept so the rule reads as docs/clinical-reference.md states it
    important = fall >= 2 or (fall > 0 and fall * 10 >= first_pain * 3)
    fibromyalgia = "fibromyalgia" in conditions
    onset_days = (on - onset).days
    trend = _trend(first_pain, pain_now)

    if pain_now <= MAINTENANCE_PAIN or (fall >= 2 and fall * 10 >= first_pain * 3):
        interval = 28 if pain_now <= 1 else 21 if pain_now == 2 else 14
        count = MAINTENANCE_REVIEW_DAYS // interval
        gaps = [interval] * count
        if fall > 0:
            first = f"Pain fell from {first_pain} to {pain_now} since the first visit ({trend})"
        else:
            first = f"Pain is {pain_now}/10 today"
        rationale = [
            f"{first}: maintenance every {interval // 7} weeks.",
            "Maintenance visits are never more than a month apart, so the benefit is kept.",
            f"Re-evaluate in about 12 weeks, at session {session + count}.",
        ]
        phase = "maintenance"
    elif session >= REVIEW_FROM_SESSION and not important:
        gaps = [REVIEW_VISIT_DAYS]
        rationale = [
            f"No clinically important change after {session} sessions: pain was {first_pain}/10 at the "
            f"first visit and is {pain_now}/10 today ({trend}).",
            "Re-evaluate the plan or refer, rather than continue the same treatment; "
            "the proposed date is for that re-evaluation.",
            "A clinically important change is a fall of at least 2 points or 30% (Farrar et al. 2001).",
        ]
        phase = "review"
    elif points >= WIDESPREAD_POINTS or fibromyalgia:
        why = [f"{points} active trigger points"] if points >= WIDESPREAD_POINTS else []
        why += ["fibromyalgia"] if fibromyalgia else []
        review_at = _next_review(session)
        gaps = _twice_weekly(review_at - session)
        rationale = [
            f"Widespread ({'; '.join(why)}): twice a week, re-evaluating every 4 sessions.",
            f"Re-evaluate at session {review_at}.",
        ]
        phase = "widespread"
    elif onset_days < ACUTE_BEFORE_DAYS:
        head = f"Acute (onset {_ago(onset_days)}): twice a week for 2 weeks, then weekly."
        if session < ACUTE_TWICE_WEEKLY_UNTIL:
            review_at = ACUTE_TWICE_WEEKLY_UNTIL
            gaps = _twice_weekly(review_at - session)
            rationale = [head, f"Re-evaluate at session {review_at}."]
        else:
            review_at = _next_review(session)
            gaps = [7] * (review_at - session)
            rationale = [head, f"The first 2 weeks are done: weekly now; re-evaluate at session {review_at}."]
        phase = "acute"
    else:
        name = "Chronic" if onset_days >= CHRONIC_FROM_DAYS else "Subacute"
        label = f"{name} (onset {_ago(onset_days)})" + (", treated as chronic" if name == "Subacute" else "")
        review_at = _next_review(session)
        gaps = [7] * (review_at - session)
        rationale = [
            f"{label}: weekly for 4 to 8 weeks, re-evaluating every 4 sessions.",
            f"Re-evaluate at session {review_at}.",
        ]
        if session >= 8:
            rationale.append(
                f"This is session {session}: the usual weekly course of 4 to 8 weeks is done, "
                "so decide whether to continue."
            )
        phase = "chronic"

    if history and phase not in ("maintenance", "review"):
        progress = f"Pain was {first_pain}/10 at the first visit and is {pain_now}/10 today ({trend})."
        rationale.insert(1, progress)
    rationale.append(CONVENTION)
    dates = _dates(on, gaps)
    return {
        "phase": phase,
        "interval_days": gaps[0],
        "sessions": len(dates),
        "review_after": session + len(dates),
        "proposed_dates": [d.isoformat() for d in dates],
        "rationale": rationale,
    }


def effective(frequency: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What applies of a visit's stored frequency: the therapist's choice, else the recommendation."""
    if not frequency:
        return None
    return frequency.get("chosen") or frequency.get("recommended")


def next_due(frequency: Mapping[str, Any] | None) -> date | None:
    """The first proposed date of what applies (the recall list's due date), or None."""
    plan = effective(frequency)
    if not plan or not plan.get("proposed_dates"):
        return None
    return date.fromisoformat(plan["proposed_dates"][0])


def _next_review(session: int) -> int:
    """The next multiple of REVIEW_EVERY after this session (this visit's own review is done today)."""
    return (session // REVIEW_EVERY + 1) * REVIEW_EVERY


def _twice_weekly(count: int) -> list[int]:
    return [TWICE_WEEKLY_GAPS[i % 2] for i in range(count)]


def _dates(on: date, gaps: list[int]) -> list[date]:
    dates, current = [], on
    for gap in gaps:
        current += timedelta(days=gap)
        dates.append(current)
    return dates


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} ago"
    return f"{days // 7} weeks ago"


def _trend(first: int, now: int) -> str:
    """The change as a client reads it: "−71%" for a fall (rounded half up), "+20%" for a rise."""
    if first == now:
        return "no change"
    if first == 0:
        return f"up {now - first} points"
    change = abs(first - now)
    percent = (change * 200 + first) // (2 * first)
    return f"{'−' if now < first else '+'}{percent}%"


def _validate(payload: Any) -> tuple[date, date, int, int, frozenset[str], list[tuple[date, int]]]:
    if not isinstance(payload, Mapping):
        raise ValueError("payload: expected a mapping of fields")
    on = _date(payload.get("on"), "on")
    onset = _date(payload.get("onset"), "onset")
    if onset > on:
        raise ValueError("onset: must not be after on")
    pain_now = _pain(payload.get("pain_now"), "pain_now")
    points = payload.get("active_points", 0)
    if type(points) is not int or points < 0:
        raise ValueError(f"active_points: expected a whole number 0 or more, got {points!r}")
    conditions = payload.get("conditions", [])
    if not isinstance(conditions, list | tuple | set | frozenset):
        raise ValueError("conditions: expected a list of condition codes")
    for i, code in enumerate(conditions):
        if not isinstance(code, str) or code not in CONDITIONS:
            raise ValueError(f"conditions[{i}]: unknown condition code {code!r}")
    rows = payload.get("history", [])
    if not isinstance(rows, list | tuple):
        raise ValueError("history: expected a list of earlier visits")
    history = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ValueError(f"history[{i}]: expected a mapping with date, pain_before and pain_after")
        when = _date(row.get("date"), f"history[{i}].date")
        if when > on:
            raise ValueError(f"history[{i}].date: must not be after on")
        before = _pain(row.get("pain_before"), f"history[{i}].pain_before")
        if row.get("pain_after") is not None:
            _pain(row["pain_after"], f"history[{i}].pain_after")
        history.append((when, before))
    return on, onset, pain_now, points, frozenset(conditions), history


def _date(value: Any, field: str) -> date:
    """A date from an ISO "YYYY-MM-DD" string or a date (not a datetime: a time of day would be dropped)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if value is None:
        raise ValueError(f"{field}: required (a date as YYYY-MM-DD)")
    raise ValueError(f"{field}: expected a date as YYYY-MM-DD, got {value!r}")


def _pain(value: Any, field: str) -> int:
    # bool is an int subclass; True must not pass as pain 1
    if type(value) is not int or not 0 <= value <= 10:
        raise ValueError(f"{field}: expected a whole number from 0 to 10, got {value!r}")
    return value
