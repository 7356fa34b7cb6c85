"""An appointment's status: arrived, completed, no-show, cancelled (with a reason), and a cancel taken
back within its few minutes."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_scoped_or_404
from ..extensions import db
from ..messages import notices
from ..models import Appointment
from . import booking, bp
from .booking import BookingError, SlotTaken, Stale
from .forms import CancelForm, StatusForm, seen_version

STATUS_WORDS = {
    "arrived": "Marked as arrived.",
    "completed": "Marked as completed.",
    "no_show": "Marked as a no-show.",
    "cancelled": "Appointment cancelled.",
}


@bp.post("/appointments/<int:appointment_id>/cancel")
def cancel(appointment_id: int):
    item = get_scoped_or_404(Appointment, appointment_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_template(
            "schedule/appointment.html",
            item=item,
            cancel_form=form,
            status_form=StatusForm(),
            transitions=booking.TRANSITIONS,
        ), 400
    return _change_status(item, "cancelled", seen_version(form), form.reason.data, form)


@bp.post("/appointments/<int:appointment_id>/status")
def set_status(appointment_id: int):
    """Arrived, completed or no-show (the button's value); cancelling has its own form with a reason."""
    item = get_scoped_or_404(Appointment, appointment_id)
    form = StatusForm()
    status = request.form.get("status", "")
    if not form.validate_on_submit() or status not in ("arrived", "completed", "no_show"):
        abort(400)
    return _change_status(item, status, seen_version(form), "", None)


def _change_status(item: Appointment, status: str, version: int | None, reason: str, cancel_form):
    try:
        booking.set_status(item, status, seen_version=version, reason=reason, by=current_user)
    except BookingError as error:
        form = cancel_form or CancelForm()
        form.reason.errors = [*form.reason.errors, str(error)]
        return render_template(
            "schedule/appointment.html",
            item=item,
            cancel_form=form,
            status_form=StatusForm(),
            transitions=booking.TRANSITIONS,
        ), 400
    except Stale:
        db.session.rollback()
        item = get_scoped_or_404(Appointment, item.id)
        return render_template(
            "schedule/appointment.html",
            item=item,
            cancel_form=CancelForm(),
            status_form=StatusForm(),
            transitions=booking.TRANSITIONS,
            stale=True,
        ), 409
    if status == "cancelled":
        # held a little past the undo window, so an undone cancel never reaches the client
        notices.appointment_cancelled(item, current_user, hold=booking.UNDO_CANCEL + timedelta(minutes=2))
    db.session.commit()
    if status == "cancelled":
        flash("Appointment cancelled. Tapped the wrong one? Undo it on its page for 10 minutes.", "success")
        return redirect(url_for("schedule.appointment", appointment_id=item.id))
    flash(STATUS_WORDS[status], "success")
    return redirect(
        _local_path(request.form.get("next", "")) or url_for("schedule.appointment", appointment_id=item.id)
    )


@bp.post("/appointments/<int:appointment_id>/undo-cancel")
def undo_cancel(appointment_id: int):
    """Take back a cancel of the last few minutes, if the time is still free."""
    item = get_scoped_or_404(Appointment, appointment_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        booking.undo_cancel(current_user.clinic, item, seen_version=seen_version(form), by=current_user)
    except (Stale, SlotTaken):
        db.session.rollback()
        flash("This cancel can no longer be undone (too late, or the time was booked meanwhile).", "error")
        return redirect(url_for("schedule.appointment", appointment_id=appointment_id))
    withdrawn = notices.cancellation_withdrawn(item)
    db.session.commit()
    flash(
        "The appointment is booked again." + (" The client was not told of the cancel." if withdrawn else ""),
        "success",
    )
    return redirect(url_for("schedule.appointment", appointment_id=item.id))


def _local_path(value: str) -> str | None:
    """`value` when it is a path on this site. Browsers drop tabs and newlines from URLs, so a path with any
    control character or space is refused too ("/<tab>/evil.example" would become "//evil.example")."""
    if not value.startswith("/") or value.startswith("//") or len(value) > 500:
        return None
    if any(ord(c) < 33 or ord(c) == 127 or c == "\\" for c in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None
