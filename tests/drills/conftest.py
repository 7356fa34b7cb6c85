"""gunicorn with 2 workers on this test's database (SQLite file, or PostgreSQL with CLINIC_TEST_DATABASE_URL).

The server runs the production settings (clinic/gunicorn_conf.py) unchanged but for where the logs go:
gunicorn's error log and the app's own request log (the production access log) into files of the
test's tmp folder, and gunicorn's access log too if production has one. CSRF is on. The server is
always stopped (and waited for), and every drill is bounded in time.
"""

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PG_URL, TEST_NOW
from tests.security.browser import HttpBrowser
from tests.security.conftest import seeded, seeded_template, world_app  # noqa: F401, F811  (shared fixtures)
from tests.test_booking_concurrency import GUNICORN, ROOT, START_TIMEOUT, free_port

SECRET = "drill-secret-key-0123456789-abcdefghijklmnop"


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    folder: Path
    database_url: str
    browsers: list = field(default_factory=list)

    @property
    def access_log(self) -> str:
        """gunicorn's access log if production keeps one, and the app's own line per request."""
        return _read(self.folder / "access.log") + "".join(
            line + "\n" for line in _read(self.folder / "output.log").splitlines() if " clinic: " in line
        )

    @property
    def error_log(self) -> str:
        return _read(self.folder / "error.log") + _read(self.folder / "output.log")

    def browser(self) -> HttpBrowser:
        browser = HttpBrowser(self.port)
        self.browsers.append(browser)
        return browser

    def workers(self) -> list[int]:
        """The master's worker processes (its children)."""
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            children = (task / "children").read_text().split()
            pids += [int(pid) for pid in children]
        return pids

    def wait_for_workers(self, count: int = 2, timeout: float = 10) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers()
            if len(pids) == count and all(_serving(pid) for pid in pids):
                return pids
            time.sleep(0.05)
        raise AssertionError(f"gunicorn has {self.workers()} workers, not {count}")


def _serving(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] in "RS"
    except OSError:
        return False


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def database_url(app) -> str:
    return PG_URL or app.config["SQLALCHEMY_DATABASE_URI"]


def drill_env(folder: Path, url: str) -> dict:
    return {
        **os.environ,
        "CLINIC_INSTANCE_PATH": str(folder / "instance"),
        "CLINIC_SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "CLINIC_CLOCK": TEST_NOW,  # the servers' clock stands where the test's does
        # the argon2 cost of the seeded users' hashes, so logging in does not rehash them
        "CLINIC_ARGON2_TIME_COST": "1",
        "CLINIC_ARGON2_MEMORY_COST_KIB": "8",
        "CLINIC_ARGON2_PARALLELISM": "1",
    }


@pytest.fixture
def gunicorn(world_app, tmp_path):  # noqa: F811  (the fixture imported above)
    """Start gunicorn on this test's seeded database: yields a Server; stops it afterwards."""
    app, _world = world_app
    folder = tmp_path / "gunicorn"
    folder.mkdir()
    url = database_url(app)
    port = free_port()
    output = open(folder / "output.log", "wb")  # noqa: SIM115 (closed below)
    from clinic import gunicorn_conf

    access = ["--access-logfile", str(folder / "access.log")] if gunicorn_conf.accesslog else []
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            "python:clinic.gunicorn_conf",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            *access,
            "--error-logfile",
            str(folder / "error.log"),
            "--graceful-timeout",
            "5",
            "clinic:create_app()",
        ],
        cwd=ROOT,
        env=drill_env(folder, url),
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    server = Server(port, process, folder, url)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if HttpBrowser(port, timeout=2).get("/health").status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + server.error_log[-3000:])
            time.sleep(0.1)
        server.wait_for_workers(2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        output.close()
