"""gunicorn with 2 workers on this test's database (SQLite file, or PostgreSQL with CLINIC_TEST_DATABASE_URL).

The server runs the production settings (clinic/gunicorn_conf.py) unchanged but for where the logs go:
gunicorn's error log and the app's own request log (the production access log) into files of the
test's tmp folder, and gunicorn's access log too if production has one. CSRF is on. The server is
always stopped (and waited for), and every drill is bounded in time.
"""

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PG_URL
from tests.gunicorn_server import running_gunicorn, server_env
from tests.security.browser import HttpBrowser
from tests.security.conftest import seeded, seeded_template, world_app  # noqa: F401, F811  (shared fixtures)


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
    return server_env(folder, url)


@pytest.fixture
def gunicorn(world_app, tmp_path):  # noqa: F811  (the fixture imported above)
    """Start gunicorn on this test's seeded database: yields a Server; stops it afterwards."""
    app, _world = world_app
    folder = tmp_path / "gunicorn"
    folder.mkdir()
    url = database_url(app)
    from clinic import gunicorn_conf

    access = ["--access-logfile", str(folder / "access.log")] if gunicorn_conf.accesslog else []
    logs = (*access, "--error-logfile", str(folder / "error.log"), "--graceful-timeout", "5")
    with running_gunicorn(drill_env(folder, url), folder / "output.log", logs) as (port, process):
        server = Server(port, process, folder, url)
        server.wait_for_workers(2)
        yield server
