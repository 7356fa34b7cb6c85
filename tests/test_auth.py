"""Login, logout, throttling, password rules and password changes."""

import pytest
from sqlalchemy import select

from clinic.auth import passwords
from clinic.extensions import db
from clinic.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD, login


def stored_hash(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_login_and_logout(web, therapist):
    response = login(web, "theo@example.test")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert web.get("/").status_code == 200
    assert web.get("/logout").status_code == 405  # logout is a POST
    response = web.post("/logout")
    assert response.status_code == 302
    assert web.get("/").status_code == 302


def test_email_is_case_insensitive(web, therapist):
    assert login(web, "THEO@Example.Test").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(web, therapist):
    wrong = login(web, "theo@example.test", "not the password at all")
    unknown = login(web, "nobody@example.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    # the only difference is the email typed, kept in the form
    assert wrong.get_data(as_text=True).replace("theo@", "X@") == unknown.get_data(as_text=True).replace(
        "nobody@", "X@"
    )


def test_deactivated_user_cannot_log_in(app, web, therapist):
    with app.app_context():
        db.session.get(User, therapist).active = False
        db.session.commit()
    assert login(web, "theo@example.test").status_code == 401


def test_login_rotates_the_session(web, therapist):
    with web.session_transaction() as session:
        session["marker"] = "anonymous"
    login(web, "theo@example.test")
    with web.session_transaction() as session:
        assert "marker" not in session


def test_production_hash_parameters_meet_asvs(app):
    from clinic import config

    assert config.ARGON2_TIME_COST >= 3 and config.ARGON2_MEMORY_COST_KIB >= 12288
    app.config.update(ARGON2_TIME_COST=3, ARGON2_MEMORY_COST_KIB=65536, ARGON2_PARALLELISM=4)
    with app.app_context():
        assert passwords.hash_password("a long enough password").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_weaker_hash_is_upgraded_at_login(app, web, therapist):
    old = stored_hash(app, therapist)
    assert "t=1" in old
    app.config.update(ARGON2_TIME_COST=2)
    assert login(web, "theo@example.test").status_code == 302
    assert "t=2" in stored_hash(app, therapist)


@pytest.mark.parametrize(
    "password, accepted",
    [
        ("a" * 11, False),
        ("correct horse battery", True),
        ("tidal-lantern-x", True),
        ("z" * 64, True),
        ("y" * 128, True),
        ("y" * 129, False),
        ("password1234", False),
        ("qwertyuiop12", False),
        ("Harbour Test Clinic2026", False),
        ("theo123456789", False),
        ("Zoë öffnet 🌊 die Tür", True),
    ],
)
def test_password_policy(password, accepted):
    context = (
        "theo@example.test".split("@")[0],
        "Theo Therapist",
        "Theo",
        "Therapist",
        "Harbour Test Clinic",
    )
    assert (passwords.password_problem(password, context) is None) is accepted


def test_no_truncation_of_long_passwords(app):
    with app.app_context():
        long_password = "x" * 79 + "a"
        hashed = passwords.hash_password(long_password)
        assert passwords.verify_password(hashed, long_password)
        assert not passwords.verify_password(hashed, "x" * 79 + "b")


def test_five_failures_lock_the_account_even_with_the_right_password(app, web, therapist):
    for _ in range(5):
        assert login(web, "theo@example.test", "wrong password here").status_code == 401
    response = login(web, "theo@example.test")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 15 * 60


def test_unknown_email_is_throttled_the_same_way(web):
    for _ in range(5):
        assert login(web, "ghost@example.test", "wrong password here").status_code == 401
    assert login(web, "ghost@example.test", "wrong password here").status_code == 429


def test_lock_lifts_after_the_window(app, web, therapist, clock):
    for _ in range(5):
        login(web, "theo@example.test", "wrong password here")
    assert login(web, "theo@example.test").status_code == 429
    clock.advance(minutes=15, seconds=1)
    assert login(web, "theo@example.test").status_code == 302


def test_failures_are_counted_in_the_database_not_per_process(make_app, therapist):
    first, second = make_app(), make_app()  # two apps stand in for two worker processes
    for index in range(5):
        app = first if index % 2 else second
        login(app.test_client(), "theo@example.test", "wrong password here")
    assert login(first.test_client(), "theo@example.test").status_code == 429
    assert login(second.test_client(), "theo@example.test").status_code == 429


def test_success_resets_the_counter(web, therapist):
    for _ in range(4):
        login(web, "theo@example.test", "wrong password here")
    assert login(web, "theo@example.test").status_code == 302
    web.post("/logout")
    for _ in range(4):
        login(web, "theo@example.test", "wrong password here")
    assert login(web, "theo@example.test").status_code == 302


def test_failed_login_is_audited(app, web, therapist):
    login(web, "theo@example.test", "wrong password here")
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "login.failed" in actions


def change(web, current, new, confirm=None):
    return web.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_change_password_needs_the_current_one(app, web, login_as, therapist):
    login_as(therapist)
    before = stored_hash(app, therapist)
    response = change(web, "not my password", "a brand new long passphrase")
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)
    assert stored_hash(app, therapist) == before


def test_change_password_refuses_a_weak_new_one(app, web, login_as, therapist):
    login_as(therapist)
    before = stored_hash(app, therapist)
    response = change(web, TEST_PASSWORD, "password1234")
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)
    assert stored_hash(app, therapist) == before


def test_change_password_ends_other_sessions_but_keeps_this_one(app, web, therapist):
    other = app.test_client()
    login(web, "theo@example.test")
    login(other, "theo@example.test")
    assert other.get("/").status_code == 200
    response = change(web, TEST_PASSWORD, "a brand new long passphrase")
    assert response.status_code == 302
    assert web.get("/").status_code == 200
    assert other.get("/").status_code == 302
    web.post("/logout")
    assert login(web, "theo@example.test", "a brand new long passphrase").status_code == 302


def test_owner_sets_a_new_password_and_old_sessions_end(app, web, login_as, owner, therapist):
    victim = app.test_client()
    login(victim, "theo@example.test")
    login_as(owner)
    weak = web.post(f"/admin/users/{therapist}/password", data={"password": "password1234"})
    assert weak.status_code == 400 and "too common" in weak.get_data(as_text=True)
    assert (
        web.post(f"/admin/users/{therapist}/password", data={"password": "copper-kettle-meadow"}).status_code
        == 302
    )
    assert victim.get("/").status_code == 302
    assert login(app.test_client(), "theo@example.test", "copper-kettle-meadow").status_code == 302
    with app.app_context():
        assert "user.password_set" in db.session.scalars(select(AuditEvent.action)).all()
