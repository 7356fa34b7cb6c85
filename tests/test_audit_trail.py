"""The audit trail is append-only in the database itself, and the owner can read it."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from clinic.extensions import db
from clinic.models import AuditEvent


@pytest.fixture
def event_id(app, web, therapist):
    web.post("/login", data={"email": "theo@example.test", "password": "wrong password here"})
    with app.app_context():
        return db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "login.failed"))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET outcome = 'ok' WHERE id = :id", "DELETE FROM audit_event WHERE id = :id"],
)
def test_database_refuses_update_and_delete(app, event_id, statement):
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement), {"id": event_id})
        db.session.rollback()
        assert db.session.get(AuditEvent, event_id).outcome == "refused"


def test_orm_changes_are_refused_too(app, event_id):
    with app.app_context():
        event = db.session.get(AuditEvent, event_id)
        event.action = "tampered"
        with pytest.raises(DatabaseError):
            db.session.commit()
        db.session.rollback()


def test_owner_reads_the_audit_log_with_filters(web, login_as, owner, therapist, frontdesk):
    login_as(owner)
    web.post(f"/admin/users/{frontdesk}/deactivate")
    page = web.get("/admin/audit").get_data(as_text=True)
    assert "user.deactivate" in page and "login.ok" in page
    filtered = web.get("/admin/audit?action=user.").get_data(as_text=True)
    assert "user.deactivate" in filtered and "login.ok" not in filtered
    by_day = web.get("/admin/audit?day=not-a-date")
    assert by_day.status_code == 200 and "2026-11-24" in by_day.get_data(as_text=True)


def test_audit_rows_carry_who_and_where(app, web, login_as, owner, frontdesk):
    login_as(owner)
    web.post(f"/admin/users/{frontdesk}/deactivate", headers={"User-Agent": "TabletBrowser/1.0"})
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate"))
        assert event.user_id == owner and event.object_id == frontdesk and event.object_type == "user"
        assert event.ip == "127.0.0.1" and event.user_agent == "TabletBrowser/1.0"
        assert event.clinic_id is not None and event.at.tzinfo is not None


def test_clinic_keeps_one_active_owner(app, web, login_as, owner):
    login_as(owner)
    response = web.post(f"/admin/users/{owner}/role", data={"role": "therapist"}, follow_redirects=True)
    assert "at least one active owner" in response.get_data(as_text=True)
