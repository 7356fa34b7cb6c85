"""Reliability drills, black-box against gunicorn with 2 workers, on SQLite and on PostgreSQL.

- simultaneous bookings (the booking form) and reschedules into one slot: exactly one wins;
- concurrent edits of one record: the second writer gets the conflict page, nothing is lost;
- 20 simultaneous note saves: no 500, no "database is locked";
- a backup taken while writes go on restores with every acknowledged row;
- a worker killed in the middle of a write leaves the database intact;
- the canary day through the real server: nothing in the access, error or application logs.

The 10-way booking race through the JSON API is tests/test_booking_concurrency.py.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func, select, text

from clinic import create_app
from clinic.clock import clinic_today
from clinic.extensions import db
from clinic.models import Appointment, Client, TriggerPoint, Visit
from clinic.storage.database import normalise_database_url
from tests.conftest import PG_URL, base_config
from tests.factories import create_appointment, create_clients
from tests.security import flows
from tests.security.helpers import form_for, header_problems

from .conftest import drill_env

PASSWORD = "lantern-orchard-velvet"
DRILL_SECONDS = 20
FLASK = Path(sys.executable).with_name("flask")


def login(server, email: str):
    browser = server.browser()
    flows.log_in(browser, email, PASSWORD)
    return browser


def race(functions, timeout: float = 15) -> list:
    """Run the functions in threads released together at a barrier; their results (or exceptions)."""
    barrier = threading.Barrier(len(functions), timeout=timeout)
    results: list = [None] * len(functions)

    def run(i):
        try:
            barrier.wait()
            results[i] = functions[i]()
        except Exception as error:  # reported by the caller with the others
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(functions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout + 5)
    assert not any(t.is_alive() for t in threads), "a request hung"
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def expect_statuses(results, expected, server):
    """Compare the sorted statuses; on a mismatch show the server's first traceback."""
    log = server.error_log
    trace = log[log.index("Traceback") :][:6000] if "Traceback" in log else ""
    assert sorted(results) == sorted(expected), f"{sorted(results)}\n{trace}"


def no_server_errors(server):
    log = server.error_log
    assert "database is locked" not in log
    assert "Traceback" not in log, log[log.index("Traceback") :][:3000]
    errors = re.findall(r'.*(?:" 5\d\d | 5\d\d [\d.]+ms$).*', server.access_log, re.MULTILINE)
    assert not errors, errors[:5]


def count_where(app, statement) -> int:
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
        return value


def test_simultaneous_form_bookings_of_one_slot_make_one_appointment(world_app, gunicorn):
    app, world = world_app
    a = world.a
    started = time.monotonic()
    clients = create_clients(app, a.clinic, [(f"Racer{i}", "Drill") for i in range(8)], phone="")
    browsers = [login(gunicorn, a.emails["frontdesk"]) for _ in clients]
    for browser in browsers:
        browser.get("/appointments/new")
    slot = {
        "therapist": a.therapist2,
        "service": a.service,
        "date": "2030-06-06",
        "time": "10:00",
        "date_ok": "y",
    }
    results = race(
        [
            lambda b=b, c=c: b.post("/appointments/new", {**slot, "client": c}).status
            for b, c in zip(browsers, clients, strict=True)
        ]
    )
    expect_statuses(results, [302] + [409] * 7, gunicorn)
    booked = count_where(
        app,
        select(func.count(Appointment.id)).where(
            Appointment.therapist_id == a.therapist2, Appointment.status == "booked"
        ),
    )
    assert booked == 1
    no_server_errors(gunicorn)
    assert time.monotonic() - started < DRILL_SECONDS


