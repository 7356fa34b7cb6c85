"""What the client page reads and writes once: the health record in force, the planning labels' JSON."""

from flask import render_template_string
from sqlalchemy import event

from clinic.extensions import db
from clinic.intake import services as intake
from clinic.intake.web import current_record_once
from clinic.models import Client, User
from clinic.screening.pages import LABELS, LABELS_JSON
from tests.conftest import count_queries
from tests.factories import create_client_with_history
from tests.test_screening_api import FEVER


def test_client_page_reads_the_health_record_once(app, web, login_as, clinic_id, therapist):
    client_id = create_client_with_history(
        app, clinic_id, None, [{"code": "anticoagulant"}], earlier=[[FEVER]]
    )
    login_as(therapist)
    web.get(f"/clients/{client_id}")  # first page of the session: nothing of it below
    with app.app_context():
        engine = db.engine
    reads = []

    def keep(conn, cursor, statement, *_):
        if "FROM health_record" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    # The health panel, the standing alerts and the planning panel all show version 2.
    assert "Standing alerts" in page and "Plan today" in page and "Version 2" in page
    assert len(reads) == 1, reads


def test_current_record_once_is_per_request_and_a_new_version_replaces_it(app, clinic_id, therapist):
    client_id = create_client_with_history(app, clinic_id, None, [{"code": "fever"}])
    with app.app_context():  # one app context (and `g`) across two requests, as a test or command may hold
        with app.test_request_context():
            client, user = db.session.get(Client, client_id), db.session.get(User, therapist)
            with count_queries(app) as queries:
                first = current_record_once(client_id)
                assert current_record_once(client_id) is first and first.number == 1
            assert queries() == 1
            added = intake.record_update(client, user, None)
            assert added.number == 2 and current_record_once(client_id) is added
        with app.test_request_context():
            with count_queries(app) as queries:
                assert current_record_once(client_id).number == 2
            assert queries() == 1  # read again: the last request's answer is not this one's
        db.session.rollback()


def test_plan_labels_json_is_what_tojson_writes(app):
    with app.test_request_context():
        assert render_template_string("{{ labels|tojson }}", labels=LABELS) == str(LABELS_JSON)
        assert render_template_string("{{ labels_json }}", labels_json=LABELS_JSON) == str(LABELS_JSON)
