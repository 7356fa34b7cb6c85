"""Running a confirmed import in the worker: every client in one transaction, or none.

The worker, not the request: 20,000 clients take seconds (docs/performance.md), longer than a page
should hang, and a browser retry must not import twice (the run claims its job once). While the
transaction is open nobody else sees its rows, so the progress is kept in the queue's own store
(SQLite file or Redis), which the progress page reads.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from .. import audit
from ..clients import services
from ..clock import clinic_today, utcnow
from ..extensions import db
from ..models import Client, ClientImport, User
from ..rules.client_import import CONTACT_FIELDS
from ..storage.database import reads_before_writes
from .plan import make_plan

log = logging.getLogger(__name__)
BATCH = 1000  # clients flushed (and progress reported) at once


def progress_key(job_id: int) -> str:
    return f"client-import-progress-{job_id}"


def _queue():
    from ..messages.queue import queue_for

    return queue_for(current_app._get_current_object())


def report(job_id: int, done: int) -> None:
    _queue().huey.put(progress_key(job_id), done)


def progress(job_id: int) -> int:
    return _queue().huey.get(progress_key(job_id), peek=True) or 0


def forget_progress(job_id: int) -> None:
    _queue().huey.get(progress_key(job_id))  # a read without peek removes the key


def stalled(job: ClientImport) -> bool:
    """A run that has said nothing for longer than any import takes: its worker was stopped. Its
    transaction died with it, so nothing of it was saved."""
    return (
        job.status == "running"
        and job.started_at is not None
        and (utcnow() - job.started_at > timedelta(minutes=current_app.config["IMPORT_STALLED_MINUTES"]))
    )


def claim(job_id: int) -> bool:
    """queued -> running, once: a second task for the same job finds nothing to do."""
    claimed = db.session.execute(
        update(ClientImport)
        .where(ClientImport.id == job_id, ClientImport.status == "queued")
        .values(status="running", started_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def run_import(job_id: int) -> str:
    """Import a queued job (in an app context). Any failure rolls every row back and says so."""
    if not claim(job_id):
        return "not claimed"
    try:
        outcome = _import(job_id)
        db.session.commit()
        forget_progress(job_id)
    except Exception:
        db.session.rollback()
        log.exception("client import %s failed", job_id)
        job = db.session.get(ClientImport, job_id)
        job.status = "failed"
        job.failure = "The import stopped on an error and nothing was imported. Upload the file again."
        job.csv_text = ""
        job.finished_at = utcnow()
        audit.record(
            "client_import.fail",
            object_type="client_import",
            object_id=job.id,
            outcome="error",
            user=db.session.get(User, job.created_by_id),
        )
        db.session.commit()
        forget_progress(job_id)
        return "failed"
    return outcome


def _import(job_id: int) -> str:
    # Reads first, without SQLite's write lock: the file checked again, the duplicates looked up, the
    # clients to update loaded and the new ones built. The lock is taken at the first write below and
    # held only for the inserts (other writers of the clinic wait for it: docs/performance.md).
    with reads_before_writes():
        job = db.session.get(ClientImport, job_id)
        owner = db.session.get(User, job.created_by_id)
        plan = make_plan(job, clinic_today(owner.clinic))
        report(job_id, 0)
        created: list[Client] = []
        updates: list[tuple[Client, dict]] = []
        skipped = 0
        for row in plan.rows:
            duplicate = plan.duplicates.get(row.number)
            # A row that became a duplicate after the preview (a client typed in meanwhile) has no
            # decision: skipped, as the safe choice.
            choice = job.decisions.get(str(row.number), "skip") if duplicate else "import"
            if row.errors or choice == "skip":
                skipped += 1
            elif choice == "update" and duplicate.client_id is not None:
                client = db.session.get(Client, duplicate.client_id)
                details = {name: getattr(client, name) for name in services.EDITABLE}
                details.update({k: row.data[k] for k in CONTACT_FIELDS if row.data.get(k)})
                updates.append((client, details))
            else:
                created.append(services.build_client(job.clinic_id, row.data))
        for client, details in updates:
            services.update_client(client, details, None)  # the first write: the lock is taken here
        for start in range(0, len(created), BATCH):
            db.session.add_all(created[start : start + BATCH])
            db.session.flush()
            report(job_id, skipped + len(updates) + start + len(created[start : start + BATCH]))
        audit.record_many(
            "client.import", object_type="client", objects=[(c.id, c.id) for c in created], user=owner
        )
        audit.record_many(
            "client.update", object_type="client", objects=[(c.id, c.id) for c, _ in updates], user=owner
        )
        job.status = "done"
        job.created_count, job.updated_count, job.skipped_count = len(created), len(updates), skipped
        job.csv_text = ""  # the clients are the record now; the file is not kept
        job.finished_at = utcnow()
        audit.record("client_import.run", object_type="client_import", object_id=job.id, user=owner)
        db.session.flush()
    return "done"