def test_simultaneous_reschedules_into_one_slot_move_one_appointment(world_app, gunicorn):
    app, world = world_app
    a = world.a
    started = time.monotonic()
    clients = create_clients(app, a.clinic, [(f"Mover{i}", "Drill") for i in range(6)], phone="")
    ids = [
        create_appointment(
            app, a.clinic, a.therapist2, client, a.service, datetime(2030, 6, 7, 8 + n, tzinfo=UTC)
        )
        for n, client in enumerate(clients)
    ]
    browsers = [login(gunicorn, a.emails["frontdesk"]) for _ in ids]
    forms = []
    for browser, item in zip(browsers, ids, strict=True):
        url = f"/appointments/{item}/reschedule"
        fields = form_for(browser.get(url).text, url)
        forms.append((url, {**fields, "date": "2030-06-08", "time": "15:00", "date_ok": "y"}))
    results = race([lambda b=b, f=f: b.post(f[0], f[1]).status for b, f in zip(browsers, forms, strict=True)])
    expect_statuses(results, [302] + [409] * 5, gunicorn)
    moved = count_where(
        app,
        select(func.count(Appointment.id)).where(
            Appointment.therapist_id == a.therapist2, Appointment.start_at >= datetime(2030, 6, 8, tzinfo=UTC)
        ),
    )
    assert moved == 1
    no_server_errors(gunicorn)
    assert time.monotonic() - started < DRILL_SECONDS


def _conflict_then_resave(
    server,
    url: str,
    first_browser,
    second_browser,
    change: dict,
    read_back,
    from_conflict_page: bool = True,
    extra: dict | None = None,
):
    """Two people open one form; the first saves; the second is shown the conflict with what they typed,
    sends it again (from the conflict page, or pasted into the reloaded form as that page asks), and then
    it is saved. Nothing is lost on the way."""
    first = form_for(first_browser.get(url).text, url)
    second = form_for(second_browser.get(url).text, url)
    name, (one, two) = next(iter(change.items()))
    extra = extra or {}
    assert first_browser.post(url, {**first, **extra, name: one}).status == 302
    assert read_back() == one
    page = second_browser.post(url, {**second, **extra, name: two})
    assert page.status == 409, (url, page.status)
    assert 'role="alert"' in page.text, "no conflict message"
    assert two in page.text, "the conflict page dropped what the second person typed"
    assert read_back() == one, "the first change was overwritten"
    again = form_for(page.text, url)
    assert again[name] == two
    if not from_conflict_page:
        again = {**form_for(second_browser.get(url).text, url), name: again[name]}
    assert second_browser.post(url, {**again, **extra}).status == 302
    assert read_back() == two


def test_concurrent_edits_of_one_record_end_in_a_conflict_page_and_nothing_is_lost(world_app, gunicorn):
    app, world = world_app
    a = world.a
    started = time.monotonic()

    def column(model, object_id, name):
        def read():
            with app.app_context():
                value = getattr(db.session.get(model, object_id), name)
                db.session.remove()
                return value

        return read

    desk1, desk2 = login(gunicorn, a.emails["frontdesk"]), login(gunicorn, a.emails["owner"])
    _conflict_then_resave(
        gunicorn,
        f"/clients/{a.client}/edit",
        desk1,
        desk2,
        {"notes": ("Prefers mornings", "Prefers afternoons")},
        column(Client, a.client, "notes"),
    )
    tab1, tab2 = login(gunicorn, a.emails["therapist"]), login(gunicorn, a.emails["therapist"])
    _conflict_then_resave(
        gunicorn,
        f"/visits/{a.draft_visit}/edit",
        tab1,
        tab2,
        {"subjective": ("Stiff after the drive", "Stiff after gardening")},
        column(Visit, a.draft_visit, "subjective"),
        from_conflict_page=False,
    )
    health = f"/clients/{a.client}/health/edit"

    def latest_goals():
        from clinic.intake.services import current_record

        with app.app_context():
            value = current_record(a.client).goals
            db.session.remove()
            return value

    owner = login(gunicorn, a.emails["owner"])
    _conflict_then_resave(
        gunicorn, health, tab1, owner, {"goals": ("Run 5 km", "Carry the shopping")}, latest_goals
    )
    _conflict_then_resave(
        gunicorn,
        f"/appointments/{a.appointment}/reschedule",
        desk1,
        desk2,
        {"time": ("11:00", "12:00")},
        lambda: (
            column(Appointment, a.appointment, "start_at")()
            .astimezone(ZoneInfo("Europe/London"))
            .strftime("%H:%M")
        ),
        extra={"date_ok": "y"},  # the world's appointment is in 2030: years ahead on purpose
    )
    no_server_errors(gunicorn)
    assert time.monotonic() - started < DRILL_SECONDS


