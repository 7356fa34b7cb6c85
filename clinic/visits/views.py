"""Visit pages: start a visit, write and sign the note, addenda, frequency, copy from last visit."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..access import clinical_roles_required, get_scoped_or_404
from ..clock import clinic_today
from ..extensions import db
from ..messages import notices
from ..models import Appointment, Client, Visit
from ..rules.frequency import effective
from ..web.errors import ShownBadRequest
from ..web.request_numbers import as_id
from . import frequency as visit_frequency
from . import services
from .forms import AddendumForm, FrequencyForm, NewVisitForm, NoteForm
from .signing import hash_matches
from .web import default_sharing

bp = Blueprint("visits", __name__)


@bp.record
def _setup(state):
    from . import panels
    from .web import register_template_helpers

    panels.register()
    register_template_helpers(state.app)


def _visit_or_404(visit_id: int) -> Visit:
    return get_scoped_or_404(Visit, visit_id)


def _audit(action: str, visit: Visit) -> None:
    audit.record(action, object_type="visit", object_id=visit.id, client_id=visit.client_id)


@bp.route("/clients/<int:client_id>/visits/new", methods=["GET", "POST"])
@clinical_roles_required
def new(client_id: int):
    client = get_scoped_or_404(Client, client_id)
    form = NewVisitForm()
    if request.method == "GET" and request.args.get("appointment_id"):
        form.appointment_id.data = request.args["appointment_id"]  # from the appointment's page
    appointment = None
    if form.appointment_id.data:
        appointment_id = as_id(form.appointment_id.data)
        if appointment_id is None:
            raise ShownBadRequest("appointment_id: give the id of one of the client's appointments.")
        appointment = get_scoped_or_404(Appointment, appointment_id)
        if appointment.client_id != client.id:
            abort(404)
    today = clinic_today(current_user.clinic)
    other_day = (
        appointment.start_at.astimezone(current_user.clinic.tz).date()
        if appointment is not None and appointment.start_at.astimezone(current_user.clinic.tz).date() != today
        else None
    )  # today's note for another day's appointment is more often a wrong tap than a late note: ask
    # "Start visit" from the planning panel posts the plan with no changes field: show the form filled.
    starting = form.validate_on_submit() and "start" in request.form
    if other_day is not None and "start" in request.form and not form.other_day_ok.data:
        form.other_day_ok.errors = ["Tick to confirm, or start the note from today's appointment."]
    elif starting:
        plan = [item for item in form.plan.data if item["technique"] and item["region"]]
        try:
            changes = form.changes.data or ""
            visit = services.start_visit(client, current_user, plan, changes, today, appointment)
        except services.NoteProblems as problems:
            form.changes.errors.extend(message for _, message in problems.problems)
        else:
            _audit("visit.create", visit)
            db.session.commit()
            return redirect(url_for("visits.edit", visit_id=visit.id))
    status = 400 if request.method == "POST" and form.errors else 200
    # the form shows the client's standing alerts: a view of clinical data
    audit.record("visit.new_view", object_type="client", object_id=client.id, client_id=client.id)
    page = render_template("visits/new.html", form=form, client=client, other_day=other_day)
    db.session.commit()
    return page, status


@bp.get("/visits/<int:visit_id>")
@clinical_roles_required
def detail(visit_id: int):
    visit = _visit_or_404(visit_id)
    _audit("visit.view", visit)
    # Render, then commit: committing first would expire the note and load it again.
    page = render_template(
        "visits/detail.html",
        visit=visit,
        hash_ok=hash_matches(visit) if visit.is_signed else None,
        addendum_form=AddendumForm(),
        previous=services.previous_visit(visit),
        frequency_form=_frequency_form(visit),
    )
    db.session.commit()
    return page


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@clinical_roles_required
def edit(visit_id: int):
    visit = _visit_or_404(visit_id)
    if visit.is_signed:
        flash("This note is signed and locked. Add an addendum to correct it.", "warning")
        return redirect(url_for("visits.detail", visit_id=visit.id)), 303
    if visit.therapist_id != current_user.id:
        abort(403)
    form = NoteForm(obj=None if request.method == "POST" else visit)
    if request.method == "GET":
        form.version.data = visit.version
        _fill_lists(form, visit)
        _audit("visit.edit_view", visit)
        page = _render_edit(form, visit)
        db.session.commit()
        return page
    signing = "sign" in request.form
    valid = form.validate_on_submit()
    try:
        seen = int(form.version.data) if form.version.data else None
    except ValueError:
        abort(400)
    # Every problem in one round: the form's checks and the screening's, whichever fail.
    problems = services.note_problems(visit, form.data, signing)
    if not valid or problems:
        saved = False
        if valid and signing and not services.note_problems(visit, form.data, signing=False):
            # Only signing is blocked (a reason, the pain before): keep the draft as typed.
            try:
                services.save_note(visit, current_user, form.data, seen)
            except services.EditConflict:
                db.session.rollback()
                return _render_edit(form, _visit_or_404(visit_id), conflict=True), 409
            _audit("visit.update", visit)
            db.session.commit()
            form.version.data = visit.version
            saved = True
        _attach_problems(form, problems)
        return _render_edit(form, visit, draft_saved=saved), 400
    try:
        services.save_note(visit, current_user, form.data, seen, signing=signing)
        if signing:
            services.sign(visit, current_user)
    except services.EditConflict:
        db.session.rollback()
        return _render_edit(form, _visit_or_404(visit_id), conflict=True), 409
    except services.NoteProblems as late:  # the checks above found none; kept as a safety net
        db.session.rollback()
        _attach_problems(form, late.problems)
        return _render_edit(form, _visit_or_404(visit_id)), 400
    _audit("visit.sign" if signing else "visit.update", visit)
    if signing:
        notices.visit_signed(visit, current_user)  # the aftercare sheet goes to the client
    db.session.commit()
    if signing:
        flash("Note signed and locked.", "success")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    flash("Draft saved.", "success")
    return redirect(url_for("visits.edit", visit_id=visit.id))


@bp.post("/visits/<int:visit_id>/check")
@clinical_roles_required
def check(visit_id: int):
    """Whether the note as typed can be signed, asked before "Sign and lock?" (writes nothing).

    Only a count leaves: the problems themselves are shown by the signing request that follows."""
    visit = _visit_or_404(visit_id)
    if visit.is_signed or visit.therapist_id != current_user.id:
        abort(403)
    form = NoteForm()
    valid = form.validate_on_submit()  # CSRFProtect has already refused a request without a token
    problems = services.note_problems(visit, form.data, signing=True)
    count = len(problems) + sum(len(e) for e in _field_errors(form))
    db.session.rollback()
    return {"ok": valid and not problems, "problems": count}


def _fill_lists(form: NoteForm, visit: Visit) -> None:
    while len(form.plan_items):
        form.plan_items.pop_entry()
    for item in visit.plan_items or []:
        form.plan_items.append_entry(item)
    default_sharing(form, visit)
    while len(form.points):
        form.points.pop_entry()
    for point in visit.points:
        form.points.append_entry(point)


def _attach_problems(form: NoteForm, problems: list[tuple[str, str]]) -> None:
    """Put each problem next to its field ("points-2-technique"); the rest at the top of the form.

    A field the form's own checks already refused keeps that message (one thing to fix at a time)."""
    for path, message in problems:
        field = _field_at(form, path.split("-"))
        if field is not None and isinstance(field.errors, list) and not hasattr(field, "entries"):
            if not field.errors:
                field.errors.append(message)
        else:
            form.form_errors.append(message)


