"""The owner's online booking settings (on or off, which services, notice, how far ahead, who, a limit),
and the front desk's approvals of new clients' online bookings when the clinic approves them first."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from .. import audit
from ..access import DESK_ROLES, roles_required
from ..extensions import db
from ..models import Clinic, Service
from ..rules.online_booking import LIMITS, WHO
from ..schedule.booking import log as log_appointment
from ..web.panels import add_panel
from ..web.public_url import public_url
from . import approvals
from .policy import policy, save_policy

bp = Blueprint("booking", __name__)


def _number(label: str, name: str, description: str) -> IntegerField:
    low, high = LIMITS[name]
    return IntegerField(
        label,
        validators=[
            InputRequired(message="Give a whole number."),
            NumberRange(low, high, message=f"From {low} to {high}."),
        ],
        description=description,
    )


class OnlineBookingForm(FlaskForm):
    enabled = BooleanField("Clients may book online")
    service_ids = SelectMultipleField(
        "Services bookable online",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    min_notice_hours = _number(
        "Minimum notice, hours", "min_notice_hours", "e.g. 24: nothing sooner than a day away."
    )
    days_ahead = _number("How far ahead, days", "days_ahead", "e.g. 60.")
    who = RadioField("Who may book online", choices=[SelectChoice(key, label) for key, label in WHO.items()])
    max_upcoming = _number(
        "Upcoming online bookings per client",
        "max_upcoming",
        "More than this, and the client is asked to call.",
    )


@bp.route("/settings/online-booking", methods=["GET", "POST"])
@roles_required("owner")
def settings():
    clinic = db.session.get(Clinic, current_user.clinic_id)
    current = policy(clinic)
    services = list(
        db.session.scalars(select(Service).where(Service.clinic_id == clinic.id, Service.active.is_(True)))
    )
    form = OnlineBookingForm(
        data={
            "enabled": current.enabled,
            "service_ids": list(current.service_ids),
            "min_notice_hours": int(current.min_notice.total_seconds() // 3600),
            "days_ahead": current.days_ahead,
            "who": current.who,
            "max_upcoming": current.max_upcoming,
        }
    )
    form.service_ids.choices = [SelectChoice(s.id, f"{s.name} ({s.duration_minutes} min)") for s in services]
    if form.validate_on_submit():
        save_policy(
            clinic,
            enabled=bool(form.enabled.data),
            service_ids=sorted(form.service_ids.data),
            min_notice_hours=form.min_notice_hours.data,
            days_ahead=form.days_ahead.data,
            who=form.who.data,
            max_upcoming=form.max_upcoming.data,
        )
        audit.record("settings.online_booking", object_type="clinic", object_id=clinic.id)
        db.session.commit()
        flash("Online booking settings saved.", "success")
        return redirect(url_for(".settings"))
    link = public_url("booking_public.page", slug=clinic.public_slug)
    status = 400 if form.errors else 200
    return render_template("booking/settings.html", form=form, link=link, enabled=current.enabled), status


def approvals_panel(**_context) -> dict | None:
    """New clients' online bookings holding a time until someone here approves them (hidden when none)."""
    rows = approvals.awaiting(current_user.clinic_id)
    return {"rows": rows, "tz": current_user.clinic.tz} if rows else None


def _awaiting_or_404(request_id: int):
    found = approvals.get_awaiting(current_user.clinic_id, request_id)
    if found is None:
        abort(404)  # another clinic's, unknown, or already decided (a second click of either button)
    return found


def _decided(action: str, appointment, done: str):
    """The one audit row, commit and answer of an approval or a decline."""
    log_appointment(action, appointment)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("home.index"))


@bp.post("/online-bookings/<int:request_id>/approve")
@roles_required(*DESK_ROLES)
def approve(request_id: int):
    appointment = approvals.approve(_awaiting_or_404(request_id))
    return _decided(
        "booking.approve", appointment, "Approved: the client gets the confirmation and the questionnaire."
    )


@bp.post("/online-bookings/<int:request_id>/decline")
@roles_required(*DESK_ROLES)
def decline(request_id: int):
    clinic = db.session.get(Clinic, current_user.clinic_id)
    appointment = approvals.decline(_awaiting_or_404(request_id), clinic, current_user)
    return _decided(
        "booking.decline", appointment, "Declined: the time is free again and the client was told by e-mail."
    )


add_panel("home", "booking/_home_approvals.html", DESK_ROLES, -5, approvals_panel)