RECORDS = {  # what ten people save at once: (role, url, field)
    "client details": ("frontdesk", lambda a: f"/clients/{a.client}/edit", "notes"),
    "treatment note": ("therapist", lambda a: f"/visits/{a.draft_visit}/edit", "subjective"),
    "health history": ("therapist", lambda a: f"/clients/{a.client}/health/edit", "goals"),
}


@pytest.mark.parametrize("record", sorted(RECORDS))
def test_simultaneous_saves_of_one_record_one_wins_the_rest_see_the_conflict(world_app, gunicorn, record):
    """Ten people press Save on the same record at the same instant: one 302, nine 409, never a 500."""
    app, world = world_app
    role, url, name = RECORDS[record]
    url = url(world.a)
    started = time.monotonic()
    browsers = [login(gunicorn, world.a.emails[role]) for _ in range(10)]
    forms = [form_for(b.get(url).text, url) for b in browsers]
    results = race(
        [
            lambda b=b, f=f, i=i: b.post(url, {**f, name: f"writer {i}"}).status
            for i, (b, f) in enumerate(zip(browsers, forms, strict=True))
        ]
    )
    expect_statuses(results, [302] + [409] * 9, gunicorn)
    page = browsers[0].get(url).text
    assert len(re.findall(r"writer \d", page)) == 1, "the saved value is not exactly one writer's"
    no_server_errors(gunicorn)
    assert time.monotonic() - started < DRILL_SECONDS


def _drafts(app, world, count: int) -> list[int]:
    """Draft notes of the seeded therapist for `count` new clients (each with a health history)."""
    from clinic.intake import services as intake
    from clinic.models import User
    from clinic.visits import services as visits

    a = world.a
    clients = create_clients(app, a.clinic, [(f"Saver{i}", "Drill") for i in range(count)], phone="")
    with app.app_context():
        therapist = db.session.get(User, a.therapist)
        made = []
        for client_id in clients:
            client = db.session.get(Client, client_id)
            intake.record_from_form(client, therapist, {"consent_name": "Saver Drill"}, "intake")
            plan = [{"technique": "stretching", "region": "neck_posterior"}]
            made.append(visits.start_visit(client, therapist, plan, "", clinic_today(therapist.clinic)).id)
        db.session.commit()
        db.session.remove()
    return made


def test_twenty_simultaneous_note_saves_all_succeed(world_app, gunicorn):
    app, world = world_app
    started = time.monotonic()
    visits = _drafts(app, world, 20)
    browsers = [login(gunicorn, world.a.emails["therapist"]) for _ in visits]
    forms = []
    for browser, visit in zip(browsers, visits, strict=True):
        url = f"/visits/{visit}/edit"
        forms.append(
            (
                url,
                {
                    **form_for(browser.get(url).text, url),
                    "subjective": f"saved {visit}",
                    "pain_before": "5",
                    "pain_after": "2",
                },
            )
        )
    results = race([lambda b=b, f=f: b.post(*f).status for b, f in zip(browsers, forms, strict=True)])
    expect_statuses(results, [302] * 20, gunicorn)
    with app.app_context():
        saved = {v.id: v.subjective for v in db.session.scalars(select(Visit).where(Visit.id.in_(visits)))}
        db.session.remove()
    assert saved == {v: f"saved {v}" for v in visits}
    no_server_errors(gunicorn)
    assert time.monotonic() - started < DRILL_SECONDS


# --- backup and restore while writes go on ----------------------------------------------------------


