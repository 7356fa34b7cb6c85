"""Health history pages: intake, versions, per-visit updates (sending and reviewing links: link_views)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..access import clinical_roles_required
from ..clock import clinic_today
from ..extensions import db
from ..models import Client, HealthRecord
from . import bp, links, questionnaire, services
from .describe import diff
from .forms import ActionForm, HealthForm, Questionnaire, UpdateForm
from .health import InvalidHealthData
from .web import client_or_404, read_based_on, view_of


@bp.context_processor
def _labels():
    return {"source_labels": services.SOURCE_LABELS}


def _audit(action: str, client: Client, record: HealthRecord | None = None) -> None:
    audit.record(
        action, object_type="health_record", object_id=record.id if record else None, client_id=client.id
    )


def _checklist(client: Client, today, data=None) -> Questionnaire:
    """The staff checklist, with the client's documents a clearance may point to."""
    from ..documents.services import clearance_letters

    checklist = Questionnaire.from_data(data, today) if data is not None else Questionnaire(today)
    checklist.letters = clearance_letters(client)
    return checklist


def form_context(client: Client, checklist: Questionnaire, public: bool = False) -> dict:
    today = checklist.today
    age = services.client_age(client, today)
    return {
        "client": client,
        "checklist": checklist,
        "today": today,
        "age": age,
        **questionnaire.template_parts(public),
    }


@bp.get("/clients/<int:client_id>/health")
@clinical_roles_required
def show(client_id: int):
    client = client_or_404(client_id)
    record = services.current_record(client.id)
    if record is not None:
        _audit("intake.view", client, record)
    waiting = links.waiting_review(client.id)
    db.session.commit()
    return render_template(
        "intake/show.html",
        client=client,
        record=record,
        waiting=waiting,
        view=view_of(record, client) if record else None,
    )


@bp.route("/clients/<int:client_id>/health/edit", methods=["GET", "POST"])
@clinical_roles_required
def edit(client_id: int):
    client = client_or_404(client_id)
    current = services.current_record(client.id)
    today = clinic_today(current_user.clinic)
    if request.method == "GET":
        data = services.record_data(current)
        form = HealthForm(data={**data, "based_on": current.number if current else 0, "change_note": ""})
        checklist = _checklist(client, today, data)
        if current is not None:
            _audit("intake.view", client, current)
        db.session.commit()
        return _render_edit(client, form, checklist, current)
    form, checklist = HealthForm(), _checklist(client, today)
    form.today = today
    valid = form.validate_on_submit()
    valid = checklist.load(request.form) and valid
    if not valid:
        return _render_edit(client, form, checklist, current, 400)
    try:
        record = services.record_from_form(
            client,
            current_user,
            {**form.answers(), **checklist.data()},
            "intake" if current is None else "edit",
            based_on=read_based_on(form),
            today=today,
        )
    except services.EditConflict:
        db.session.rollback()
        current = services.current_record(client.id)
        form.based_on.data = str(current.number if current else 0)
        return _render_edit(client, form, checklist, current, 409, conflict=True)
    except InvalidHealthData:
        abort(400)  # the form checked everything first: only a hand-made request gets here
    if record is None:
        flash("Nothing changed, so no new version was saved.", "info")
        return redirect(url_for("clients.detail", client_id=client.id))
    _audit("intake.create" if record.number == 1 else "intake.update", client, record)
    db.session.commit()
    flash(f"Health history saved as version {record.number}.", "success")
    return redirect(url_for("clients.detail", client_id=client.id))


def _render_edit(client, form, checklist, current, status=200, conflict=False):
    return render_template(
        "intake/edit.html", form=form, current=current, conflict=conflict, **form_context(client, checklist)
    ), status


@bp.route("/clients/<int:client_id>/health/update", methods=["GET", "POST"])
@clinical_roles_required
def update(client_id: int):
    client = client_or_404(client_id)
    current = services.current_record(client.id)
    if current is None:
        flash("There is no health history yet: start with the intake.", "info")
        return redirect(url_for("intake.edit", client_id=client.id))
    today = clinic_today(current_user.clinic)
    if request.method == "GET":
        data = services.record_data(current)
        form = UpdateForm(data={**data, "based_on": current.number, "change_note": ""})
        _audit("intake.view", client, current)
        db.session.commit()
        return _render_update(client, form, _checklist(client, today, data), current)
    if request.form.get("no_change"):
        confirm = ActionForm()
        if not confirm.validate_on_submit():
            abort(400)
        changes, note, based_on = None, "", read_based_on(confirm)
    else:
        form, checklist = UpdateForm(), _checklist(client, today)
        form.today = today
        valid = form.validate_on_submit()
        valid = checklist.load(request.form) and valid
        if not valid:
            return _render_update(client, form, checklist, current, 400)
        changes = {**form.answers(), **checklist.data()}
        note, based_on = changes.pop("change_note", ""), read_based_on(form)
    try:
        record = services.record_update(client, current_user, changes, note, based_on=based_on, today=today)
    except services.EditConflict:
        db.session.rollback()
        flash("Someone saved a newer version meanwhile: check it, then record the update again.", "warning")
        return redirect(url_for("intake.update", client_id=client.id)), 303
    except InvalidHealthData:
        abort(400)
    _audit("intake.update", client, record)
    db.session.commit()
    flash(f"Health update saved as version {record.number}.", "success")
    return redirect(url_for("clients.detail", client_id=client.id))


def _render_update(client, form, checklist, current, status=200):
    return render_template(
        "intake/update.html",
        form=form,
        current=current,
        confirm=ActionForm(),
        view=view_of(current, client),
        **form_context(client, checklist),
    ), status


@bp.get("/clients/<int:client_id>/health/versions")
@clinical_roles_required
def versions(client_id: int):
    client = client_or_404(client_id)
    _audit("intake.version_view", client)
    db.session.commit()  # first: a commit expires what was loaded, and this page loads every version
    records = services.versions(client.id)
    datas = [services.record_data(record) for record in records]
    changes = [diff(datas[i + 1] if i + 1 < len(datas) else None, data) for i, data in enumerate(datas)]
    rows = list(zip(records, changes, strict=True))
    return render_template("intake/versions.html", client=client, rows=rows)


@bp.get("/clients/<int:client_id>/health/versions/<int:number>")
@clinical_roles_required
def version(client_id: int, number: int):
    client = client_or_404(client_id)
    record = services.version(client.id, number)
    if record is None:
        abort(404)
    current = services.current_record(client.id)
    _audit("intake.version_view", client, record)
    db.session.commit()
    return render_template(
        "intake/version.html",
        client=client,
        record=record,
        latest=current.number,
        view=view_of(record, client),
    )
