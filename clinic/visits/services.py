"""Visit operations: start, save the note, screen what is performed, sign, addenda. Services flush."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..clock import utcnow
from ..extensions import db
from ..intake import services as intake
from ..models import Addendum, Appointment, Client, TriggerPoint, User, Visit
from ..rules import decisions
from ..rules.reasons import share_reasons
from ..rules.vocabulary import REGION_GROUPS, REGIONS, TECHNIQUES
from ..screening import services as screening
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


@dataclass
class ScreenedPlan:
    items: list[dict[str, Any]]  # [{"technique", "region", "decision", "reason", "source"}]
    result: dict[str, Any]


def screen_plan(visit: Visit, plan_items: list[dict], points: list[dict]) -> ScreenedPlan:
    items = decisions.performed_items(plan_items, points)
    record = visit.health_record
    plan = [{"technique": i["technique"], "region": i["region"]} for i in items]
    try:
        result = screening.screen_for_client(visit.client, record, plan, visit.visit_date)
    except ValueError as error:
        raise NoteProblems([("plan_items", str(error))]) from None
    share_reasons(items, result["items"])  # "same reason for all", and tapped points' reasons
    return ScreenedPlan(items, result)


def check_decisions(screened: ScreenedPlan, points: list[dict], signing: bool) -> list[tuple[str, str]]:
    """What must be fixed before saving or signing this screened plan (rules/decisions.py decides)."""
    return decisions.check_decisions(screened.items, screened.result["items"], points, signing)


def start_visit(
    client: Client,
    therapist: User,
    plan_items: list[dict],
    changes: str,
    on: date,
    appointment: Appointment | None = None,
) -> Visit:
    """Record the health update, create the draft note and screen the plan."""
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