def _flask(args: list[str], folder: Path, url: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FLASK), "--app", "clinic", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=drill_env(folder, url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _scratch_database(tmp_path: Path) -> str:
    """An empty database to restore into: a new SQLite file, or a new PostgreSQL database."""
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    name = "knotwork_drill_restore"
    engine = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_scratch(url: str) -> None:
    if url.startswith("postgres"):
        engine = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)"))
        engine.dispose()


def _rows(url: str) -> dict[str, set]:
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            names = [t.name for t in db.metadata.sorted_tables]
            return {
                name: {repr(tuple(r)) for r in connection.execute(text(f"SELECT * FROM {name}"))}
                for name in names
            }
    finally:
        engine.dispose()


def test_a_backup_taken_while_writes_go_on_restores_with_every_row(world_app, gunicorn, tmp_path):
    app, world = world_app
    started = time.monotonic()
    writer = login(gunicorn, world.a.emails["frontdesk"])
    writer.get("/clients/new")
    acknowledged: list[tuple[float, str]] = []
    stop = threading.Event()
    failures: list = []

    def write():
        n = 0
        while not stop.is_set() and n < 400:
            n += 1
            name = f"Writer{n:03d}"
            page = writer.post("/clients/new", {"first_name": name, "last_name": "Backup"})
            if page.status != 302:
                failures.append((name, page.status))
            else:
                acknowledged.append((time.monotonic(), name))
                writer.get(page.location)  # a fresh CSRF token, as the browser would have

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(acknowledged) < 15 and thread.is_alive() and time.monotonic() - started < 8:
            time.sleep(0.02)
        backup_started = time.monotonic()
        target = tmp_path / "drill.backup"
        result = _flask(["backup", str(target)], tmp_path, gunicorn.database_url)
        backup_done = time.monotonic()
        assert result.returncode == 0, result.stderr
        while len(acknowledged) < 40 and thread.is_alive() and time.monotonic() - started < 12:
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not failures, failures
    before = {name for at, name in acknowledged if at < backup_started}
    during = {name for at, name in acknowledged if backup_started <= at <= backup_done}
    assert during, "no write went on while the backup command ran"
    assert len(before) >= 15 and len(acknowledged) > len(before), "the writes did not go on around the backup"

    scratch = _scratch_database(tmp_path)
    try:
        result = _flask(["restore", "--yes", str(target)], tmp_path, scratch)
        assert result.returncode == 0, result.stderr
        restored, live = _rows(scratch), _rows(gunicorn.database_url)
        for table, rows in restored.items():
            assert rows <= live[table], f"{table}: the restored copy has rows the live database never had"
        engine = create_engine(normalise_database_url(scratch))
        with engine.connect() as connection:
            names = set(connection.execute(text("SELECT first_name FROM client")).scalars())
        engine.dispose()
        assert before <= names, f"acknowledged before the backup but missing: {sorted(before - names)}"
        engine = create_engine(normalise_database_url(scratch))
        with engine.connect() as connection:
            if scratch.startswith("sqlite"):
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
            else:
                assert (
                    connection.execute(
                        text("SELECT count(*) FROM pg_constraint WHERE conname = 'appointment_no_overlap'")
                    ).scalar()
                    == 1
                )
        engine.dispose()
        # the restored database serves the app
        restored_app = create_app(base_config(normalise_database_url(scratch), tmp_path))
        web = restored_app.test_client()
        assert (
            web.post("/login", data={"email": world.a.emails["frontdesk"], "password": PASSWORD}).status_code
            == 302
        )
        assert "Writer001" in web.get("/clients?q=Writer001").get_data(as_text=True)
        with restored_app.app_context():
            db.engine.dispose()
    finally:
        _drop_scratch(scratch)
    no_server_errors(gunicorn)
    assert time.monotonic() - started < DRILL_SECONDS


# --- a worker killed in the middle of a write -------------------------------------------------------


