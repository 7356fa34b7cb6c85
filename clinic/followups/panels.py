"""Follow-ups on the visit pages: "Book follow-ups" before printing, and what was booked from the visit."""

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import select

from ..access import CLINICAL_ROLES
from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Clinic, Visit
from ..rules.scheduling import day_start
from ..web.panels import add_panel
from . import services as followups

DIARY_MOST = 12  # a plan is at most 12 sessions


def booked_from(visit: Visit) -> list[Appointment]:
    """The visit's booked follow-ups, read once per request (two panels of the page show them)."""
    cache = g.setdefault("follow_ups_booked", {})
    if visit.id not in cache:
        cache[visit.id] = followups.booked_from(visit)
    return cache[visit.id]


def next_step(visit: Visit, **_) -> dict | None:
    """On a signed note with a plan: book the follow-ups first, so the aftercare sheet lists them."""
    if not visit.is_signed or followups.recommendation_of(visit) is None:
        return None
    if "followups.book" not in current_app.view_functions:
        return None
    return {"booked": booked_from(visit)}


def booked(visit: Visit, **_) -> dict | None:
    """What was booked, shown instead of the recommendation's proposed dates: the follow-ups booked
    from the visit, and the client's other appointments in the plan's span (they count for it)."""
    made = booked_from(visit)
    if not made:
        return None  # nothing booked yet: the proposed dates stay, the booking page shows the diary
    dates = followups.plan_dates(followups.recommendation_of(visit))
    if not dates:
        return {"booked": made, "diary": []}
    tz = db.session.get(Clinic, visit.clinic_id).tz
    since = day_start(visit.visit_date + timedelta(days=1), tz)
    until = day_start(dates[-1] + timedelta(days=followups.SEARCH_DAYS), tz)
    mine = {a.id for a in made}
    diary = [
        a
        for a in db.session.scalars(
            select(Appointment)
            .where(
                Appointment.clinic_id == visit.clinic_id,
                Appointment.client_id == visit.client_id,
                Appointment.status.in_(ACTIVE_STATUSES),
                Appointment.start_at >= since,
                Appointment.start_at < until,
            )
            .order_by(Appointment.start_at)
            .limit(DIARY_MOST + len(mine))
        )
        if a.id not in mine
    ][:DIARY_MOST]
    return {"booked": made, "diary": diary}


add_panel("visit_actions", "followups/_visit_next_step.html", CLINICAL_ROLES, 5, next_step)
add_panel("follow_ups", "followups/_visit_booked.html", CLINICAL_ROLES, 10, booked)
