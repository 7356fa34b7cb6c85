"""The owner's client import: upload a CSV, say which column is which, preview, confirm, watch it run."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from .. import audit
from ..access import roles_required
from ..clock import clinic_today
from ..extensions import db
from ..models import ClientImport
from ..rules.client_import import (
    DATE_ORDERS,
    FIELDS,
    PRESETS,
    decisions_for,
    guess_mapping,
    mapping_problems,
)
from ..rules.import_files import FileProblem
from . import run, store
from .plan import LISTED, PREVIEW_ROWS, header_of, make_plan, sample_values

bp = Blueprint("client_import", __name__, url_prefix="/clients/import")
bp.add_app_template_filter(lambda limit: size_text(limit), "import_size")


@bp.url_value_preprocessor
def _allow_the_file(endpoint, values):
    # Runs before every before_request hook, so before CSRF reads the form: only this route takes a
    # body larger than the app-wide MAX_CONTENT_LENGTH, and only from a signed-in owner (nobody else
    # makes the server read 20 MB to be refused).
    if endpoint == "client_import.upload" and current_user.is_authenticated and current_user.role == "owner":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + 64 * 1024


def _owned_or_404(import_id: int) -> ClientImport:
    """The current owner's own import in their clinic, or 404 (another owner's upload is theirs)."""
    job = store.owned(import_id, current_user.clinic_id, current_user.id)
    if job is None:
        db.session.rollback()
        audit.record("access.denied", object_type="client_import", object_id=import_id, outcome="denied")
        db.session.commit()
        abort(404)
    return job


def _too_large_text() -> str:
    return (
        f"The file is larger than {size_text(current_app.config['IMPORT_MAX_BYTES'])}. "
        "Split the list into smaller files and import each one."
    )


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    if request.endpoint != "client_import.upload" or not current_user.is_authenticated:
        return error
    db.session.rollback()
    return render_template("client_import/upload.html", problem=_too_large_text(), presets=PRESETS), 413


@bp.route("", methods=["GET", "POST"])
@roles_required("owner")
def upload():
    if request.method == "GET":
        return render_template("client_import/upload.html", problem=None, presets=PRESETS)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "client_import/upload.html", problem="Choose a CSV file.", presets=PRESETS
        ), 400
    limit = current_app.config["IMPORT_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        return render_template("client_import/upload.html", problem=_too_large_text(), presets=PRESETS), 413
    try:
        job, decoded = store.store_upload(current_user.clinic_id, current_user.id, data)
    except FileProblem as problem:
        db.session.rollback()
        return render_template("client_import/upload.html", problem=problem.message, presets=PRESETS), 400
    audit.record("client_import.upload", object_type="client_import", object_id=job.id)
    db.session.commit()
    if decoded.note:
        flash(decoded.note, "warning")
    return redirect(url_for("client_import.columns", import_id=job.id))


def _expired():
    flash("This upload has expired or was already imported. Upload the file again.", "warning")
    return redirect(url_for("client_import.upload"))


@bp.route("/<int:import_id>/columns", methods=["GET", "POST"])
@roles_required("owner")
def columns(import_id: int):
    job = _owned_or_404(import_id)
    if not store.still_open(job):
        return _expired()
    header = header_of(job)
    problems: list[str] = []
    mapping = job.mapping
    if request.method == "POST":
        preset = request.form.get("preset", job.preset)
        if preset in PRESETS and request.form.get("apply_preset"):
            job.preset, job.mapping = preset, guess_mapping(header, preset)
            db.session.commit()
            return redirect(url_for("client_import.columns", import_id=job.id))
        mapping = [request.form.get(f"col{i}", "") for i in range(len(header))]
        mapping = [m if m in FIELDS else "" for m in mapping]
        order = request.form.get("date_order", "")
        problems = mapping_problems(mapping)
        if order not in DATE_ORDERS:
            problems.append("Choose how the dates of birth are written.")
        if not problems:
            job.mapping, job.date_order, job.status = mapping, order, "mapped"
            audit.record("client_import.map", object_type="client_import", object_id=job.id)
            db.session.commit()
            return redirect(url_for("client_import.preview", import_id=job.id))
    audit.record("client_import.view", object_type="client_import", object_id=job.id)
    page = render_template(
        "client_import/columns.html",
        job=job,
        columns=list(zip(header, mapping, sample_values(job), strict=True)),
        fields=FIELDS,
        presets=PRESETS,
        date_orders=DATE_ORDERS,
        problems=problems,
    )
    db.session.commit()
    return page, 400 if problems else 200


@bp.route("/<int:import_id>/preview", methods=["GET", "POST"])
@roles_required("owner")
def preview(import_id: int):
    job = _owned_or_404(import_id)
    if not store.still_open(job):
        return _expired()
    if job.status != "mapped":
        return redirect(url_for("client_import.columns", import_id=job.id))
    plan = make_plan(job, clinic_today(current_user.clinic))
    errors = plan.errors
    listed = sorted(plan.duplicates.values(), key=lambda d: d.number)[:LISTED]
    problem = None
    if request.method == "POST":
        decisions = decisions_for(plan.duplicates, request.form.to_dict(), request.form.get("rest", "skip"))
        if errors and not request.form.get("skip_errors"):
            problem = f"Tick \u201cleave out the {len(errors)} rows with errors\u201d, or fix the file."
        elif not request.form.get("confirm"):
            problem = "Press \u201cImport\u201d to confirm."
        else:
            job.decisions, job.status = decisions, "queued"
            audit.record("client_import.confirm", object_type="client_import", object_id=job.id)
            db.session.commit()
            run._queue().import_clients(job.id)
            return redirect(url_for("client_import.status", import_id=job.id))
    audit.record("client_import.preview", object_type="client_import", object_id=job.id)
    by_number = {row.number: row for row in plan.rows}
    page = render_template(
        "client_import/preview.html",
        job=job,
        plan=plan,
        fields=FIELDS,
        sample=[r for r in plan.rows if not r.errors and r.number not in plan.duplicates][:PREVIEW_ROWS],
        errors=errors[:LISTED],
        error_count=len(errors),
        duplicates=[(d, by_number[d.number]) for d in listed],
        duplicate_count=len(plan.duplicates),
        problem=problem,
    )
    db.session.commit()
    return page, 400 if problem else 200


@bp.get("/<int:import_id>")
@roles_required("owner")
def status(import_id: int):
    job = _owned_or_404(import_id)
    done = run.progress(job.id) if job.status in ("queued", "running") else job.row_count
    return render_template("client_import/status.html", job=job, done=done, stalled=run.stalled(job))
