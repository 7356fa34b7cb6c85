"""gunicorn as production runs it (clinic/gunicorn_conf.py), started by a test on its own database.

One way to start it for the concurrency tests, the drills and the proxy checks: production settings,
the test's clock and database, a cheap argon2 cost (the test users' hashes), and always stopped.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_NOW

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT = 15
SECRET = "gunicorn-test-secret-key-0123456789-abcdefghij"


def free_port() -> int:
    """A port nobody listens on now, chosen by the OS (so two test runs at once do not pick the same)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(folder: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a production server on this test's database; `settings` are CLINIC_* keys."""
    return {
        **os.environ,
        "CLINIC_INSTANCE_PATH": str(folder / "instance"),
        "CLINIC_SECRET_KEY": SECRET,
        "CLINIC_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "DATABASE_URL": database_url,
        "CLINIC_CLOCK": TEST_NOW,  # the server's clock stands where the test's does
        "CLINIC_PUBLIC_BASE_URL": "http://clinic.example.test",
        # plain HTTP on 127.0.0.1: the documented opt-out of Secure cookies
        "CLINIC_SESSION_COOKIE_SECURE": "false",
        # the argon2 cost of the test users' hashes, so logging in does not rehash them
        "CLINIC_ARGON2_TIME_COST": "1",
        "CLINIC_ARGON2_MEMORY_COST_KIB": "8",
        "CLINIC_ARGON2_PARALLELISM": "1",
        **{f"CLINIC_{key}": value for key, value in settings.items()},
    }


def _healthy(port: int) -> bool:
    connection = HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def running_gunicorn(
    env: dict[str, str], output: Path, args: tuple[str, ...] = (), workers: int = 2
) -> Iterator[tuple[int, subprocess.Popen]]:
    """Start gunicorn, wait for /health, yield (port, process); stop it (SIGTERM, then kill)."""
    port = free_port()
    log = open(output, "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            "python:clinic.gunicorn_conf",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            *args,
            "clinic:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + output.read_text(errors="replace")[-3000:])
            time.sleep(0.1)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