def _field_errors(form: NoteForm) -> list[list[str]]:
    return [errors for _, _, errors in error_links(form)]


def error_links(form: NoteForm) -> list[tuple[str, str, list[str]]]:
    """(field id, what to call it, messages) for every field with a problem, in page order."""
    links = []
    for field in form:
        if field.name == "csrf_token":
            continue
        if hasattr(field, "entries"):
            noun = "Plan item" if field.name == "plan_items" else "Point"
            for number, entry in enumerate(field.entries, start=1):
                links += [
                    (sub.id, f"{noun} {number}, {sub.label.text}", list(sub.errors))
                    for sub in entry.form
                    if sub.errors and isinstance(sub.errors, list)
                ]
        elif field.errors and isinstance(field.errors, list):
            links.append((field.id, field.label.text, list(field.errors)))
    return links


def _field_at(form: NoteForm, parts: list[str]):
    try:
        field = getattr(form, parts[0])
        if len(parts) >= 2:
            field = field.entries[int(parts[1])]
            if len(parts) == 3:
                field = getattr(field.form, parts[2])
        return field
    except (AttributeError, IndexError, ValueError):
        return None


def _render_edit(form: NoteForm, visit: Visit, conflict: bool = False, draft_saved: bool = False):
    previous = services.previous_visit(visit)
    return render_template(
        "visits/edit.html",
        form=form,
        visit=visit,
        conflict=conflict,
        draft_saved=draft_saved,
        error_links=error_links(form) if request.method == "POST" else [],
        previous=previous,
        frequency_form=_frequency_form(visit),
    )