def _install_slow_write(app) -> None:
    """Fault injection in this test's database only: the audit row of a note save takes ~2.5 s to insert,
    so the save holds an open transaction (visit updated, points replaced) long enough to be killed."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("CREATE TABLE drill_slow (x INTEGER)"))
            db.session.execute(
                text(
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 9000) "
                    "INSERT INTO drill_slow SELECT x FROM n"
                )
            )
            db.session.execute(
                text(
                    "CREATE TRIGGER drill_slow_audit BEFORE INSERT ON audit_event "
                    "WHEN NEW.action = 'visit.update' "
                    "BEGIN SELECT count(*) FROM drill_slow a, drill_slow b WHERE a.x + b.x < 0; END"
                )
            )
        else:
            db.session.execute(
                text(
                    "CREATE FUNCTION drill_slow_audit() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$"
                )
            )
            db.session.execute(
                text(
                    "CREATE TRIGGER drill_slow_audit BEFORE INSERT ON audit_event FOR EACH ROW "
                    "WHEN (NEW.action = 'visit.update') EXECUTE FUNCTION drill_slow_audit()"
                )
            )
        db.session.commit()
        db.session.remove()


def _remove_slow_write(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER IF EXISTS drill_slow_audit"))
            db.session.execute(text("DROP TABLE IF EXISTS drill_slow"))
        else:
            db.session.execute(text("DROP TRIGGER IF EXISTS drill_slow_audit ON audit_event"))
            db.session.execute(text("DROP FUNCTION IF EXISTS drill_slow_audit()"))
        db.session.commit()
        db.session.remove()


def _worker_serving(server, client_port: int) -> int | None:
    """The worker pid holding our connection (matched through /proc/net/tcp and the workers' fds)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, remote = parts[1], parts[2]
        if int(local.split(":")[1], 16) == server.port and int(remote.split(":")[1], 16) == client_port:
            inode = parts[9]
    if inode is None:
        return None
    for pid in server.workers():
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return pid
        except OSError:
            continue
    return None


def _raw_post(port: int, path: str, body: bytes, cookies: dict) -> socket.socket:
    """Send a form POST and return the socket without reading the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def _snapshot(app, visit_id: int):
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        points = [
            (p.number, p.muscle, p.referral)
            for p in db.session.scalars(
                select(TriggerPoint).where(TriggerPoint.visit_id == visit_id).order_by(TriggerPoint.number)
            )
        ]
        audit = db.session.scalar(
            text("SELECT count(*) FROM audit_event WHERE action = 'visit.update' AND object_id = :v"),
            {"v": visit_id},
        )
        state = (visit.version, visit.subjective, visit.updated_at, points, audit)
        db.session.remove()
        return state


def _in_flight(app, server, sock, timeout=5.0) -> int:
    """Wait until the request holds an open write transaction in the slow insert; the worker's pid."""
    deadline = time.monotonic() + timeout
    port = sock.getsockname()[1]
    pid = None
    while time.monotonic() < deadline:
        pid = pid or _worker_serving(server, port)
        if pid and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            time.sleep(0.6)  # well inside the ~2.5 s trigger (the save reaches it within milliseconds)
            return pid
        if pid:
            with app.app_context():
                waiting = db.session.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'INSERT INTO audit_event%' "
                        "AND state = 'active'"
                    )
                )
                db.session.remove()
            if waiting:
                return pid
        time.sleep(0.05)
    raise AssertionError("the note save never reached the slow write")


