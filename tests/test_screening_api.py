"""POST /api/screening (the live preview), the planning panel and its no-JavaScript "Check plan" route."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from clinic.clients import services as clients
from clinic.extensions import db
from clinic.models import AuditEvent, User
from clinic.rules.policy import DEFAULT_VERSION
from clinic.screening import policy_store
from tests.conftest import Factory, login, table_counts
from tests.factories import create_client_with_history

ON = "2026-11-16"


FEVER = {"code": "fever"}  # what the earlier health history versions hold


def change_rule(app, clinic_id, user_id, rule_id, category, reason="Local protocol"):
    with app.app_context():
        user = db.session.get(User, user_id)
        version = policy_store.change_rule(clinic_id, user, rule_id, category, reason, None)
        db.session.commit()
        return version.number


def payload(plan=(), conditions=(), **fields):
    base = {"on": ON, "age": 40, "consent": True, "guardian_consent": False, "conditions": list(conditions)}
    return {**base, **fields, "plan": list(plan)}


def actions(app, action):
    with app.app_context():
        return db.session.execute(
            select(AuditEvent.client_id, AuditEvent.outcome).where(AuditEvent.action == action)
        ).all()


GUN_CALF = {"technique": "massage_gun", "region": "calf_l"}


# --- the API ------------------------------------------------------------------------------------


def test_api_screens_with_the_default_policy(app, web, login_as, therapist):
    login_as(therapist)
    response = web.post("/api/screening", json=payload([GUN_CALF], [{"code": "anticoagulant"}]))
    assert response.status_code == 200
    result = response.get_json()
    assert result["verdict"] == "refer" and result["rules_version"] == DEFAULT_VERSION
    assert [f["rule"] for f in result["items"][0]["findings"]] == ["anticoagulant/G"]
    finding = result["items"][0]["findings"][0]
    assert finding["message"] and finding["source"]
    assert actions(app, "screening.preview") == [(None, "ok")]


def test_owner_may_screen_too(web, login_as, owner):
    login_as(owner)
    assert web.post("/api/screening", json=payload([GUN_CALF])).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payload([{"technique": "laser", "region": "calf_l"}]), "plan[0].technique"),
        (payload([{"technique": "massage", "region": "tail"}]), "plan[0].region"),
        (payload([{"technique": "leg_massager", "region": "calf_l"}]), "plan[0].region"),
        ({k: v for k, v in payload([GUN_CALF]).items() if k != "on"}, "on"),
        (payload([GUN_CALF], age="forty"), "age"),
        (payload([GUN_CALF], conditions=[{"code": "gout"}]), "conditions[0].code"),
        (payload([GUN_CALF], conditions=[{"code": "acute_injury", "region": "calf_l", "date": "2026-12-01"}]),
         "conditions[0].date"),
        ({**payload([GUN_CALF]), "extra": 1}, "extra"),
        (payload([GUN_CALF] * 41), "plan"),
        ([GUN_CALF], "payload"),
    ],
)  # fmt: skip
def test_bad_input_is_400_naming_the_field(app, web, login_as, therapist, body, field):
    login_as(therapist)
    response = web.post("/api/screening", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error.startswith(f"{field}:") or error.startswith(f"{field}."), error
    assert actions(app, "screening.preview") == []


def test_a_client_id_is_refused(web, login_as, therapist):
    login_as(therapist)
    response = web.post("/api/screening", json={**payload([GUN_CALF]), "client_id": 1})
    assert response.status_code == 400 and response.get_json()["error"].startswith("client_id:")


def test_non_json_is_refused(web, login_as, therapist):
    login_as(therapist)
    response = web.post("/api/screening", data={"on": ON})
    assert response.status_code == 415 and "JSON" in response.get_json()["error"]
    broken = web.post("/api/screening", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and "error" in broken.get_json()


def test_anonymous_is_401(web):
    response = web.post("/api/screening", json=payload([GUN_CALF]))
    assert response.status_code == 401 and response.get_json()["error"]


def test_front_desk_is_403(app, web, login_as, frontdesk):
    login_as(frontdesk)
    response = web.post("/api/screening", json=payload([GUN_CALF]))
    assert response.status_code == 403 and response.is_json
    assert actions(app, "screening.preview") == []


def test_csrf_token_is_required(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    factory = Factory(app)
    clinic = factory.clinic("Token Clinic")
    therapist = factory.user(clinic, "therapist", "token@example.test")
    client_id = create_client_with_history(app, clinic, None, [{"code": "anticoagulant"}])
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert login(web, factory.email_of(therapist)).status_code == 400  # no token: refused
    response = web.post("/login", data={"email": "token@example.test", "password": "lantern-orchard-velvet",
                                        "csrf_token": token})  # fmt: skip
    assert response.status_code == 302
    assert web.post("/api/screening", json=payload([GUN_CALF])).status_code == 400
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = web.post("/api/screening", json=payload([GUN_CALF]), headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_the_clinics_overrides_are_used_and_reported(
    app, web, factory, login_as, clinic_id, owner, therapist
):
    number = change_rule(app, clinic_id, owner, "anticoagulant/G", "absolute")
    other = factory.clinic("Other Clinic")
    stranger = factory.user(other, "therapist", "other@example.test")
    login_as(therapist)
    result = web.post("/api/screening", json=payload([GUN_CALF], [{"code": "anticoagulant"}])).get_json()
    assert result["verdict"] == "contraindicated"
    assert result["rules_version"] == f"clinic-{clinic_id}-v{number}"
    assert result["items"][0]["findings"][0]["category"] == "absolute"
    web.post("/logout")
    login(web, factory.email_of(stranger))
    theirs = web.post("/api/screening", json=payload([GUN_CALF], [{"code": "anticoagulant"}])).get_json()
    assert theirs["verdict"] == "refer" and theirs["rules_version"] == DEFAULT_VERSION


# --- the planning panel on the client page -------------------------------------------------------


def test_the_panel_carries_the_plan_form_and_the_payload_base(
    app, web, login_as, clinic_id, therapist, clock
):
    clock.set("2026-11-16T10:00:00+00:00")
    client_id = create_client_with_history(app, clinic_id, None, [{"code": "anticoagulant"}])
    login_as(therapist)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert 'id="session-plan"' in page and "Plan today's session" in page
    assert 'name="plan-0-technique"' in page and 'name="plan-0-region"' in page
    assert '<optgroup label="Whole leg (leg massager)">' in page
    base = re.search(r'<script type="application/json" id="plan-base">(.*?)</script>', page, re.S).group(1)
    assert '"on": "2026-11-16"' in base and '"anticoagulant"' in base and '"consent": true' in base
    assert "js/screening.js" in page and 'aria-live="polite"' in page


def test_front_desk_does_not_get_the_panels(app, web, login_as, clinic_id, frontdesk):
    client_id = create_client_with_history(app, clinic_id, None, [{"code": "anticoagulant"}])
    login_as(frontdesk)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert (
        "session-plan" not in page and "Standing alerts" not in page and "anticoagulant" not in page.lower()
    )


def test_panel_without_health_history_says_so(app, web, login_as, clinic_id, therapist):
    with app.app_context():
        client_id = clients.create_client(clinic_id, {"first_name": "New", "last_name": "Person"}).id
        db.session.commit()
    login_as(therapist)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "No health history recorded" in page and "complete the intake" in page


# --- the no-JavaScript route -----------------------------------------------------------------------


def plan_form(*rows, add=False):
    data = {}
    for index, (technique, region) in enumerate(rows):
        data[f"plan-{index}-technique"] = technique
        data[f"plan-{index}-region"] = region
    if add:
        data["add"] = "1"
    return data


def test_check_plan_renders_the_results(app, web, login_as, clinic_id, therapist):
    client_id = create_client_with_history(app, clinic_id, None, [{"code": "anticoagulant"}])
    login_as(therapist)
    response = web.post(
        f"/clients/{client_id}/screening",
        data=plan_form(("massage_gun", "calf_l"), ("", ""), ("stretching", "neck_posterior")),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Blood thinners: percussion bruises easily" in page and "Source:" in page
    assert page.count('class="badge refer"') == 2  # the gun item and the session
    assert 'class="badge ok"' in page  # stretching
    assert "Rules version default-2026.11" in page
    assert actions(app, "screening.check") == [(client_id, "ok")]


def test_check_plan_uses_the_clinics_policy(app, web, login_as, clinic_id, owner, therapist):
    client_id = create_client_with_history(app, clinic_id, None, [{"code": "anticoagulant"}])
    change_rule(app, clinic_id, owner, "anticoagulant/G", "absolute")
    login_as(therapist)
    page = web.post(f"/clients/{client_id}/screening", data=plan_form(("massage_gun", "calf_l"))).get_data(
        as_text=True
    )
    assert "Contraindicated" in page and f"clinic-{clinic_id}-v1" in page


def test_add_item_without_javascript(app, web, login_as, clinic_id, therapist):
    client_id = create_client_with_history(app, clinic_id, None, [])
    login_as(therapist)
    page = web.post(f"/clients/{client_id}/screening", data=plan_form(("massage", "calf_l"), add=True))
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="plan-1-technique"' in body
    assert 'value="massage" selected' in body or 'selected value="massage"' in body


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("leg_massager", "calf_l"), "covers a whole leg"),
        (("massage", "legs"), "only for the leg massager"),
        (("massage", ""), "Choose a region"),
        (("", "calf_l"), "Choose a technique"),
        (("laser", "calf_l"), "Not a valid choice"),
    ],
)
def test_check_plan_bad_rows_are_400_next_to_the_field(
    app, web, login_as, clinic_id, therapist, row, message
):
    client_id = create_client_with_history(app, clinic_id, None, [])
    login_as(therapist)
    before = table_counts(app)
    response = web.post(f"/clients/{client_id}/screening", data=plan_form(row))
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and message in body
    assert 'aria-invalid="true"' in body
    assert table_counts(app) == before and actions(app, "screening.check") == []


def test_check_plan_roles_and_clinics(app, web, factory, login_as, clinic_id, frontdesk, therapist):
    client_id = create_client_with_history(app, clinic_id, None, [])
    other = factory.clinic("Other Clinic")
    theirs = create_client_with_history(app, other, None, [])
    login_as(frontdesk)
    assert (
        web.post(f"/clients/{client_id}/screening", data=plan_form(("massage", "calf_l"))).status_code == 403
    )
    web.post("/logout")
    login_as(therapist)
    assert web.post(f"/clients/{theirs}/screening", data=plan_form(("massage", "calf_l"))).status_code == 404
    assert web.post("/clients/999999/screening", data=plan_form(("massage", "calf_l"))).status_code == 404


def test_today_is_the_clinics_day(app, web, factory, clock):
    clock.set("2026-11-16T23:30:00+00:00")  # already the 17th in Auckland
    clinic = factory.clinic("Far Clinic", timezone="Pacific/Auckland")
    user = factory.user(clinic, "therapist", "far@example.test")
    client_id = create_client_with_history(
        app, clinic, None, [{"code": "acute_injury", "region": "calf_l", "date": "2026-11-13"}]
    )
    login(web, "far@example.test")
    page = web.post(f"/clients/{client_id}/screening", data=plan_form(("massage", "calf_l"))).get_data(
        as_text=True
    )
    # injured on the 13th, 3-day window: the 16th is inside, the 17th (Auckland's today) is not
    assert '"on": "2026-11-17"' in page and "Screened for 17 November 2026" in page
    assert '<strong>Session:</strong> <span class="badge ok">' in page
    assert user


# --- the service for visit notes -------------------------------------------------------------------


def test_screen_for_client_uses_the_clinics_policy(app, clinic_id, owner):
    from clinic.intake.services import current_record
    from clinic.models import Client
    from clinic.screening.services import current_policy, screen_for_client

    client_id = create_client_with_history(
        app, clinic_id, None, [{"code": "anticoagulant"}], earlier=[[FEVER]]
    )
    change_rule(app, clinic_id, owner, "anticoagulant/D", "referral")
    with app.app_context():
        client = db.session.get(Client, client_id)
        record = current_record(client_id)
        assert record.number == 2
        result = screen_for_client(
            client, record, [{"technique": "massage", "region": "calf_l"}], date(2026, 11, 16)
        )
        assert result["verdict"] == "refer" and result["rules_version"] == f"clinic-{clinic_id}-v1"
        assert current_policy(clinic_id).version == result["rules_version"]
        with pytest.raises(ValueError, match=r"plan\[0\]\.technique"):
            screen_for_client(
                client, record, [{"technique": "laser", "region": "calf_l"}], date(2026, 11, 16)
            )
