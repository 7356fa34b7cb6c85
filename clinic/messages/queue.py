"""The task queue that delivers messages: Huey, embedded on a SQLite file by default, Redis at scale.

Huey because it is small, well kept, runs with no server on one machine (SqliteHuey: a file in
instance/) and on Redis when REDIS_URL is set, and schedules periodic work itself (no cron). Its
tasks only carry message ids: the message rows are the truth, so a lost task costs a minute (the
periodic pass finds the row) and a duplicated one costs nothing (the claim in delivery.py).

`flask --app clinic worker` runs a consumer; tests run the same tasks with run_pending().
"""

import logging
import os

from flask import Flask
from huey import RedisHuey, SqliteHuey, crontab

from ..clock import utcnow
from ..extensions import db
from ..models import Message
from ..storage.database import reads_before_writes
from . import delivery, reminders

log = logging.getLogger(__name__)


class MessageQueue:
    def __init__(self, app: Flask):
        self.app = app
        redis_url = app.config.get("REDIS_URL")
        if redis_url:
            self.huey = RedisHuey("knotwork", url=redis_url, results=False, utc=True)
        else:
            filename = app.config.get("QUEUE_FILE") or os.path.join(app.instance_path, "queue.sqlite3")
            os.makedirs(os.path.dirname(filename), mode=0o700, exist_ok=True)
            self.huey = SqliteHuey("knotwork", filename=filename, results=False, utc=True)
        self._deliver = self.huey.task(name="deliver")(self._deliver_task)
        self._tick = self.huey.periodic_task(crontab(minute="*"), name="tick")(self._tick_task)
        self._portal_request = self.huey.task(name="portal_request")(self._portal_request_task)
        self._import_clients = self.huey.task(name="import_clients")(self._import_clients_task)
        from ..exports.tasks import register_export_tasks  # the same worker builds clinic exports

        register_export_tasks(self)

    def _deliver_task(self, message_id: int) -> str:
        with self.app.app_context(), reads_before_writes():
            outcome = delivery.deliver(message_id)
            # "not claimed" is a duplicate task (the minute's pass and the hand-over both queue a
            # message now and then): expected, and not worth a line at INFO.
            log.log(
                logging.DEBUG if outcome == "not claimed" else logging.INFO,
                "message %s: %s",
                message_id,
                outcome,
            )
            if outcome == "retry":
                # Try again when its wait is over (the minute's pass would find it too, later).
                wait = (db.session.get(Message, message_id).send_after - utcnow()).total_seconds()
                db.session.commit()
                self._deliver.schedule(args=(message_id,), delay=max(1.0, wait))
            return outcome

    def _portal_request_task(self, clinic_id: int, typed: str) -> None:
        from ..portal.links import request_link  # the portal builds on messages, not the other way

        with self.app.app_context(), reads_before_writes():
            request_link(clinic_id, typed)
            db.session.commit()

    def portal_request(self, clinic_id: int, typed: str) -> None:
        """A client's request for a portal sign-in link, matched to clients by the worker: the page that
        took it did the same work for a known address as for an unknown one (no timing tells them apart).
        The typed address waits in the queue's storage (a contact detail, never health data)."""
        self._portal_request(clinic_id, typed)

    def _import_clients_task(self, job_id: int) -> str:
        from ..client_import.run import run_import

        with self.app.app_context():
            return run_import(job_id)

    def import_clients(self, job_id: int) -> None:
        """Run a confirmed client import (clinic/client_import/run.py) in a worker."""
        self._import_clients(job_id)

    def _tick_task(self) -> int:
        with self.app.app_context(), reads_before_writes():
            return self.tick()

    def tick(self) -> int:
        """The periodic pass (in an app context): abandoned sends back in the queue, due reminders
        written, and every queued message whose time has come handed to a worker. It ends its last
        transaction before returning: an open one would hold up the senders (SQLite's write lock)."""
        with reads_before_writes():
            delivery.requeue_abandoned()
            written = reminders.queue_all_due()
            due = delivery.due_message_ids()
            db.session.commit()
        for message_id in due:
            self.deliver(message_id)
        return written

    def deliver(self, message_id: int) -> None:
        self._deliver(message_id)

    def run_pending(self, limit: int = 10_000) -> int:
        """Run the queued tasks in this process until none is left (tests, `flask worker --once`)."""
        ran = 0
        while ran < limit:
            task = self.huey.dequeue()
            if task is None:
                return ran
            self.huey.execute(task)
            ran += 1
        return ran

    def pending(self) -> int:
        return self.huey.pending_count()


def queue_for(app: Flask) -> MessageQueue:
    """The app's queue, made on first use (a page view that sends nothing never opens its storage)."""
    queue = app.extensions.get("knotwork_queue")
    if queue is None:
        queue = app.extensions["knotwork_queue"] = MessageQueue(app)
    return queue
