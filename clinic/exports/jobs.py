"""Whole-clinic export jobs: asked for by the owner, built by the worker, downloaded once, expiring.

The ZIP holds decrypted health records, so its life is kept short rather than sealing it: created
0600 in instance/exports/ under a random name, built as .part and renamed when whole, unlinked the
moment its one download starts (the open handle streams it), and deleted by the periodic sweep
EXPORT_EXPIRY_HOURS after it is ready if nobody downloads it. A job row stays as the record.
"""

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select, update

from .. import audit
from ..clock import utcnow
from ..extensions import db
from ..models import ExportJob
from . import builder

log = logging.getLogger(__name__)
LIVE = ("queued", "running")
ABANDONED_AFTER = timedelta(hours=6)  # 20,000 clients take minutes (docs/performance.md)


class ExportError(Exception):
    """Why an export cannot be downloaded (shown to the owner)."""


def export_dir() -> Path:
    folder = Path(current_app.config.get("EXPORT_DIR") or os.path.join(current_app.instance_path, "exports"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def start(user) -> tuple[ExportJob, bool]:
    """The clinic's export in progress, or a new one (flushed, audited). True when it is new."""
    running = db.session.scalars(
        select(ExportJob).where(ExportJob.clinic_id == user.clinic_id, ExportJob.status.in_(LIVE))
    ).first()
    if running is not None:
        return running, False
    job = ExportJob(clinic_id=user.clinic_id, requested_by_id=user.id, status="queued")
    db.session.add(job)
    db.session.flush()
    audit.record("export.start", object_type="export_job", object_id=job.id)
    return job, True


def _set(job_id: int, **values) -> int:
    """Update the job on a connection of its own: the build's reading transaction stays open."""
    with db.engine.begin() as connection:
        table = ExportJob.__table__
        return connection.execute(update(table).where(table.c.id == job_id).values(**values)).rowcount


def run(job_id: int) -> str:
    """Build one queued job's ZIP (the worker's task). Safe to call twice: only one claim succeeds."""
    table = ExportJob.__table__
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(table)
            .where(table.c.id == job_id, table.c.status == "queued")
            .values(status="running", started_at=utcnow())
        ).rowcount
    if not claimed:
        return "not claimed"
    job = db.session.get(ExportJob, job_id)
    clinic_id = job.clinic_id
    db.session.rollback()
    file_name = f"export-{secrets.token_urlsafe(18)}.zip"
    final = export_dir() / file_name
    partial = final.with_suffix(".part")
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            # one snapshot for the whole build (SQLite's read transaction is one already): a note
            # signed half-way through cannot appear in visits.json without its points
            db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        _set(job_id, file_name=file_name, total=builder.count_units(clinic_id))
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            builder.build(clinic_id, target, lambda done: _set(job_id, done=done))
        db.session.rollback()  # end the build's reading transaction before the rename is announced
        partial.rename(final)
    except Exception as error:  # any failure: the owner sees "failed", the log has the trace
        db.session.rollback()
        partial.unlink(missing_ok=True)
        log.exception("export %s failed", job_id)
        error_text = f"The export failed ({type(error).__name__})."
        _set(job_id, status="failed", finished_at=utcnow(), file_name=None, error=error_text)
        return "failed"
    hours = current_app.config["EXPORT_EXPIRY_HOURS"]
    now = utcnow()
    _set(
        job_id,
        status="ready",
        size_bytes=final.stat().st_size,
        finished_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    return "ready"


def is_expired(job: ExportJob) -> bool:
    return job.status == "ready" and job.expires_at is not None and job.expires_at <= utcnow()


def take_for_download(job: ExportJob, user) -> BinaryIO:
    """Open the ready file, mark the job downloaded (once, whoever asks twice at the same time), audit
    it, and unlink the file: the returned handle is the only way left to its bytes. Flushes; the view
    commits before streaming."""
    if job.status == "downloaded":
        raise ExportError("This export was downloaded already. Start a new one to get a fresh copy.")
    if job.status in LIVE:
        raise ExportError("This export is not ready yet.")
    if job.status != "ready" or is_expired(job) or not job.file_name:
        raise ExportError("This export has expired or failed. Start a new one.")
    path = export_dir() / job.file_name
    try:
        handle = open(path, "rb")  # noqa: SIM115  (closed by the response when the download ends)
    except FileNotFoundError:
        raise ExportError("This export's file is gone (expired). Start a new one.") from None
    taken = db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job.id, ExportJob.status == "ready")
        .values(status="downloaded", downloaded_at=utcnow(), downloaded_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        handle.close()
        raise ExportError("This export was downloaded already. Start a new one to get a fresh copy.")
    audit.record("export.download", object_type="export_job", object_id=job.id)
    path.unlink(missing_ok=True)
    return handle


def sweep() -> dict[str, int]:
    """The periodic pass: delete expired files; hand queued jobs whose task was lost back to the worker.
    Commits. Returns what it did."""
    now = utcnow()
    expired = db.session.scalars(
        select(ExportJob).where(ExportJob.status == "ready", ExportJob.expires_at <= now)
    ).all()
    for job in expired:
        if job.file_name:
            (export_dir() / job.file_name).unlink(missing_ok=True)
        job.status = "expired"
    # A worker that died mid-build leaves a job "running" for ever, and its .part file: both end here.
    abandoned = db.session.scalars(
        select(ExportJob).where(ExportJob.status == "running", ExportJob.started_at <= now - ABANDONED_AFTER)
    ).all()
    for job in abandoned:
        if job.file_name:
            (export_dir() / job.file_name).with_suffix(".part").unlink(missing_ok=True)
        job.status, job.finished_at, job.error = "failed", now, "The export stopped half-way (worker ended)."
    stale = db.session.scalars(
        select(ExportJob.id).where(
            ExportJob.status == "queued", ExportJob.created_at <= now - timedelta(minutes=2)
        )
    ).all()
    db.session.commit()
    return {"expired": len(expired), "abandoned": len(abandoned), "requeue_ids": list(stale)}
