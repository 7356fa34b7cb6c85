"""The export's background work on the message queue's Huey (embedded by default, Redis at scale)."""

import logging

from huey import crontab

from ..storage.database import reads_before_writes
from . import jobs

log = logging.getLogger(__name__)


def register_export_tasks(queue) -> None:
    """Add the build task and the periodic sweep to the app's queue (clinic/messages/queue.py)."""
    app = queue.app

    def build_export(job_id: int) -> str:
        # reads first: on SQLite the long read must not hold the write lock (clinic/storage/database.py)
        with app.app_context(), reads_before_writes():
            outcome = jobs.run(job_id)
            log.info("export %s: %s", job_id, outcome)
            return outcome

    def sweep_exports() -> None:
        with app.app_context(), reads_before_writes():
            done = jobs.sweep()
        for job_id in done["requeue_ids"]:
            queue.build_export(job_id)

    queue.build_export = queue.huey.task(name="export")(build_export)
    queue.sweep_exports = queue.huey.periodic_task(crontab(minute="*/5"), name="export-sweep")(sweep_exports)
