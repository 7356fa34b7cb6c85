"""Visit operations: start, save the note, screen what is performed, sign, addenda. Services flush."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..clock import utcnow
from ..extensions import db
from ..models import Addendum, Appointment, Client, TriggerPoint, User, Visit
from ..rules.reasons import share_reasons
from ..rules.vocabulary import REGION_GROUPS, REGIONS, TECHNIQUES
from . import frequency as visit_frequency
from .signing import POINT_FIELDS as SIGNED_POINT_FIELDS
from .signing import content_hash

NOTE_TEXT_FIELDS = (
    "subjective",
    "objective",
    "assessment",
    "plan",
    "adverse_responses",
    "lubricant",
    "aftercare_given",
    "notes",
)
# What a point records, apart from its number (given by its place in the list).
POINT_FIELDS = tuple(name for name in SIGNED_POINT_FIELDS if name != "number")


class NoteLocked(Exception):
    """The note is signed: it cannot change (corrections are addenda)."""


class NotAuthor(Exception):
    """Only the author edits or signs an unsigned note."""


class NoteProblems(Exception):
    """What must be fixed before saving or signing: (field path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


class EditConflict(Exception):
    """The note was saved elsewhere after this form was opened."""


def _screening():
    from ..screening import services as screening

    return screening


def _intake():
    from ..intake import services as intake

    return intake


def leg_group_for(region: str) -> str | None:
    """The leg a single leg region belongs to (a leg massager is planned per leg)."""
    for group in ("leg_l", "leg_r"):
        if region in REGION_GROUPS[group]:
            return group
    return None


@dataclass
class ScreenedPlan:
    items: list[dict[str, Any]]  # [{"technique", "region", "decision", "reason", "source"}]
    result: dict[str, Any]


def performed_items(plan_items: list[dict], points: list[dict]) -> list[dict]:
    """The plan, followed by each technique-at-region a point records that the plan lacks."""
    items = [
        {
            "technique": i["technique"],
            "region": i["region"],
            "decision": i.get("decision") or "proceed",
            "reason": (i.get("reason") or "").strip(),
            "source": "plan",
            "share": bool(i.get("share")),
        }
        for i in plan_items
    ]
    seen = {(i["technique"], i["region"]) for i in items}
    for point in points:
        if not _screenable(point):
            continue
        technique, region = point["technique"], point["region"]
        if technique == "leg_massager":
            region = leg_group_for(region) or region
        if (technique, region) not in seen:
            seen.add((technique, region))
            items.append(
                {
                    "technique": technique,
                    "region": region,
                    "decision": "proceed",
                    "reason": "",
                    "source": "point",
                }
            )
    return items


def _screenable(point: dict) -> bool:
    """A point names a known technique and region (a point still being typed may not yet)."""
    return point.get("technique") in TECHNIQUES and point.get("region") in REGIONS


def screen_plan(visit: Visit, plan_items: list[dict], points: list[dict]) -> ScreenedPlan:
    items = performed_items(plan_items, points)
    record = visit.health_record
    plan = [{"technique": i["technique"], "region": i["region"]} for i in items]
    try:
        result = _screening().screen_for_client(visit.client, record, plan, visit.visit_date)
    except ValueError as error:
        raise NoteProblems([("plan_items", str(error))]) from None
    share_reasons(items, result["items"])  # "same reason for all", and tapped points' reasons
    return ScreenedPlan(items, result)


def check_decisions(screened: ScreenedPlan, points: list[dict], signing: bool) -> list[tuple[str, str]]:
    """A contraindicated item cannot be performed; going ahead against refer/modify needs a reason."""
    problems = []
    verdicts = {}
    for index, (item, outcome) in enumerate(zip(screened.items, screened.result["items"], strict=True)):
        verdicts[(item["technique"], item["region"])] = outcome
        if item["decision"] != "proceed":
            continue
        where = f"plan_items-{index}" if item["source"] == "plan" else _point_path(item, points)
        if outcome["verdict"] == "contraindicated":
            reasons = "; ".join(f["message"] for f in outcome["findings"])
            problems.append(
                (
                    f"{where}-decision" if item["source"] == "plan" else where,
                    f"{_label(item)} is contraindicated today: record it as withheld. {reasons}",
                )
            )
        elif outcome["verdict"] in ("refer", "modify") and signing and not item["reason"]:
            if item["source"] == "plan":
                problems.append(
                    (f"{where}-reason", f"{_label(item)} needs a reason to go ahead ({outcome['verdict']}).")
                )
            else:
                problems.append(
                    (
                        where,
                        f"{_label(item)} is screened '{outcome['verdict']}': add it to the plan "
                        "with your reason to go ahead.",
                    )
                )
    for index, point in enumerate(points):
        if not _screenable(point):
            continue
        technique, region = point["technique"], point["region"]
        key = (technique, leg_group_for(region) if technique == "leg_massager" else region)
        outcome = verdicts.get(key)
        plan_item = next((i for i in screened.items if (i["technique"], i["region"]) == key), None)
        if (
            outcome
            and outcome["verdict"] == "contraindicated"
            and plan_item
            and plan_item["decision"] == "withheld"
        ):
            problems.append(
                (
                    f"points-{index}-technique",
                    f"Point {index + 1}: {_label({'technique': technique, 'region': region})} was withheld "
                    "today and cannot be recorded as performed.",
                )
            )
    return problems


def _point_path(item: dict, points: list[dict]) -> str:
    """The form path of the first point that performs this technique at this region."""
    for index, point in enumerate(points):
        if not _screenable(point):
            continue
        region = point["region"]
        if point["technique"] == "leg_massager":
            region = leg_group_for(region) or region
        if (point["technique"], region) == (item["technique"], item["region"]):
            return f"points-{index}-technique"
    return "points"


def _label(item: dict) -> str:
    from ..rules.vocabulary import TECHNIQUES, region_label

    return f"{TECHNIQUES.get(item['technique'], item['technique'])} at {region_label(item['region'])}"


def start_visit(
    client: Client,
    therapist: User,
    plan_items: list[dict],
    changes: str,
    on: date,
    appointment: Appointment | None = None,
) -> Visit:
    """Record the health update, create the draft note and screen the plan."""
    intake = _intake()
    try:
        record = intake.record_update(client, therapist, None, changes)
    except intake.NoHealthHistory:
        raise NoteProblems(
            [("changes", "Record the health history first: the plan is screened against it.")]
        ) from None
    visit = Visit(
        clinic_id=client.clinic_id,
        client=client,
        therapist_id=therapist.id,
        visit_date=on,
        health_record=record,
        appointment_id=appointment.id if appointment else None,
    )
    db.session.add(visit)
    screened = screen_plan(visit, plan_items, [])
    _store_screening(visit, screened)
    db.session.flush()
    return visit


def _store_screening(visit: Visit, screened: ScreenedPlan) -> None:
    visit.plan_items = [
        {k: i[k] for k in ("technique", "region", "decision", "reason", "source")} for i in screened.items
    ]
    visit.screening = screened.result
    visit.rules_version = screened.result["rules_version"]
    visit.overrides = [
        {
            "index": n,
            "technique": i["technique"],
            "region": i["region"],
            "verdict": o["verdict"],
            "reason": i["reason"],
        }
        for n, (i, o) in enumerate(zip(screened.items, screened.result["items"], strict=True))
        if i["decision"] == "proceed" and o["verdict"] in ("refer", "modify")
    ]
    visit.withheld = [
        {"index": n, "technique": i["technique"], "region": i["region"], "verdict": o["verdict"]}
        for n, (i, o) in enumerate(zip(screened.items, screened.result["items"], strict=True))
        if i["decision"] == "withheld"
    ]


def ensure_editable(visit: Visit, user: User) -> None:
    if visit.is_signed:
        raise NoteLocked()
    if visit.therapist_id != user.id:
        raise NotAuthor()


def _planned(data: dict) -> list[dict]:
    return [item for item in data.get("plan_items", []) if item.get("technique") and item.get("region")]


def note_problems(visit: Visit, data: dict, signing: bool) -> list[tuple[str, str]]:
    """Every problem of the note as typed, found in one go and written nowhere.

    The form's own checks may have failed too: what can be screened (plan items and points with a
    known technique and region) is screened anyway, so a contraindicated point is reported in the
    same round as a pain of 12, not after it is fixed. Signing also needs the session pain before.
    """
    plan_items = [
        item
        for item in _planned(data)
        if item["technique"] in TECHNIQUES and (item["region"] in REGIONS or item["region"] in REGION_GROUPS)
    ]
    points = data.get("points", [])
    try:
        problems = check_decisions(screen_plan(visit, plan_items, points), points, signing)
    except NoteProblems as error:
        problems = list(error.problems)
    if signing and data.get("pain_before") is None:
        problems.append(("pain_before", "Record the session pain before treatment."))
    return problems


def save_note(visit: Visit, user: User, data: dict, seen_version: int | None, signing: bool = False) -> None:
    """Apply the note form; screen the plan and the points together; refuse what is unsafe."""
    ensure_editable(visit, user)
    if seen_version is not None and seen_version != visit.version:
        raise EditConflict()
    plan_items = _planned(data)
    points = data.get("points", [])
    screened = screen_plan(visit, plan_items, points)
    problems = check_decisions(screened, points, signing)
    if problems:
        raise NoteProblems(problems)
    for name in NOTE_TEXT_FIELDS:
        setattr(visit, name, (data.get(name) or "").strip())
    visit.pain_before = data.get("pain_before")
    visit.pain_after = data.get("pain_after")
    _store_screening(visit, screened)
    try:
        _replace_points(visit, points)
        visit_frequency.refresh_recommendation(visit)
        db.session.flush()
    except StaleDataError:  # saved in another window between our read and our write
        raise EditConflict() from None


def _replace_points(visit: Visit, points: list[dict]) -> None:
    for old in list(visit.points):
        visit.points.remove(old)
        db.session.delete(old)
    db.session.flush()
    for number, values in enumerate(points, start=1):
        point = TriggerPoint(number=number, **{name: values.get(name) for name in POINT_FIELDS})
        point.view = point.view or None
        point.referral = (point.referral or "").strip()
        point.tool_detail = (point.tool_detail or "").strip()
        visit.points.append(point)


def sign(visit: Visit, user: User) -> None:
    ensure_editable(visit, user)
    problems = check_decisions(ScreenedPlan(visit.plan_items, visit.screening), _points_as_dicts(visit), True)
    if visit.pain_before is None:
        problems.append(("pain_before", "Record the session pain before treatment."))
    if problems:
        raise NoteProblems(problems)
    visit.signed_at = utcnow()
    visit.signed_by_id = user.id
    visit.content_hash = content_hash(visit)
    db.session.flush()


def _points_as_dicts(visit: Visit) -> list[dict]:
    return [{name: getattr(p, name) for name in POINT_FIELDS} for p in visit.points]


def add_addendum(visit: Visit, user: User, reason: str, text: str) -> Addendum:
    addendum = Addendum(visit=visit, author_id=user.id, reason=reason.strip(), text=text.strip())
    db.session.add(addendum)
    db.session.flush()
    return addendum


def previous_visit(visit: Visit) -> Visit | None:
    return db.session.scalar(
        select(Visit)
        .where(Visit.client_id == visit.client_id, Visit.id != visit.id, Visit.visit_date <= visit.visit_date)
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(1)
    )


def copy_points_from(visit: Visit, source: Visit, user: User) -> int:
    """Bring the previous visit's points forward into this draft, for editing."""
    ensure_editable(visit, user)
    start = len(visit.points)
    for number, old in enumerate(source.points, start=start + 1):
        visit.points.append(
            TriggerPoint(number=number, **{name: getattr(old, name) for name in POINT_FIELDS})
        )
    db.session.flush()
    return len(source.points)
