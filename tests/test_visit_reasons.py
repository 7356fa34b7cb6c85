"""Reasons without retyping (issue 15, item 6): one reason for all items with the same findings."""

import pytest

from clinic.extensions import db
from clinic.models import Visit
from tests.factories import create_client_with_history, note_data, point
from tests.test_visits import ANTICOAG, SURGERY, TODAY, start

SHOULDER = {"technique": "hand_pressure", "region": "shoulder_r", "decision": "proceed"}
BACK = {"technique": "hand_pressure", "region": "upper_back", "decision": "proceed"}
BALL_POINT = point(technique="massage_ball", region="upper_back", muscle="rhomboids")


@pytest.fixture
def visit_id(app, web, login_as, therapist, clinic_id, clock):
    client_id = create_client_with_history(app, clinic_id, therapist, [SURGERY, ANTICOAG])
    clock.set(TODAY)
    login_as(therapist)
    return start(web, client_id, [("hand_pressure", "shoulder_r"), ("hand_pressure", "upper_back")])


def test_the_form_offers_one_reason_for_both_blood_thinner_items(web, visit_id):
    page = web.get(f"/visits/{visit_id}/edit").get_data(as_text=True)
    assert page.count("data-reason-share=") == 1  # on the first item of the group only
    share = page[page.index('name="plan_items-0-share"') - 30 : page.index("Same reason for all") + 120]
    assert "checked" in share
    assert "Same reason for all 2 items flagged for anticoagulant or antiplatelet medication" in share
    assert 'data-reason-follows="0"' in page and 'data-reason-shared="0"' in page


def test_one_reason_covers_the_group_and_the_tapped_points(app, web, visit_id):
    plan = [{**SHOULDER, "reason": "Broad, moderate pressure", "share": "y"}, {**BACK, "reason": ""}]
    data = note_data([point(), BALL_POINT], plan)
    response = web.post(f"/visits/{visit_id}/edit", data={**data, "sign": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.is_signed
        overrides = [(o["technique"], o["region"], o["reason"]) for o in visit.overrides]
    assert overrides == [
        ("hand_pressure", "shoulder_r", "Broad, moderate pressure"),
        ("hand_pressure", "upper_back", "Broad, moderate pressure"),
        ("massage_ball", "upper_back", "Broad, moderate pressure"),  # from a tapped point
    ]


def test_without_same_reason_for_all_each_item_needs_its_own(app, web, visit_id):
    plan = [{**SHOULDER, "reason": "Broad, moderate pressure"}, {**BACK, "reason": ""}]
    response = web.post(f"/visits/{visit_id}/edit", data={**note_data([point()], plan), "sign": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#plan_items-1-reason">' in body and "needs a reason to go ahead" in body
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert not visit.is_signed
        assert [i["reason"] for i in visit.plan_items] == ["Broad, moderate pressure", ""]


def test_saved_reasons_that_differ_come_back_with_the_box_unticked(app, web, visit_id):
    plan = [{**SHOULDER, "reason": "Broad pressure"}, {**BACK, "reason": "GP letter seen"}]
    assert web.post(f"/visits/{visit_id}/edit", data=note_data([point()], plan)).status_code == 302
    page = web.get(f"/visits/{visit_id}/edit").get_data(as_text=True)
    share = page[page.index('name="plan_items-0-share"') - 30 : page.index("Same reason for all")]
    assert "checked" not in share  # saving again keeps each item's own reason
    with app.app_context():
        assert [i["reason"] for i in db.session.get(Visit, visit_id).plan_items] == [
            "Broad pressure",
            "GP letter seen",
        ]
