"""The recommended frequency of a visit: built from the note and the client's history, changeable."""

from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Visit
from ..rules.frequency import RULES_VERSION, next_due, recommend


def history_for(visit: Visit) -> list[dict]:
    """Earlier visits of the client with a recorded pain, oldest first."""
    rows = db.session.execute(
        select(Visit.visit_date, Visit.pain_before, Visit.pain_after)
        .where(
            Visit.client_id == visit.client_id,
            Visit.id != visit.id,
            Visit.visit_date <= visit.visit_date,
            Visit.pain_before.is_not(None),
        )
        .order_by(Visit.visit_date, Visit.id)
    ).all()
    return [{"date": d.isoformat(), "pain_before": b, "pain_after": a} for d, b, a in rows]


def payload_for(visit: Visit) -> dict | None:
    """The recommend() payload, or None while the note lacks this session's pain."""
    if visit.pain_before is None:
        return None
    record = visit.health_record
    history = history_for(visit)
    onset = record.onset_date if record and record.onset_date else None
    if onset is None or onset > visit.visit_date:
        # Unknown onset: count from the first visit, the earliest date we know the complaint existed.
        onset = date.fromisoformat(history[0]["date"]) if history else visit.visit_date
    conditions = sorted({c["code"] for c in (record.conditions if record else [])})
    return {
        "on": visit.visit_date.isoformat(),
        "onset": onset.isoformat(),
        "pain_now": visit.pain_before,
        "active_points": sum(1 for p in visit.points if p.kind == "active"),
        "conditions": conditions,
        "history": history,
    }


def refresh_recommendation(visit: Visit) -> None:
    """Recompute the recommendation; a therapist's own choice, if any, is kept."""
    payload = payload_for(visit)
    previous = visit.frequency or {}
    if payload is None:
        visit.frequency = {**previous, "recommended": None} if previous.get("chosen") else None
    else:
        result = recommend(payload)
        visit.frequency = {**previous, "recommended": result, "rules_version": RULES_VERSION}
    visit.next_due = next_due(visit.frequency)


def choose(visit: Visit, interval_days: int, sessions: int, reason: str) -> None:
    """The therapist's own plan: every `interval_days` for `sessions` sessions, with why."""
    recommended = (visit.frequency or {}).get("recommended") or {}
    dates = [visit.visit_date + timedelta(days=interval_days * n) for n in range(1, sessions + 1)]
    chosen = {
        "phase": recommended.get("phase", "chosen"),
        "interval_days": interval_days,
        "sessions": sessions,
        "review_after": sessions,
        "proposed_dates": [d.isoformat() for d in dates],
        "rationale": [f"Chosen by the therapist: every {interval_days} days for {sessions} sessions."]
        + ([f"Why: {reason.strip()}"] if reason.strip() else []),
    }
    visit.frequency = {**(visit.frequency or {}), "chosen": chosen, "changed_reason": reason.strip()}
    visit.next_due = next_due(visit.frequency)


def clear_choice(visit: Visit) -> None:
    frequency = dict(visit.frequency or {})
    frequency.pop("chosen", None)
    frequency.pop("changed_reason", None)
    visit.frequency = frequency or None
    visit.next_due = next_due(visit.frequency)
