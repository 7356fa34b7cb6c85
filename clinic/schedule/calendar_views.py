"""The calendar pages: day and week views, per therapist or the whole clinic, and the recall list."""

from datetime import date, timedelta

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..access import ALL_ROLES, CLINICAL_ROLES
from ..clock import clinic_today, utcnow
from ..rules.scheduling import day_label
from ..web.navigation import add_nav
from ..web.request_numbers import as_id, query_int
from . import bp, calendar, recall
from .booking import bookable_therapists, in_calendar

add_nav("Calendar", "schedule.day", ALL_ROLES, 10)
add_nav("Recall", "schedule.recall", ALL_ROLES, 30)
STATUS_LABELS = {
    "booked": "Booked",
    "arrived": "Arrived",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "no_show": "No-show",
}


@bp.app_context_processor
def _calendar_helpers():
    return {"appointment_status": STATUS_LABELS.get, "day_label": day_label, "short_day": short_day}


def short_day(day: date) -> str:
    """ "Tue 3 Mar" for narrow column heads (built from day_label, so the server locale cannot change it)."""
    weekday, number, month = day_label(day).split()
    return f"{weekday[:3]} {number} {month[:3]}"


def _day_param() -> date:
    try:
        day = date.fromisoformat(request.args.get("date", "")[:10])
    except ValueError:
        return clinic_today(current_user.clinic)
    return day if in_calendar(day) else clinic_today(current_user.clinic)


def _therapist_param() -> int | None:
    """None for the whole clinic; a therapist sees their own calendar unless they ask for everyone."""
    value = request.args.get("therapist", "")
    if value == "all":
        return None
    if as_id(value) is not None:
        return as_id(value)
    if value:
        abort(404)  # not an id any therapist can have
    return current_user.id if current_user.role == "therapist" else None


def _calendar(view: str):
    day = _day_param()
    therapist_id = _therapist_param()
    people = bookable_therapists(current_user.clinic_id)
    therapists = people if therapist_id is None else [u for u in people if u.id == therapist_id]
    if not therapists and therapist_id is not None:
        abort(404)
    if view == "week":
        monday = day - timedelta(days=day.weekday())
        days = [monday + timedelta(days=n) for n in range(7)]
        step = timedelta(days=7)
    else:
        days, step = [day], timedelta(days=1)
    grid = calendar.build(
        current_user.clinic_id,
        current_user.clinic.tz,
        days,
        therapists,
        utcnow(),
        by_day=view == "week",
        trim=view == "week",
        # one url_for each, not one per free slot and per appointment (most of a busy week's time):
        # the grid adds the therapist, date and time to the first, and an appointment's id to the second
        book_url=url_for("schedule.new"),
        appointment_url=url_for("schedule.appointment", appointment_id=0).removesuffix("0"),
    )
    return render_template(
        "schedule/calendar.html",
        view=view,
        day=day,
        days=days,
        grid=grid,
        people=people,
        therapist_id=therapist_id,
        today=clinic_today(current_user.clinic),
        prev_day=day - step,
        next_day=day + step,
    )


@bp.get("/calendar")
def day():
    return _calendar("day")


@bp.get("/calendar/week")
def week():
    return _calendar("week")


@bp.get("/recall", endpoint="recall")
def recall_list():
    page = min(max(query_int("page", 1), 1), 10_000)
    today = clinic_today(current_user.clinic)
    rows, more = recall.due_clients(current_user.clinic_id, current_user.clinic.tz, today, page)
    return render_template(
        "schedule/recall.html",
        rows=rows,
        page=page,
        more=more,
        today=today,
        show_phase=current_user.role in CLINICAL_ROLES,
    )
