"""Calendar settings: the owner's services, the clinic's opening hours, and working hours per therapist."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..access import CLINICAL_ROLES, get_scoped_or_404, roles_required
from ..extensions import db
from ..models import Service, User
from . import bp, catalogue
from . import hours as opening
from .booking import bookable_therapists
from .forms import HoursForm, ServiceForm, StatusForm


@bp.route("/settings/services", methods=["GET", "POST"])
@roles_required("owner")
def services():
    form = ServiceForm()
    if form.validate_on_submit():
        service = catalogue.create_service(current_user.clinic_id, form.name.data, form.duration_minutes.data)
        audit.record("service.create", object_type="service", object_id=service.id)
        db.session.commit()
        flash("Service added.", "success")
        return redirect(url_for("schedule.services"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "schedule/services.html",
        form=form,
        services=catalogue.all_services(current_user.clinic_id),
        edit_id=None,
        toggle_form=StatusForm(),
    ), status


@bp.post("/settings/services/<int:service_id>")
@roles_required("owner")
def service_update(service_id: int):
    service = get_scoped_or_404(Service, service_id)
    # the page-wide CSRF check has run already; the prefixed form would look for a prefixed token
    form = ServiceForm(prefix=f"s{service.id}", meta={"csrf": False})
    if not form.validate_on_submit():
        return render_template(
            "schedule/services.html",
            form=ServiceForm(formdata=None),
            edit_form=form,
            edit_id=service.id,
            services=catalogue.all_services(current_user.clinic_id),
            toggle_form=StatusForm(),
        ), 400
    catalogue.update_service(service, form.name.data, form.duration_minutes.data)
    audit.record("service.update", object_type="service", object_id=service.id)
    db.session.commit()
    flash("Service saved. Appointments already booked keep their times.", "success")
    return redirect(url_for("schedule.services"))


@bp.post("/settings/services/<int:service_id>/deactivate")
@roles_required("owner")
def service_deactivate(service_id: int):
    return _set_service_active(service_id, False)


@bp.post("/settings/services/<int:service_id>/activate")
@roles_required("owner")
def service_activate(service_id: int):
    return _set_service_active(service_id, True)


def _set_service_active(service_id: int, active: bool):
    service = get_scoped_or_404(Service, service_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    catalogue.set_active(service, active)
    audit.record(
        "service.activate" if active else "service.deactivate", object_type="service", object_id=service.id
    )
    db.session.commit()
    flash(
        "Service offered again." if active else "Service deactivated: it can no longer be booked.", "success"
    )
    return redirect(url_for("schedule.services"))


@bp.route("/settings/hours", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def hours():
    """The owner edits the clinic's opening hours; a therapist lands on their own working hours."""
    if current_user.role != "owner":
        return redirect(url_for("schedule.user_hours", user_id=current_user.id))
    return _edit_hours(None)


@bp.route("/settings/hours/<int:user_id>", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def user_hours(user_id: int):
    person = get_scoped_or_404(User, user_id)
    if current_user.role != "owner" and person.id != current_user.id:
        abort(403)
    if person.role not in CLINICAL_ROLES:
        abort(404)
    return _edit_hours(person)


def _edit_hours(person: User | None):
    clinic_id = current_user.clinic_id
    clinic_hours, own = opening.load(clinic_id, [person.id] if person else [])
    current = own.get(person.id, {}) if person else clinic_hours
    form = HoursForm(data=_as_form_data(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        new_hours = form.hours()
        if new_hours is not None:
            opening.save(clinic_id, person.id if person else None, new_hours)
            audit.record("hours.update", object_type="working_hours", object_id=person.id if person else None)
            db.session.commit()
            flash("Hours saved.", "success")
            return redirect(
                url_for("schedule.user_hours", user_id=person.id) if person else url_for("schedule.hours")
            )
    status = 400 if request.method == "POST" else 200
    people = bookable_therapists(clinic_id) if current_user.role == "owner" else []
    return render_template(
        "schedule/hours.html",
        form=form,
        person=person,
        people=people,
        clinic_hours=opening.describe(clinic_hours or None),
    ), status


def _as_form_data(hours: opening.Hours) -> dict:
    data = {}
    for day, intervals in hours.items():
        for i, (start, end) in enumerate(intervals[:2]):
            data[f"d{day}_{i}_start"], data[f"d{day}_{i}_end"] = start, end
    return data
