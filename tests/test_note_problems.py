"""A refused note lists every problem at once, links each to its field and keeps the draft (issue 15)."""

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEvent, Visit
from tests.conftest import table_counts
from tests.factories import create_client_with_history, note_data, point
from tests.test_visits import ANTICOAG, SURGERY, TODAY, start

PLAN = [{"technique": "hand_pressure", "region": "shoulder_r", "decision": "proceed", "reason": "light"}]
KNEE_GUN = point(technique="massage_gun", region="knee_l", muscle="rectus_femoris", side="left", view="front")


@pytest.fixture
def knee_client(app, clinic_id, therapist):
    return create_client_with_history(app, clinic_id, therapist, [SURGERY, ANTICOAG])


@pytest.fixture
def visit_id(web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    return start(web, knee_client, [("hand_pressure", "shoulder_r")])


def test_the_form_and_the_screening_are_reported_in_one_round(app, web, visit_id):
    before = table_counts(app)
    bad_pain = point(pain_after="12")
    data = note_data([bad_pain, KNEE_GUN], PLAN, pain_before="11")
    response = web.post(f"/visits/{visit_id}/edit", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert table_counts(app) == before  # bad input writes nothing
    summary = body[body.index("data-note-problems") : body.index("</ul>", body.index("data-note-problems"))]
    assert "3 things to fix" in summary
    assert '<a href="#pain_before">' in summary and "Pain is a number from 0 to 10" in summary
    assert '<a href="#points-0-pain_after">Point 1, Pain after</a>' in summary
    assert '<a href="#points-1-technique">Point 2, Technique</a>' in summary
    assert "contraindicated today" in summary  # the knee, in the same round as the pain of 12
    assert "What you typed is kept below" in summary
    assert "data-unsaved" in body  # the page warns before leaving with the text unsaved


def test_signing_reports_its_problems_with_the_forms_and_keeps_the_draft(app, web, visit_id):
    plan = [{**PLAN[0], "reason": ""}]  # hand pressure on a blood thinner: a reason is needed to sign
    data = note_data([point()], plan, pain_before="", subjective="Better since Tuesday")
    response = web.post(f"/visits/{visit_id}/edit", data={**data, "sign": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Draft saved, but not signed: 2 things to fix first." in body
    assert '<a href="#plan_items-0-reason">' in body and '<a href="#pain_before">' in body
    assert "data-unsaved" not in body
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert not visit.is_signed
        assert visit.subjective == "Better since Tuesday"  # leaving now loses nothing
        assert [p.muscle for p in visit.points] == ["upper_trapezius"]
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == visit_id)).all()
        assert "visit.update" in actions and "visit.sign" not in actions
    # the page carries the saved version: fixing and signing goes through without a conflict
    version = body.split('name="version"')[1].split('value="')[1].split('"')[0]
    fixed = note_data([point()], PLAN, subjective="Better since Tuesday", version=version)
    response = web.post(f"/visits/{visit_id}/edit", data={**fixed, "sign": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Visit, visit_id).is_signed


def test_the_check_before_signing_says_whether_the_note_can_be_signed_and_writes_nothing(app, web, visit_id):
    before = table_counts(app)
    refused = web.post(f"/visits/{visit_id}/check", data=note_data([point(), KNEE_GUN], PLAN))
    assert refused.status_code == 200 and refused.get_json() == {"ok": False, "problems": 1}
    assert "contraindicated" not in refused.get_data(as_text=True)  # a count, no clinical detail
    fine = web.post(f"/visits/{visit_id}/check", data=note_data([point()], PLAN))
    assert fine.get_json() == {"ok": True, "problems": 0}
    unsignable = web.post(f"/visits/{visit_id}/check", data=note_data([point()], PLAN, pain_before=""))
    assert unsignable.get_json() == {"ok": False, "problems": 1}
    assert table_counts(app) == before
    assert "no-store" in fine.headers["Cache-Control"]


def test_only_the_author_checks_a_note(app, web, login_as, visit_id, factory, clinic_id, frontdesk):
    other = factory.user(clinic_id, "therapist")
    stranger = factory.user(factory.clinic(), "therapist")
    for user, status in ((other, 403), (frontdesk, 403), (stranger, 404)):
        web.post("/logout")
        login_as(user)
        assert web.post(f"/visits/{visit_id}/check", data=note_data([point()], PLAN)).status_code == status
    web.post("/logout")
    assert web.post(f"/visits/{visit_id}/check", data=note_data([point()], PLAN)).status_code in (302, 401)
