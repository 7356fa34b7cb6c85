"""Sessions end on the server: idle and absolute timeouts, logout, deactivation, cookie contents."""

import base64
import json
import zlib

from clinic.extensions import db
from clinic.models import User
from tests.conftest import login


def session_cookie(web):
    cookie = web.get_cookie("knotwork_session")
    assert cookie is not None
    return cookie


def decode_cookie(value: str) -> dict:
    payload = value.split(".")[0] if not value.startswith(".") else value.split(".")[1]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if value.startswith("."):
        raw = zlib.decompress(raw)
    return json.loads(raw)


def test_idle_timeout_of_30_minutes(web, therapist, clock):
    login(web, "theo@example.test")
    for _ in range(4):  # steady activity keeps the session alive past 30 minutes in all
        clock.advance(minutes=29)
        assert web.get("/").status_code == 200
    clock.advance(minutes=31)
    response = web.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_absolute_timeout_of_12_hours(web, therapist, clock):
    login(web, "theo@example.test")
    for _ in range(24):  # 12 hours of activity, every 30 minutes minus a little
        clock.advance(minutes=29, seconds=50)
        assert web.get("/").status_code == 200
    clock.advance(minutes=20)
    assert web.get("/").status_code == 302


def test_cookie_copied_before_logout_is_dead_after_it(app, web, therapist):
    login(web, "theo@example.test")
    copied = session_cookie(web).value
    web.post("/logout")
    thief = app.test_client()
    thief.set_cookie("knotwork_session", copied)
    assert thief.get("/").status_code == 302


def test_cookie_replayed_after_idle_timeout_is_dead(app, web, therapist, clock):
    login(web, "theo@example.test")
    copied = session_cookie(web).value
    clock.advance(minutes=31)
    thief = app.test_client()
    thief.set_cookie("knotwork_session", copied)
    assert thief.get("/").status_code == 302


def test_deactivation_ends_the_session_at_once(app, web, login_as, owner, therapist):
    victim = app.test_client()
    login(victim, "theo@example.test")
    assert victim.get("/").status_code == 200
    login_as(owner)
    assert web.post(f"/admin/users/{therapist}/deactivate").status_code == 302
    assert victim.get("/").status_code == 302
    with app.app_context():
        assert db.session.get(User, therapist).active is False


def test_cookie_flags_and_contents(app, web, therapist):
    response = login(web, "theo@example.test")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP in tests
    payload = decode_cookie(session_cookie(web).value)
    assert set(payload) <= {
        "_user_id",
        "_fresh",
        "_id",
        "_permanent",
        "auth_time",
        "last_seen",
        "csrf_token",
        "sid",
    }
    assert "Theo" not in json.dumps(payload)


def test_secure_cookie_over_https(make_app, therapist):
    app = make_app(SESSION_COOKIE_SECURE=True)
    web = app.test_client()
    response = web.post(
        "/login",
        data={"email": "theo@example.test", "password": "lantern-orchard-velvet"},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_flash_messages_carry_no_names(web, login_as, owner, therapist):
    login_as(owner)
    web.post(f"/admin/users/{therapist}/deactivate")
    payload = decode_cookie(session_cookie(web).value)
    assert "Theo" not in json.dumps(payload)


def test_cookie_is_sent_again_only_when_last_seen_moves(web, therapist, clock):
    """Re-signing the cookie on every response costs every page; idle time is kept to the minute."""
    login(web, "theo@example.test")
    web.get("/")  # the first page after login adds the CSRF token to the session
    clock.advance(seconds=20)
    response = web.get("/")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    moved_to = clock.advance(seconds=60).timestamp()
    response = web.get("/")
    assert "knotwork_session=" in response.headers["Set-Cookie"]
    assert decode_cookie(session_cookie(web).value)["last_seen"] == moved_to


def test_the_sessions_page_lists_each_browser_and_signs_out_the_others(app, web, therapist):
    phone, laptop = app.test_client(), app.test_client()
    phone.post(
        "/login",
        data={"email": "theo@example.test", "password": "lantern-orchard-velvet"},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36"},
    )
    login(laptop, "theo@example.test")
    page = phone.get("/account/sessions").get_data(as_text=True)
    assert "Chrome on Android" in page and "(this one)" in page and page.count("Signed in") == 2
    assert phone.post("/account/sessions").status_code == 302
    assert laptop.get("/").status_code == 302  # signed out at its next request
    assert phone.get("/").status_code == 200  # this one stays
    assert phone.get("/account/sessions").get_data(as_text=True).count("Signed in") == 1


def test_a_password_change_ends_the_session_rows_too(app, web, therapist):
    from sqlalchemy import select

    from clinic.models import UserSession

    login(web, "theo@example.test")
    other = app.test_client()
    login(other, "theo@example.test")
    web.post(
        "/account/password",
        data={
            "current_password": "lantern-orchard-velvet",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert other.get("/").status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
        assert [r.ended_at is not None for r in rows] == [True, True, False]  # a new one for this browser


def test_the_user_loader_does_not_read_the_clinics_logo(app, web, login_as, therapist):
    """Every request loads the user with the clinic; the logo (up to 300 KB) waits until the sheet or
    the settings page asks for it."""
    from sqlalchemy import event

    from clinic.models import Clinic

    with app.app_context():
        db.session.get(Clinic, db.session.get(User, therapist).clinic_id).logo_png = b"\x89PNG" + b"0" * 1000
        db.session.commit()
        engine = db.engine
    login_as(therapist)
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert web.get("/account/password").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert any("FROM user_account" in statement for statement in sent)
    assert not any("logo_png" in statement for statement in sent)
