"""The "book follow-ups" page of a visit: the proposed series, editable, booked in one step."""

from dataclasses import dataclass
from datetime import date, time

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from .. import audit
from ..access import clinical_roles_required, get_scoped_or_404
from ..clock import clinic_today
from ..extensions import db
from ..messages import notices
from ..models import Visit
from ..rules.scheduling import day_label
from ..schedule.booking import BookingError, OutsideHours, local_start
from ..schedule.catalogue import active_services
from ..web.request_numbers import query_int
from . import bp
from . import services as followups
from .forms import FollowUpForm

MAX_ROWS = 40


@dataclass
class Row:
    original: date
    include: bool
    day: date | None
    time_of_day: time | None
    note: str | None
    error: str | None = None

    @property
    def label(self) -> str:
        return day_label(self.original)


def _rows_from_proposal(proposal, tz) -> list[Row]:
    rows = []
    for slot in proposal:
        local = slot.start.astimezone(tz) if slot.start else None
        rows.append(
            Row(
                slot.original_date,
                local is not None,
                local.date() if local else None,
                local.time() if local else None,
                slot.reason,
            )
        )
    return rows


def _rows_from_request() -> list[Row]:
    rows = []
    count = min(request.form.get("rows", 0, type=int), MAX_ROWS)
    for i in range(count):
        get = request.form.get
        try:
            original = date.fromisoformat(get(f"original-{i}", ""))
        except ValueError:
            continue
        row = Row(original, get(f"include-{i}") == "1", None, None, get(f"note-{i}") or None)
        try:
            row.day = date.fromisoformat(get(f"date-{i}", ""))
            row.time_of_day = time.fromisoformat(get(f"time-{i}", ""))
        except ValueError:
            if row.include:
                row.error = "Give a date and a time."
        rows.append(row)
    return rows


@bp.route("/visits/<int:visit_id>/follow-ups", methods=["GET", "POST"])
@clinical_roles_required
def book(visit_id: int):
    visit = get_scoped_or_404(Visit, visit_id)
    if request.method == "GET":  # the page shows the visit's plan: a view of clinical data
        audit.record(
            "visit.follow_ups_view", object_type="visit", object_id=visit.id, client_id=visit.client_id
        )
    clinic = current_user.clinic
    recommendation = followups.recommendation_of(visit)
    form = FollowUpForm()
    services = active_services(clinic.id)
    form.service.choices = [SelectChoice(str(s.id), f"{s.name} ({s.duration_minutes} min)") for s in services]
    chosen_id = form.service.data if request.method == "POST" else query_int("service")
    service = next((s for s in services if s.id == chosen_id), None) or followups.follow_up_service(visit)
    form.service.data = service.id if service else None
    context = {
        "visit": visit,
        "recommendation": recommendation,
        "form": form,
        "service": service,
        "booked": followups.booked_from(visit),
        "outside": False,
        "taken": False,
    }
    if recommendation is None or service is None:
        page = render_template("followups/book.html", rows=[], **context)
        db.session.commit()
        return page

    def fresh_rows():
        return _rows_from_proposal(followups.propose_follow_ups(visit, recommendation, service), clinic.tz)

    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        page = render_template("followups/book.html", rows=fresh_rows(), **context)
        db.session.commit()
        return page, status
    rows = _rows_from_request()
    starts, today = [], clinic_today(clinic)
    for row in rows:
        if not row.include or row.error:
            continue
        try:
            if row.day < today:
                raise BookingError("This date has passed.")
            starts.append(local_start(row.day, row.time_of_day, clinic.tz))
        except BookingError as error:
            row.error = str(error)
    context["nothing"] = not starts
    if not starts or any(r.error for r in rows):
        return render_template("followups/book.html", rows=rows, **context), 400
    try:
        made = followups.book_series(visit, starts, service, current_user, form.outside_hours_ok.data)
    except OutsideHours:
        context["outside"] = True
        return render_template("followups/book.html", rows=rows, **context), 400
    except followups.SeriesTaken:
        db.session.rollback()
        visit = get_scoped_or_404(Visit, visit_id)
        context.update(visit=visit, taken=True, booked=followups.booked_from(visit))
        return render_template("followups/book.html", rows=fresh_rows(), **context), 409
    notices.appointments_booked(made, current_user)
    db.session.commit()
    flash(f"{len(made)} follow-up{'s' if len(made) != 1 else ''} booked.", "success")
    if "visits.detail" in current_app.view_functions:
        return redirect(url_for("visits.detail", visit_id=visit.id))
    return redirect(url_for("followups.book", visit_id=visit.id))
