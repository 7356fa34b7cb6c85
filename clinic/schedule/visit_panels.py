"""Follow-ups on the visit pages: "Book follow-ups" before printing, and what was booked from the visit."""

from flask import current_app, g

from ..models import Appointment, Visit
from ..panels import add_panel
from . import followups

CLINICAL = ("owner", "therapist")


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
    if "schedule.follow_ups" not in current_app.view_functions:
        return None
    return {"booked": booked_from(visit)}


def booked(visit: Visit, **_) -> dict | None:
    """What was booked from the visit, shown instead of the recommendation's proposed dates."""
    made = booked_from(visit)
    return {"booked": made} if made else None


add_panel("visit_actions", "schedule/_visit_next_step.html", CLINICAL, 5, next_step)
add_panel("follow_ups", "schedule/_visit_booked.html", CLINICAL, 10, booked)
