"""The audit trail is append-only in the database itself, and the owner can read it."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from clinic.extensions import db
from clinic.models import AuditEvent
from tests.factories import create_client


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


def test_the_log_speaks_in_words_names_the_client_and_filters_by_client(
    app, web, login_as, clinic_id, owner, therapist
):
    from tests.conftest import login

    ada = create_client(app, clinic_id, "Ada", "Quill")
    bo = create_client(app, clinic_id, "Bo", "Lind")
    theo = app.test_client()
    login(theo, "theo@example.test")
    theo.get(f"/clients/{ada}")
    theo.get(f"/clients/{bo}")
    login_as(owner)
    page = web.get("/admin/audit").get_data(as_text=True)
    assert "opened the client record" in page and "<code>client.view</code>" in page
    assert "Ada Quill" in page and "Bo Lind" in page and "signed in" in page
    only_ada = web.get(f"/admin/audit?client={ada}").get_data(as_text=True)
    assert "Only the record of <strong>Ada Quill</strong>" in only_ada
    assert f'href="/admin/audit?client={bo}"' not in only_ada and "Bo Lind" not in only_ada
    assert "The audit trail of Ada Quill" in web.get(f"/clients/{ada}").get_data(as_text=True)


def test_the_log_exports_as_csv_safe_for_spreadsheets_and_the_export_is_audited(
    app, web, login_as, clinic_id, owner, therapist
):
    import csv
    import io

    from tests.conftest import login

    sly = create_client(app, clinic_id, "=HYPERLINK(x)", "Sly")
    theo = app.test_client()
    login(theo, "theo@example.test")
    theo.get(f"/clients/{sly}")
    login_as(owner)
    response = web.get(f"/admin/audit.csv?client={sly}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))  # with the byte-order mark
    assert rows[0][:4] == ["When", "Who", "What", "Action"]
    # newest first: this export itself (it is part of the client's trail), then the therapist's view
    assert [row[2:4] for row in rows[1:]] == [
        ["exported the audit log", "audit.export"],
        ["opened the client record", "client.view"],
    ]
    assert rows[2][5] == "'=HYPERLINK(x) Sly" and rows[2][1] == "Theo Therapist"  # no formula runs
    with app.app_context():
        exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
        assert (exported.user_id, exported.client_id) == (owner, sly)
    assert web.get("/admin/audit.csv?client=abc").status_code == 200  # not a number: no filter, no error
    assert theo.get("/admin/audit.csv").status_code == 403


def test_the_log_page_reads_a_fixed_number_of_queries(app, web, login_as, clinic_id, owner, therapist):
    from tests.conftest import count_queries, login

    theo = app.test_client()
    login(theo, "theo@example.test")
    login_as(owner)
    theo.get(f"/clients/{create_client(app, clinic_id, 'Ada', 'Quill')}")
    with count_queries(app) as few:
        web.get("/admin/audit")
    for n in range(6):
        theo.get(f"/clients/{create_client(app, clinic_id, f'Name{n}', 'Lark')}")
    with count_queries(app) as many:
        page = web.get("/admin/audit").get_data(as_text=True)
    assert "Name5 Lark" in page and many() == few()
