"""Every main page, every query it sends: no plan reads a clinic's whole table or a therapist's whole
history (issue 19's plan lottery, found page by page by bench/plan_audit.py, held here for good).

SQLite only: its planner has no statistics, so the order the indexes were created in decides, and a
query without an index of its own shows at any size. PostgreSQL plans by statistics, which a test's few
thousand rows do not resemble; its plans are held by the targeted tests with ANALYZE
(tests/test_plans_of_history_reads.py, tests/test_performance_shapes.py).
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from clinic.extensions import db
from clinic.models import Clinic
from tests.factories import create_client_with_history, create_visit
from tests.plans import whole_table_scans
from tests.test_plans_of_history_reads import _history

LARGE = ("client", "visit", "appointment", "trigger_point", "health_record", "audit_event", "message")
MONDAY = "2025-03-03"  # inside the three years of _history's calendar

PAGES = [
    ("therapist", "/"),
    ("frontdesk", "/"),
    ("therapist", "/clients?q=ok"),
    ("therapist", "/clients/{regular}"),
    ("frontdesk", "/clients/{regular}"),
    ("therapist", f"/calendar/week?date={MONDAY}"),
    ("frontdesk", f"/calendar/week?date={MONDAY}"),
    ("frontdesk", f"/calendar?date={MONDAY}"),
    ("therapist", "/visits/{draft}/edit"),
    ("therapist", "/visits/{signed}"),
    ("frontdesk", "/recall"),
    ("therapist", "/visits/{signed}/aftercare.pdf"),
    ("therapist", "/aftercare/today.pdf"),
]


@pytest.fixture
def busy_clinic(app, clinic_id, therapist, frontdesk, clock):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL plans by statistics: the targeted plan tests ANALYZE a clinic's worth")
    clock.set(datetime(2026, 11, 18, 15, tzinfo=UTC))
    regular = _history(app, clinic_id, therapist)
    today = clock().date()
    client = create_client_with_history(app, clinic_id, therapist, first="Noor", last="Haddad")
    note = {"subjective": "Neck stiff after work", "pain_before": 6, "pain_after": 3}
    signed = create_visit(app, client, therapist, today, signed=True, **note)
    draft = create_visit(app, client, therapist, today, subjective="Came back sore")
    with app.app_context():
        db.session.get(Clinic, clinic_id).phone = "01632 960 000"  # every sheet says when to call
        db.session.commit()
    return {"regular": regular, "signed": signed, "draft": draft}


def test_no_page_reads_a_whole_table(app, web, login_as, therapist, frontdesk, busy_clinic):
    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    found = {}
    users = {"therapist": therapist, "frontdesk": frontdesk}
    for role, page in PAGES:
        login_as(users[role])
        path = page.format(**busy_clinic)
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", keep)
        try:
            response = web.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        assert response.status_code == 200, (role, path, response.status_code)
        with app.app_context(), engine.connect() as connection:
            for statement, parameters in sent:
                rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = " | ".join(row[3] for row in rows)
                if scans := whole_table_scans(plan, LARGE):
                    found.setdefault(f"{role} {path}", []).append((scans, " ".join(statement.split())[:300]))
        sent.clear()
        web.post("/logout", data={"csrf_token": ""})
    assert found == {}
