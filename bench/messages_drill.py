"""The messages drill: N appointments due for a reminder, W worker processes, an SMTP server that
refuses a share of sends for now (451). Prints how fast the reminders go out and proves none went twice.

    .venv/bin/python bench/messages_drill.py [--appointments 1000] [--workers 2] [--fail 0.1]
        [--database-url postgresql://...] [--redis-url redis://127.0.0.1:6379/14]

Runs on the system clock (a drill, not a test). Failed tries are retried after 2 s each (the
clinic's schedule is 1, 5, 30 and 120 minutes: MESSAGE_RETRY_WAIT_SECONDS).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class FlakySink:
    def __init__(self, fail: float):
        self.fail, self.rng, self.lock = fail, random.Random(42), threading.Lock()
        self.ids: Counter = Counter()
        self.refused = 0
        self.first_at: float | None = None
        self.last_at: float | None = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.rng.random() < self.fail:
                self.refused += 1
                return "451 4.3.0 Try again later"
            mail = BytesParser(policy=policy.default).parsebytes(envelope.content, headersonly=True)
            self.ids[mail["Message-ID"]] += 1
            now = time.monotonic()
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(count: int) -> None:
    """A clinic whose reminders (48 h only, quiet hours a minute long) are all due now."""
    from flask_migrate import upgrade

    from clinic import create_app
    from clinic.auth import services as accounts
    from clinic.extensions import db
    from clinic.models import Appointment, Client, Service

    app = create_app()
    with app.app_context():
        upgrade()
        clinic = accounts.create_clinic("Drill Clinic", "Europe/London")
        clinic.settings = {
            "messages": {"reminder_hours": [48], "quiet_from": "03:00", "quiet_until": "03:01"}
        }
        clinic.phone = "01632 960000"
        therapists = [
            accounts.create_user(
                clinic, f"t{n}@drill.test", f"Therapist {n}", "therapist", "drill-password-long"
            )
            for n in range(20)
        ]
        service = Service(clinic_id=clinic.id, name="Treatment", duration_minutes=30)
        db.session.add(service)
        db.session.flush()
        first = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=12)
        for n in range(count):
            client = Client(
                clinic_id=clinic.id,
                first_name=f"Client{n}",
                last_name="Drill",
                email=f"client{n}@drill.test",
                name_key=f"client{n} drill",
                last_key="drill",
            )
            db.session.add(client)
            db.session.flush()
            start = first + timedelta(minutes=30 * (n // len(therapists)))
            db.session.add(
                Appointment(
                    clinic_id=clinic.id,
                    therapist_id=therapists[n % len(therapists)].id,
                    client_id=client.id,
                    service_id=service.id,
                    start_at=start,
                    end_at=start + timedelta(minutes=30),
                    status="booked",
                )
            )
        db.session.commit()
        db.engine.dispose()


def statuses(app) -> Counter:
    from sqlalchemy import func, select

    from clinic.extensions import db
    from clinic.models import Message
    from clinic.storage.database import reads_before_writes

    with app.app_context(), reads_before_writes():  # a reader must not take SQLite's write lock
        rows = db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    return Counter(dict(rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appointments", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument(
        "--fail", type=float, default=0.1, help="share of sends the SMTP server refuses (451)"
    )
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="knotwork-drill-"))
    sink = FlakySink(args.fail)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "CLINIC_INSTANCE_PATH": str(folder / "instance"),
        "CLINIC_SECRET_KEY": "drill-" + "x" * 40,
        "CLINIC_ENCRYPTION_KEYS": "drill-1:O9EQDe1X5ARUmGYHGobR0s4qtURhbNm8yKmzBAvDLG4",  # throwaway
        "CLINIC_PUBLIC_BASE_URL": "http://127.0.0.1",
        "CLINIC_MAIL_TRANSPORT": "smtp",
        "CLINIC_SMTP_HOST": "127.0.0.1",
        "CLINIC_SMTP_PORT": str(port),
        "CLINIC_SMTP_SECURITY": "none",
        "CLINIC_LOG_LEVEL": "WARNING",
        "CLINIC_MESSAGE_RETRY_WAIT_SECONDS": "[2, 2, 2, 2]",  # a drill: retries at once, not in minutes
        "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'drill.sqlite3'}",
    }
    env.pop("CLINIC_CLOCK", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    os.environ.update(env)
    print(f"seeding {args.appointments} appointments ({'PostgreSQL' if args.database_url else 'SQLite'})")
    seed(args.appointments)
    if args.redis_url:
        from redis import Redis

        Redis.from_url(args.redis_url).flushdb()

    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "clinic", "worker", "--threads", str(args.threads)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(folder / f"worker{n}.log", "wb"),  # noqa: SIM115 (closed with the process)
        )
        for n in range(args.workers)
    ]
    # The workers' scheduler runs the minute's pass at the top of each minute; kick the first one now.
    subprocess.run([sys.executable, "-m", "flask", "--app", "clinic", "worker", "--once"], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip
    from clinic import create_app

    app = create_app()
    first_pass = None
    try:
        while time.monotonic() - started < args.timeout:
            counts = statuses(app)
            attempted = sum(counts.values()) - counts.get("queued", 0)
            if first_pass is None and counts and attempted >= args.appointments:
                first_pass = time.monotonic() - started
            if (
                counts.get("sent", 0) + counts.get("failed", 0) + counts.get("bounced", 0)
                >= args.appointments
            ):
                break
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(10)
        controller.stop()
    drained = time.monotonic() - started
    counts = statuses(app)
    duplicates = sum(n - 1 for n in sink.ids.values() if n > 1)
    burst = (sink.last_at - sink.first_at) if sink.first_at and sink.last_at else 0
    print(f"messages: {dict(counts)}")
    print(
        f"SMTP: {sum(sink.ids.values())} accepted, {sink.refused} refused for now (451), "
        f"duplicates {duplicates}"
    )
    print(f"time to attempt every reminder once: {first_pass or 0:.1f} s "
          f"({args.appointments / first_pass if first_pass else 0:.0f} messages/s)")  # fmt: skip
    print(f"time to drain (retries after 2 s): {drained:.1f} s; accepted mail spread over {burst:.1f} s")
    ok = counts.get("sent") == args.appointments and duplicates == 0 and len(sink.ids) == args.appointments
    print("every reminder delivered exactly once" if ok else "FAILED: not every reminder went exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