def test_a_worker_killed_in_the_middle_of_a_write_leaves_the_database_intact(world_app, gunicorn):
    app, world = world_app
    a = world.a
    started = time.monotonic()
    browser = login(gunicorn, a.emails["therapist"])
    url = f"/visits/{a.draft_visit}/edit"
    fields = form_for(browser.get(url).text, url)
    before = _snapshot(app, a.draft_visit)
    _install_slow_write(app)
    try:
        from urllib.parse import urlencode

        body = {
            **fields,
            "csrf_token": browser.token,
            "subjective": "killed mid-write",
            "points-0-referral": "killed",
            "points-1-muscle": "levator_scapulae",
            "points-1-side": "left",
            "points-1-region": "neck_posterior",
            "points-1-technique": "stretching",
            "points-1-kind": "active",
            "points-1-pressure_scale": "felt",
        }
        sock = _raw_post(gunicorn.port, url, urlencode(body, doseq=True).encode(), browser.cookies)
        victim = _in_flight(app, gunicorn, sock)
        if gunicorn.database_url.startswith("sqlite"):
            state = Path(f"/proc/{victim}/stat").read_text().split()[2]
            assert state == "R", f"the worker is not busy in the slow write (state {state})"
        os.kill(victim, signal.SIGKILL)
        try:
            answer = sock.recv(100)
        except OSError:
            answer = b""
        sock.close()
        assert not answer.startswith(b"HTTP/1.1 302"), "the save finished before the kill: no drill"
    finally:
        _remove_slow_write(app)
    after = _snapshot(app, a.draft_visit)
    assert after == before, f"a killed save left a trace: {before} -> {after}"
    engine = create_engine(normalise_database_url(gunicorn.database_url))
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        else:
            orphans = connection.execute(
                text(
                    "SELECT count(*) FROM trigger_point t LEFT JOIN visit v ON v.id = t.visit_id "
                    "WHERE v.id IS NULL"
                )
            )
            assert orphans.scalar() == 0
    engine.dispose()
    # the master replaced the worker, and the same save now goes through
    workers = gunicorn.wait_for_workers(2)
    assert victim not in workers
    fields = form_for(browser.get(url).text, url)
    assert browser.post(url, {**fields, "subjective": "saved after the drill"}).status == 302
    assert _snapshot(app, a.draft_visit)[1] == "saved after the drill"
    assert "database is locked" not in gunicorn.error_log
    assert time.monotonic() - started < DRILL_SECONDS


# --- canaries through the real server -------------------------------------------------------------


class _Headers:
    """A Page seen as a response with .headers.get(name, default), for header_problems()."""

    def __init__(self, page):
        self.headers = self
        self.page = page

    def get(self, name, default=None):
        return self.page.header(name) or default


def test_canaries_stay_out_of_the_access_error_and_application_logs(world_app, gunicorn):
    _app, world = world_app
    started = time.monotonic()
    owner, therapist, anonymous = gunicorn.browser(), gunicorn.browser(), gunicorn.browser()
    flows.canary_day(owner, therapist, anonymous, world.a)
    anonymous.get(f"/feeds/{world.a.feed_token}.ics")
    logs = {"access log": gunicorn.access_log, "error and application log": gunicorn.error_log}
    assert "POST /clients/new" in logs["access log"] and "GET /clients " in logs["access log"]
    assert not flows.canary_findings(logs)
    assert not flows.cookie_findings(gunicorn.browsers)
    assert not flows.url_findings(gunicorn.browsers)
    tokens = [world.a.link_token, world.a.feed_token] + re.findall(
        r"/i/([A-Za-z0-9_-]{20,})",
        "".join(p.text for b in gunicorn.browsers for p in b.pages if p.mimetype == "text/html"),
    )
    leaked = [t for t in tokens if any(t in log for log in logs.values())]
    assert not leaked, "secret link tokens (self-intake, calendar feed) are written to the logs"
    # and every answer of the real server carried the security headers, static files and 404s included
    anonymous.get("/static/css/app.css")
    anonymous.get("/no-such-page")
    problems = []
    for browser in gunicorn.browsers:
        for page in browser.pages:
            found = header_problems(
                _Headers(page), cacheable=page.header("Content-Type").startswith("text/css")
            )
            problems += [(page.status, page.mimetype, p) for p in found]
            assert "gunicorn/" not in page.header("Server"), "the Server header names a version"
    assert not problems, problems[:10]
    assert time.monotonic() - started < DRILL_SECONDS
