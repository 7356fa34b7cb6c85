"""The client's form read into the rule's Answers, with an error per field; and the answers stored."""

from dataclasses import asdict

from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..models import CheckIn, TriggerPoint
from ..rules.checkin import BRUISING, RED_FLAGS, SLEEP, Answers, Triage, region_pain_after, triage
from ..rules.vocabulary import region_label


def treated_regions(visit_id: int) -> dict[str, int | None]:
    """Region -> the visit's pain after there, in the order the points were noted."""
    rows = db.session.execute(
        select(TriggerPoint.region, TriggerPoint.pain_after)
        .where(TriggerPoint.visit_id == visit_id)
        .order_by(TriggerPoint.number)
    ).all()
    return region_pain_after([(region, after) for region, after in rows])


def _scale(raw: str, label: str, errors: dict[str, str], name: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.isdigit() and 0 <= int(raw) <= 10:
        return int(raw)
    errors[name] = f"{label}: choose a number from 0 to 10."
    return None


def read(form, regions: dict[str, int | None]) -> tuple[Answers | None, dict[str, str]]:
    """(answers, {}) or (None, {field name: message}) for every problem at once."""
    errors: dict[str, str] = {}
    flags = {}
    for code, (question, _) in RED_FLAGS.items():
        value = form.get(f"flag-{code}")
        if value not in ("yes", "no"):
            errors[f"flag-{code}"] = f"{question} Please answer yes or no."
        flags[code] = value == "yes"
    soreness = _scale(form.get("soreness"), "Soreness", errors, "soreness")
    pains = {
        region: _scale(form.get(f"region-{region}"), region_label(region), errors, f"region-{region}")
        for region in regions
    }
    sleep = form.get("sleep") or None
    if sleep is not None and sleep not in SLEEP:
        errors["sleep"] = "Sleep: choose one of the answers."
    bruising = form.get("bruising") or None
    if bruising is not None and bruising not in BRUISING:
        errors["bruising"] = "Bruising: choose one of the answers."
    if errors:
        return None, errors
    return Answers(flags, soreness, {r: p for r, p in pains.items() if p is not None}, sleep, bruising), {}


def assess(answers: Answers, regions: dict[str, int | None]) -> Triage:
    return triage(answers, regions, {region: region_label(region) for region in regions})


def land(check_in: CheckIn, answers: Answers, result: Triage) -> None:
    """Store the answers and their triage on the check-in (sealed at rest); the caller commits."""
    check_in.answers = {**asdict(answers), "reasons": list(result.reasons)}
    check_in.level = result.level
    check_in.answered_at = utcnow()


def mark_handled(check_in: CheckIn, user_id: int) -> None:
    check_in.handled_at = utcnow()
    check_in.handled_by_id = user_id


def latest_answered(client_id: int, clinic_id: int) -> CheckIn | None:
    return db.session.scalars(
        select(CheckIn)
        .where(
            CheckIn.clinic_id == clinic_id, CheckIn.client_id == client_id, CheckIn.answered_at.is_not(None)
        )
        .order_by(CheckIn.answered_at.desc())
        .limit(1)
    ).first()
