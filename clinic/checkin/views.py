"""Where check-in answers land for staff: the home page (answers that need a call, at the top), the
visit's page, and the next visit's form; and the therapist's "handled" after the call."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import contains_eager

from .. import audit
from ..access import CLINICAL_ROLES, roles_required
from ..extensions import db
from ..models import CheckIn, Client, Visit
from ..rules.checkin import BRUISING, LEVEL_LABELS, LEVELS, SLEEP
from ..web.panels import add_panel
from .answers import latest_answered, mark_handled

bp = Blueprint("checkin", __name__)
NEEDS_A_CALL = tuple(level for level in LEVELS if level != "expected")
_MOST_URGENT_FIRST = case({level: -n for n, level in enumerate(LEVELS)}, value=CheckIn.level)


def calls_panel(**_context) -> dict | None:
    """Answered check-ins whose triage needs a call and that nobody has handled: a therapist's own
    clients, or every client for the owner. Hidden when there are none."""
    query = (
        select(CheckIn)
        .join(CheckIn.client)
        .join(CheckIn.visit)
        .options(contains_eager(CheckIn.client), contains_eager(CheckIn.visit))
        .where(
            CheckIn.clinic_id == current_user.clinic_id,
            CheckIn.handled_at.is_(None),
            CheckIn.level.in_(NEEDS_A_CALL),
        )
        .order_by(_MOST_URGENT_FIRST, CheckIn.answered_at)
        .limit(50)
    )
    if current_user.role == "therapist":
        query = query.where(Visit.therapist_id == current_user.id)
    rows = list(db.session.scalars(query))
    return {"rows": rows, "labels": LEVEL_LABELS} if rows else None


def visit_panel(visit: Visit, **_context) -> dict | None:
    check_in = db.session.scalars(
        select(CheckIn).where(CheckIn.clinic_id == visit.clinic_id, CheckIn.visit_id == visit.id)
    ).first()
    if check_in is None:
        return None
    return _shown(check_in)


def last_check_in_panel(client: Client, **_context) -> dict | None:
    """On the next visit's form: what the client answered after the last session."""
    check_in = latest_answered(client.id, client.clinic_id)
    if check_in is None:
        return None
    return _shown(check_in) | {"heading": True}


def _shown(check_in: CheckIn) -> dict:
    return {"check_in": check_in, "labels": LEVEL_LABELS, "sleep": SLEEP, "bruising": BRUISING}


@bp.post("/check-ins/<int:check_in_id>/handled")
@roles_required(*CLINICAL_ROLES)
def handled(check_in_id: int):
    check_in = db.session.scalars(
        select(CheckIn).where(CheckIn.id == check_in_id, CheckIn.clinic_id == current_user.clinic_id)
    ).first()
    if check_in is None or check_in.answered_at is None:
        abort(404)
    if check_in.handled_at is None:
        mark_handled(check_in, current_user.id)
        audit.record(
            "checkin.handled", object_type="visit", object_id=check_in.visit_id, client_id=check_in.client_id
        )
        db.session.commit()
        flash("Marked as handled.", "success")
    return redirect(url_for("home.index"))


add_panel("home", "checkin/_home_calls.html", CLINICAL_ROLES, -10, calls_panel)
add_panel("visit", "checkin/_visit_panel.html", CLINICAL_ROLES, 10, visit_panel)
add_panel("alerts", "checkin/_visit_panel.html", CLINICAL_ROLES, 5, last_check_in_panel)