def _frequency_form(visit: Visit) -> FrequencyForm:
    plan = effective(visit.frequency) or {}
    form = FrequencyForm(formdata=None)
    form.interval_days.data = plan.get("interval_days")
    form.sessions.data = plan.get("sessions")
    form.reason.data = (visit.frequency or {}).get("changed_reason", "")
    return form


@bp.post("/visits/<int:visit_id>/frequency")
@clinical_roles_required
def set_frequency(visit_id: int):
    visit = _visit_or_404(visit_id)
    try:
        services.ensure_editable(visit, current_user)
    except services.NoteLocked:
        flash("This note is signed and locked.", "warning")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    except services.NotAuthor:
        abort(403)
    if "reset" in request.form:
        visit_frequency.clear_choice(visit)
    else:
        form = FrequencyForm()
        if not form.validate_on_submit():
            flash("; ".join(e for errors in form.errors.values() for e in errors), "error")
            return redirect(url_for("visits.edit", visit_id=visit.id) + "#frequency"), 303
        visit_frequency.choose(visit, form.interval_days.data, form.sessions.data, form.reason.data or "")
    _audit("visit.frequency", visit)
    db.session.commit()
    flash("Frequency updated.", "success")
    return redirect(url_for("visits.edit", visit_id=visit.id) + "#frequency")


@bp.post("/visits/<int:visit_id>/copy-last")
@clinical_roles_required
def copy_last(visit_id: int):
    visit = _visit_or_404(visit_id)
    previous = services.previous_visit(visit)
    if previous is None:
        flash("There is no earlier visit to copy from.", "info")
        return redirect(url_for("visits.edit", visit_id=visit.id))
    try:
        count = services.copy_points_from(visit, previous, current_user)
    except services.NoteLocked:
        flash("This note is signed and locked.", "warning")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    except services.NotAuthor:
        abort(403)
    _audit("visit.copy_points", visit)
    db.session.commit()
    flash(
        f"{count} point{'s' if count != 1 else ''} copied from the last visit: check and edit them.",
        "success",
    )
    return redirect(url_for("visits.edit", visit_id=visit.id) + "#points")


@bp.post("/visits/<int:visit_id>/addenda")
@clinical_roles_required
def add_addendum(visit_id: int):
    visit = _visit_or_404(visit_id)
    form = AddendumForm()
    if not visit.is_signed:
        flash("Edit the draft itself: addenda are for signed notes.", "info")
        return redirect(url_for("visits.edit", visit_id=visit.id))
    if not form.validate_on_submit():
        return render_template(
            "visits/detail.html",
            visit=visit,
            hash_ok=hash_matches(visit),
            addendum_form=form,
            previous=services.previous_visit(visit),
            frequency_form=_frequency_form(visit),
        ), 400
    services.add_addendum(visit, current_user, form.reason.data, form.text.data)
    _audit("visit.addendum", visit)
    db.session.commit()
    flash("Addendum added.", "success")
    return redirect(url_for("visits.detail", visit_id=visit.id) + "#addenda")
