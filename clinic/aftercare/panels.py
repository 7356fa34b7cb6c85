"""Aftercare links on shared pages: the visit's actions, the client page (front desk), home."""

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import ALL_ROLES, CLINICAL_ROLES
from ..clock import clinic_today
from ..extensions import db
from ..models import Client, User, Visit
from ..web.panels import add_panel

RECENT_SHEETS = 5


def visits_of_day(clinic_id: int, therapist_id: int, day):
    """A therapist's visits of one day, in the order they started (one range of a day index)."""
    return (
        select(Visit)
        .where(Visit.clinic_id == clinic_id, Visit.therapist_id == therapist_id, Visit.visit_date == day)
        .order_by(Visit.created_at, Visit.id)
    )


def clinic_visits_of_day(clinic_id: int, day):
    """Every therapist's visits of one day: the day index's range for each of the clinic's therapists."""
    therapists = select(User.id).where(User.clinic_id == clinic_id, User.role.in_(CLINICAL_ROLES))
    return (
        select(Visit)
        .where(Visit.clinic_id == clinic_id, Visit.therapist_id.in_(therapists), Visit.visit_date == day)
        .order_by(Visit.created_at, Visit.id)
    )


def todays_visits(options=()) -> list[Visit]:
    """Today's visits (the clinic's time zone) in the order they started: a therapist's own, or for the
    front desk, who hands the sheets out, every therapist's (a range of the day index per therapist)."""
    clinic_id, today = current_user.clinic_id, clinic_today(current_user.clinic)
    if current_user.role != "frontdesk":
        query = visits_of_day(clinic_id, current_user.id, today)
    else:
        query = clinic_visits_of_day(clinic_id, today)
    return list(db.session.scalars(query.options(*options)))


def _client_sheets(client: Client, **_) -> dict | None:
    """Dates of the client's latest visits, each a link to its sheet: one query, whatever the count."""
    rows = db.session.execute(
        select(Visit.id, Visit.visit_date)
        .where(Visit.clinic_id == client.clinic_id, Visit.client_id == client.id)
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(RECENT_SHEETS)
    ).all()
    return {"visits": rows, "column": "side"} if rows else None


def _home_today(**_) -> dict | None:
    visits = todays_visits([joinedload(Visit.client)])
    return {"visits": visits} if visits else None


add_panel("visit_actions", "aftercare/_visit_action.html", ALL_ROLES, 10, lambda **_: {})
# Therapists and owners reach every sheet from the visit list and the visit page.
add_panel("client", "aftercare/_client_sheets.html", ("frontdesk",), 40, _client_sheets)
add_panel("home", "aftercare/_home_today.html", ALL_ROLES, 15, _home_today)
