"""The flask commands: clinics, users, demo, backup and restore; clear errors, never a traceback."""

import re
import threading
import time

import pytest
from sqlalchemy import func, select, text

from clinic.extensions import db
from clinic.models import AuditEvent, Clinic, User
from tests.conftest import PG_URL


def test_create_clinic_and_user(app, runner):
    result = runner.invoke(args=["create-clinic", "Quay Clinic", "--timezone", "Europe/Dublin"])
    assert result.exit_code == 0, result.output
    assert "Created clinic 'Quay Clinic'" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "Ana@Quay.Example",
            "--clinic",
            "Quay Clinic",
            "--role",
            "owner",
            "--name",
            "Ana Byrne",
        ],
        input="harbour-lights-at-dawn\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ana@quay.example"))
        assert user.role == "owner" and user.clinic.timezone == "Europe/Dublin"


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["create-clinic", "Quay", "--timezone", "Mars/Olympus"], None, "Unknown time zone"),
        (
            ["create-user", "a@b.example", "--clinic", "Nowhere", "--role", "owner", "--name", "A B"],
            "x\n",
            "No clinic named",
        ),
        (
            [
                "create-user",
                "a@b.example",
                "--clinic",
                "Harbour Test Clinic",
                "--role",
                "owner",
                "--name",
                "A B",
            ],
            "short\n",
            "at least 12",
        ),
        (
            [
                "create-user",
                "a@b.example",
                "--clinic",
                "Harbour Test Clinic",
                "--role",
                "king",
                "--name",
                "A B",
            ],
            "x\n",
            "Invalid value for '--role'",
        ),
        (
            [
                "create-user",
                "owner@example.test",
                "--clinic",
                "Harbour Test Clinic",
                "--role",
                "owner",
                "--name",
                "A B",
            ],
            "harbour-lights-at-dawn\n",
            "already uses",
        ),
        (["restore", "/nonexistent/backup.db", "--yes"], None, "is not a file"),
    ],
)
def test_bad_arguments_give_a_clear_message(app, runner, owner, args, stdin, message):
    with app.app_context():
        before = (
            db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Clinic.id))),
        )
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        after = (
            db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Clinic.id))),
        )
    assert after == before


def test_duplicate_clinic_is_refused(runner, clinic_id):
    result = runner.invoke(args=["create-clinic", "harbour test clinic"])
    assert result.exit_code == 1 and "exists already" in result.output


def test_demo_loads_once(app, runner):
    first = runner.invoke(args=["demo", "--clients", "12"])
    assert first.exit_code == 0, first.output
    assert "owner@demo.knotwork.test" in first.output and "desk@demo.knotwork.test" in first.output
    with app.app_context():
        counts = db.session.scalar(select(func.count(User.id)))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == counts
        roles = set(db.session.scalars(select(User.role)))
    assert roles == {"owner", "therapist", "frontdesk"}


def test_demo_users_each_get_a_home_page(app, runner):
    from clinic.demo import DEMO_PASSWORD, DEMO_STAFF

    runner.invoke(args=["demo", "--clients", "5"])
    for email, _name, role in DEMO_STAFF:
        web = app.test_client()
        assert web.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        page = web.get("/").get_data(as_text=True)
        assert "Good " in page
        assert ("Manage staff" in page) is (role == "owner")


def test_the_demo_has_clients_to_recall(app, runner, clock):
    """A trial opens the recall list and finds someone to call: clients past their due date whom
    the demo calendar leaves without a booking from today on."""
    from clinic.demo import DEMO_PASSWORD

    clock.set("2026-11-24T10:00:00+00:00")
    assert runner.invoke(args=["demo"]).exit_code == 0
    web = app.test_client()
    web.post("/login", data={"email": "desk@demo.knotwork.test", "password": DEMO_PASSWORD})
    page = web.get("/recall").get_data(as_text=True)
    assert "Nobody to call" not in page
    assert len(re.findall(r"\(\d+ days? ago\)", page)) >= 3, page


def test_demo_is_refused_under_production_config(make_app):
    app = make_app(TESTING=False, DEBUG=False, PUBLIC_BASE_URL="https://clinic.example.org")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "refused under production" in result.output


def test_backup_while_writing_then_restore(app, runner, tmp_path, clinic_id, owner):
    """A backup taken while another connection keeps writing restores with every row it saw."""
    stop = threading.Event()
    written = []

    def writer():
        with app.app_context():
            while not stop.is_set():
                db.session.add(AuditEvent(action="test.write", clinic_id=clinic_id))
                db.session.commit()
                written.append(1)
                time.sleep(0.002)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        target = tmp_path / "backup.dump"
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        thread.join()
    with app.app_context():
        total = db.session.scalar(select(func.count(AuditEvent.id)))
        db.session.remove()
    assert total >= 20
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code == 1 and "exists already" in again.output

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        restored = db.session.scalar(select(func.count(AuditEvent.id)))
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        assert db.session.scalar(select(Clinic.name)) == "Harbour Test Clinic"
        if not PG_URL:
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        db.session.remove()
    # every row is there up to the snapshot: ids are contiguous from 1 and the backup caught the writes
    assert 20 <= restored <= total
    assert ids == list(range(1, restored + 1))


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path, owner):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("this is not a database")
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
