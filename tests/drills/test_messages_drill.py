"""The messages drill, small: 2 worker processes, 200 reminders due, an SMTP server refusing 10% of
sends for now. Every reminder is delivered exactly once (bench/messages_drill.py, which prints the
figures of the full 1,000-reminder drill in docs/performance.md)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from clinic.storage.database import normalise_database_url
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def drill_database():
    """An empty database of the drill's own: a new SQLite file (the drill makes it), or a PostgreSQL one."""
    if not PG_URL:
        yield None
        return
    name = f"knotwork_drill_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_two_workers_deliver_every_reminder_exactly_once_through_a_flaky_mail_server(drill_database):
    args = [
        sys.executable,
        "bench/messages_drill.py",
        "--appointments",
        "200",
        "--workers",
        "2",
        "--fail",
        "0.1",
    ]
    if drill_database:
        args += ["--database-url", drill_database]
    env = {key: value for key, value in os.environ.items() if key not in ("CLINIC_TEST_NOW", "CLINIC_CLOCK")}
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "every reminder delivered exactly once" in result.stdout
    assert "duplicates 0" in result.stdout
