"""Appointment pages: book (from a free slot or the button), view, reschedule (statuses: status_views.py)."""

from datetime import date, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..access import get_scoped_or_404
from ..clock import clinic_today, utcnow
from ..extensions import db
from ..messages import notices
from ..models import Appointment, Service
from ..web.request_numbers import as_id
from . import booking, bp, picker
from .booking import BookingError, NotInClinic, OutsideHours, SlotTaken, Stale
from .catalogue import active_services, default_service
from .forms import BookingForm, CancelForm, RescheduleForm, StatusForm, seen_version


def _fill_choices(form, selected_service: int | None = None) -> None:
    clinic_id = current_user.clinic_id
    form.therapist.choices = [SelectChoice("", "Choose a therapist")] + [
        SelectChoice(str(u.id), u.name) for u in booking.bookable_therapists(clinic_id)
    ]
    services = active_services(clinic_id)
    if selected_service and all(s.id != selected_service for s in services):
        services += [s for s in [db.session.get(Service, selected_service)] if s is not None]
    form.service.choices = [SelectChoice(str(s.id), f"{s.name} ({s.duration_minutes} min)") for s in services]
    if form.service.data is None and request.method == "GET":
        chosen = default_service(services)
        form.service.data = chosen.id if chosen else None


def _query_defaults() -> dict:
    args = request.args
    data: dict = {}
    for name in ("therapist", "client", "service"):
        if as_id(args.get(name)) is not None:
            data[name] = as_id(args.get(name))
    try:
        data["date"] = date.fromisoformat(args.get("date", "")[:10])
    except ValueError:
        data["date"] = clinic_today(current_user.clinic)
    if not booking.in_calendar(data["date"]):
        data["date"] = clinic_today(current_user.clinic)
    try:
        data["time"] = time.fromisoformat(args.get("time", "")[:5])
    except ValueError:
        pass
    if "therapist" not in data and current_user.role == "therapist":
        data["therapist"] = current_user.id
    return data


@bp.route("/appointments/new", methods=["GET", "POST"])
def new():
    clinic = current_user.clinic
    form = BookingForm(data=_query_defaults() if request.method == "GET" else None)
    _fill_choices(form)
    search = request.args.get("q", "", type=str)[:100]
    form.client.choices = picker.client_choices(clinic.id, search, form.client.data, utcnow())
    state = {"outside": False, "nearest": None, "unlikely": None}
    refs = _resolve(form, "therapist", "client", "service") if form.validate_on_submit() else None
    if refs is not None:
        appointment = _attempt(
            form,
            state,
            lambda start: booking.book(
                clinic,
                refs["therapist"],
                refs["client"],
                refs["service"],
                start,
                notes=form.notes.data or "",
                outside_hours_ok=form.outside_hours_ok.data,
                created_by=current_user,
            ),
        )
        if appointment is not None:
            notices.appointments_booked([appointment], current_user)
            db.session.commit()
            flash(f"Booked: {_summary(appointment)}.", "success")
            return _to_calendar(appointment)
    status = 200 if request.method == "GET" else (409 if state["nearest"] is not None else 400)
    return render_template("schedule/book.html", form=form, search=search, **state), status


def _attempt(form, state: dict, write):
    """`write(start)` at the form's local date and time, as the booking and moving pages both try it.

    A refusal goes next to its field, or into the page's `state` (outside the opening hours, a date
    to confirm, the nearest free slot, an edit made meanwhile); then the result is None.
    """
    try:
        start = booking.local_start(form.date.data, form.time.data, current_user.clinic.tz)
        booking.confirm_date(start, form.date_ok.data)
        return write(start)
    except BookingError as error:
        getattr(form, error.field or "date").errors.append(str(error))
    except OutsideHours:
        state["outside"] = True
    except booking.UnlikelyDate as unlikely:
        state["unlikely"] = str(unlikely)
    except SlotTaken as taken:
        state["nearest"] = taken.nearest
    except Stale:
        state["stale"] = True
    return None


def _resolve(form, *names: str) -> dict | None:
    """The chosen therapist, client and service of this clinic; errors go next to their fields."""
    getters = {
        "therapist": booking.get_therapist,
        "client": booking.get_client,
        "service": booking.get_service,
    }
    found = {}
    for name in names:
        try:
            found[name] = getters[name](current_user.clinic_id, form[name].data)
        except NotInClinic:
            abort(404)
        except BookingError as error:
            form[name].errors.append(str(error))
    return found if len(found) == len(names) else None


def _summary(appointment: Appointment) -> str:
    """ "Friday 11 December at 16:00 with Maya Okafor": the confirmation says what it did (the client's
    name stays out: flashes travel in the session cookie; the outlined appointment shows it)."""
    local = appointment.start_at.astimezone(current_user.clinic.tz)
    return f"{booking.day_label(local.date())} at {local:%H:%M} with {appointment.therapist.name}"


def _to_calendar(appointment: Appointment):
    local = appointment.start_at.astimezone(current_user.clinic.tz)
    return redirect(url_for("schedule.day", date=local.date().isoformat()) + f"#appt-{appointment.id}")


@bp.get("/appointments/<int:appointment_id>")
def appointment(appointment_id: int):
    item = get_scoped_or_404(Appointment, appointment_id)
    _audit_view(item)
    page = render_template(
        "schedule/appointment.html",
        item=item,
        cancel_form=CancelForm(),
        status_form=StatusForm(),
        transitions=booking.TRANSITIONS,
        can_undo=booking.can_undo_cancel(item, utcnow()),
    )
    db.session.commit()
    return page


def _audit_view(item: Appointment) -> None:
    """Who looked at which client's appointment (the page shows their name and phone)."""
    booking.log("appointment.view", item)


@bp.route("/appointments/<int:appointment_id>/reschedule", methods=["GET", "POST"])
def reschedule(appointment_id: int):
    item = get_scoped_or_404(Appointment, appointment_id)
    clinic = current_user.clinic
    if item.status != "booked":
        flash("Only a booked appointment can be moved.", "error")
        return redirect(url_for("schedule.appointment", appointment_id=item.id)), 303
    local = item.start_at.astimezone(clinic.tz)
    form = RescheduleForm(
        data={
            "therapist": item.therapist_id,
            "service": item.service_id,
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "version": item.version,
        }
        if request.method == "GET"
        else None
    )
    _fill_choices(form, selected_service=item.service_id)
    state = {"outside": False, "nearest": None, "stale": False, "unlikely": None}
    # the appointment's own service stays allowed even if it was deactivated since
    keep_service = form.service.data == item.service_id
    refs = (
        _resolve(form, *(("therapist",) if keep_service else ("therapist", "service")))
        if form.validate_on_submit()
        else None
    )
    if refs is not None:

        def move(start):
            booking.reschedule(
                clinic,
                item,
                refs["therapist"],
                refs.get("service", item.service),
                start,
                seen_version=seen_version(form),
                outside_hours_ok=form.outside_hours_ok.data,
                by=current_user,
            )
            return item

        if _attempt(form, state, move) is not None:
            notices.appointment_moved(item, current_user)
            db.session.commit()
            flash(f"Moved: {_summary(item)}.", "success")
            return _to_calendar(item)
        db.session.rollback()
        item = get_scoped_or_404(Appointment, appointment_id)
        if state["stale"]:
            form.version.data = item.version  # sending again applies the change to what is there now
    status = (
        200 if request.method == "GET" else (409 if state["nearest"] is not None or state["stale"] else 400)
    )
    if request.method == "GET":
        _audit_view(item)
    page = render_template("schedule/reschedule.html", form=form, item=item, **state)
    db.session.commit()
    return page, status
