"""The servers under test (gunicorn, started and stopped here) and plain HTTP/1.1 requests to them."""

import re
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent


def start_server(app_spec: str, port: int, env: dict, log: Path, health: str) -> subprocess.Popen:
    """gunicorn as in production (clinic/gunicorn_conf.py) with 2 sync workers (a sync worker closes
    each connection after its response, so --keep-alive 0 only makes that explicit; see
    research/performance-baseline.md on gthread)."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",  # the production settings (worker class, hooks), with the bench's workers, port and logs
        "python:clinic.gunicorn_conf",
        "-w",
        "2",
        "-k",
        "sync",
        "--keep-alive",
        "0",
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--pythonpath",
        f"{ROOT},{BENCH}",
        app_spec,
    ]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn {app_spec} exited early; see {log}:\n{log.read_text()[-2000:]}")
        try:
            if request(port, health)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    sys.exit(f"gunicorn {app_spec} did not answer on 127.0.0.1:{port} within 60 s; see {log}")


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()  # the gunicorn master; it stops its own workers
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def request(
    port: int,
    path: str,
    cookie: str | None = None,
    method: str = "GET",
    body: str | None = None,
    headers: dict | None = None,
) -> tuple[int, dict, bytes]:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def login(port: int, email: str, password: str) -> str:
    """A session cookie from the real login form (CSRF token and all)."""
    status, headers, body = request(port, "/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    cookie = headers.get("set-cookie", "").split(";")[0]
    if status != 200 or token is None or not cookie:
        sys.exit(f"/login answered {status} without a form to fill in")
    form = urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password})
    status, headers, _ = request(
        port, "/login", cookie, "POST", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    session = headers.get("set-cookie", "").split(";")[0]
    if status != 302 or not session.startswith("knotwork_session="):
        sys.exit(f"login as {email} failed ({status})")
    return session
