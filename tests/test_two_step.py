"""Two-step sign-in: setting it up (QR drawn here, recovery codes once), codes good once, recovery
codes, a remembered device, throttling, the owner's requirement and reset. Codes come from the
test's clock, as the user's phone would make them at that moment."""

import re

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEvent, RecoveryCode, TwoStep
from tests.conftest import TEST_PASSWORD, login


def code_at(app, user_id, clock, offset=0) -> str:
    with app.app_context():
        secret = db.session.get(TwoStep, user_id).secret
    return pyotp.TOTP(secret).at(int(clock().timestamp()) + offset)


def turn_on(app, web, user_id, clock) -> list[str]:
    assert web.post("/account/two-step", data={"start": "1"}).status_code == 302
    page = web.get("/account/two-step").get_data(as_text=True)
    assert "<svg" in page and "Scan this code" in page
    response = web.post("/account/two-step", data={"on-code": code_at(app, user_id, clock)})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return re.findall(
        r"<code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code>", response.get_data(as_text=True)
    )


@pytest.fixture
def theo_with_two_step(app, therapist, clock):
    web = app.test_client()
    login(web, "theo@example.test")
    codes = turn_on(app, web, therapist, clock)
    clock.advance(seconds=30)  # the next code of the phone
    return codes


def sign_in(app, password=TEST_PASSWORD):
    web = app.test_client()
    response = login(web, "theo@example.test", password)
    return web, response


def test_setting_it_up_shows_a_local_qr_and_ten_codes_once(app, therapist, clock):
    web = app.test_client()
    login(web, "theo@example.test")
    assert "<svg" not in web.get("/account/two-step").get_data(as_text=True)  # a GET makes no secret
    web.post("/account/two-step", data={"start": "1"})
    page = web.get("/account/two-step").get_data(as_text=True)
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )  # the QR is drawn here: no image service gets the secret
    wrong = web.post("/account/two-step", data={"on-code": "000000"})
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    codes = turn_on(app, web, therapist, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    with app.app_context():
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not any(code.replace("-", "") in h for code in codes for h in stored)
    assert "recovery code" not in web.get("/account/two-step").get_data(as_text=True).split("left")[0][-3:]


def test_the_password_alone_does_not_sign_in_and_a_code_is_good_once(
    app, therapist, clock, theo_with_two_step
):
    web, response = sign_in(app)
    assert response.headers["Location"] == "/login/code"
    assert web.get("/").status_code == 302  # not signed in yet
    code = code_at(app, therapist, clock)
    assert web.post("/login/code", data={"code": code}).status_code == 302
    assert web.get("/").status_code == 200
    other, _ = sign_in(app)
    replay = other.post("/login/code", data={"code": code})  # the same code, same 30 seconds
    assert replay.status_code == 401
    clock.advance(seconds=30)
    assert other.post("/login/code", data={"code": code_at(app, therapist, clock)}).status_code == 302


def test_a_recovery_code_works_once(app, therapist, clock, theo_with_two_step):
    code = theo_with_two_step[0]
    web, _ = sign_in(app)
    assert web.post("/login/code", data={"code": code.lower()}).status_code == 302
    again, _ = sign_in(app)
    assert again.post("/login/code", data={"code": code}).status_code == 401


def test_the_second_step_is_throttled_and_expires(app, therapist, clock, theo_with_two_step):
    web, _ = sign_in(app)
    statuses = [web.post("/login/code", data={"code": "123456"}).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    clock.advance(minutes=16)
    late, _ = sign_in(app)
    clock.advance(minutes=6)  # the half-done sign-in is over after five minutes
    response = late.post("/login/code", data={"code": code_at(app, therapist, clock)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_remembered_device_skips_the_code_for_30_days(app, therapist, clock, theo_with_two_step):
    web, _ = sign_in(app)
    web.post("/login/code", data={"code": code_at(app, therapist, clock), "remember": "y"})
    cookie = web.get_cookie("knotwork_device")
    assert cookie is not None and cookie.http_only
    web.post("/logout")
    assert login(web, "theo@example.test").headers["Location"] == "/"  # no second step here
    clock.advance(days=31)
    assert login(web, "theo@example.test").headers["Location"] == "/login/code"


def test_the_owner_requires_it_and_resets_it(app, therapist, owner, clock):
    desk = app.test_client()
    login(desk, "owner@example.test")
    assert desk.post("/admin/two-step", data={"required": "y"}).status_code == 302
    web, _ = sign_in(app)
    assert web.get("/clients").headers["Location"] == "/account/two-step"
    assert web.get("/api/appointments?start=2030-06-01&end=2030-06-02").status_code == 403
    turn_on(app, web, therapist, clock)
    assert web.get("/clients").status_code == 200
    # the owner resets it (a lost phone): sessions end, and the therapist sets it up again
    assert desk.get("/admin/users").headers["Location"] == "/account/two-step"  # the owner too
    turn_on(app, desk, owner, clock)
    assert desk.post(f"/admin/users/{therapist}/two-step/reset").status_code == 302
    assert web.get("/clients").status_code == 302
    with app.app_context():
        assert db.session.get(TwoStep, therapist) is None
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.startswith("two_step"))
        ).all()
    assert actions == ["two_step.on", "two_step.on", "two_step.reset"]  # the therapist, the owner, the reset


def test_turning_it_off_needs_the_password_unless_required(app, therapist, clock, theo_with_two_step):
    web, _ = sign_in(app)
    web.post("/login/code", data={"code": code_at(app, therapist, clock)})
    assert web.post("/account/two-step", data={"off-password": "wrong password here"}).status_code == 400
    assert web.post("/account/two-step", data={"off-password": TEST_PASSWORD}).status_code == 302
    _, response = sign_in(app)
    assert response.headers["Location"] == "/"


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.one_of(st.text(max_size=50), st.from_regex(r"\d{6}", fullmatch=True)))
def test_any_code_is_an_answer_never_an_error(app, therapist, clock, theo_with_two_step, code):
    web, _ = sign_in(app)
    response = web.post("/login/code", data={"code": code})
    assert response.status_code in (302, 400, 401, 429)
