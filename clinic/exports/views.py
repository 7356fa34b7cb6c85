"""The owner's export pages: one client's whole record (PDF or JSON), and the whole clinic as a ZIP."""

import json
import logging

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import audit
from ..access import get_scoped_or_404, roles_required, scoped
from ..clock import utcnow
from ..extensions import db
from ..models import Client, ExportJob
from ..web.navigation import add_nav
from ..web.panels import add_panel
from . import jobs
from .client_record import client_record
from .record_pdf import render_client_record

bp = Blueprint("exports", __name__, url_prefix="/exports")
log = logging.getLogger(__name__)
RECENT_JOBS = 10
REFRESH_SECONDS = 2
add_nav("Export", "exports.index", ("owner",), 85)
add_panel("client", "exports/_client_panel.html", ("owner",), 90, lambda **_: {"column": "side"})


def _attachment(body, mimetype: str, filename: str) -> Response:
    # The file name carries an id and a date, never a name: downloads folders and print queues show it.
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _client_for_export(client_id: int) -> tuple[Client, dict]:
    client = get_scoped_or_404(Client, client_id)
    record = client_record(current_user.clinic_id, client.id)
    return client, record


@bp.get("/clients/<int:client_id>/record.pdf")
@roles_required("owner")
def client_pdf(client_id: int):
    client, record = _client_for_export(client_id)
    pdf = render_client_record(record)
    audit.record("client.export", object_type="client", object_id=client.id, client_id=client.id)
    db.session.commit()
    return _attachment(pdf, "application/pdf", f"client-{client.id}-record-{utcnow():%Y-%m-%d}.pdf")


@bp.get("/clients/<int:client_id>/record.json")
@roles_required("owner")
def client_json(client_id: int):
    client, record = _client_for_export(client_id)
    body = json.dumps(record, indent=1, ensure_ascii=False)
    audit.record("client.export", object_type="client", object_id=client.id, client_id=client.id)
    db.session.commit()
    return _attachment(body, "application/json", f"client-{client.id}-record-{utcnow():%Y-%m-%d}.json")


@bp.get("/")
@roles_required("owner")
def index():
    recent = db.session.scalars(scoped(ExportJob).order_by(ExportJob.id.desc()).limit(RECENT_JOBS)).all()
    hours = current_app.config["EXPORT_EXPIRY_HOURS"]
    return render_template("exports/index.html", jobs=recent, expiry_hours=hours, is_expired=jobs.is_expired)


@bp.post("/")
@roles_required("owner")
def start():
    job, new = jobs.start(current_user)
    db.session.commit()
    if new:
        from ..messages.queue import queue_for

        # After the commit: the worker must find the row. A hand-over that fails (Redis away) is not
        # the owner's problem: the worker's sweep finds the queued job within minutes.
        try:
            queue_for(current_app._get_current_object()).build_export(job.id)
        except Exception:
            log.exception("export %s: not handed to the worker; the sweep will", job.id)
    else:
        flash("An export is already being made; this page shows its progress.", "info")
    return redirect(url_for("exports.detail", export_id=job.id))


@bp.get("/<int:export_id>")
@roles_required("owner")
def detail(export_id: int):
    job = get_scoped_or_404(ExportJob, export_id)
    refresh = REFRESH_SECONDS if job.status in jobs.LIVE else None
    return render_template("exports/detail.html", job=job, refresh=refresh, expired=jobs.is_expired(job))


@bp.post("/<int:export_id>/download")
@roles_required("owner")
def download(export_id: int):
    job = get_scoped_or_404(ExportJob, export_id)
    try:
        handle = jobs.take_for_download(job, current_user)
    except jobs.ExportError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("exports.detail", export_id=export_id))
    db.session.commit()
    size = job.size_bytes
    filename = f"clinic-export-{job.id}-{utcnow():%Y-%m-%d}.zip"

    def chunks():
        try:
            while block := handle.read(256 * 1024):
                yield block
        finally:
            handle.close()

    response = _attachment(chunks(), "application/zip", filename)
    if size:
        response.content_length = size
    return response
