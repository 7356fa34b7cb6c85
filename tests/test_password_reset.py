"""Password reset by e-mail: one answer for every address, a single-use 30-minute link read from the
mail as received, every session ended, throttled per account and per address, and the operator's CLI."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEvent, Message, PasswordReset, User
from tests.conftest import TEST_PASSWORD, login, table_counts
from tests.mail import run_worker, text_of

LINK = re.compile(r"http://localhost(/password/reset/[A-Za-z0-9_-]+)")
NEW = "a fresh long passphrase for theo"


def ask(web, email):
    return web.post("/password/forgot", data={"email": email})


def actions(app, prefix):
    with app.app_context():
        return [
            (a.action, a.outcome)
            for a in db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith(prefix)))
        ]


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(app, therapist):
    web = app.test_client()
    known, unknown = ask(web, "theo@example.test"), ask(web, "nobody@example.test")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    with app.app_context():
        assert [(m.kind, m.user_id) for m in db.session.scalars(select(Message))] == [
            ("password_reset", therapist)
        ]


def test_the_whole_reset_from_the_mail_received(mail_app, smtp, therapist, clock):
    app, (_, sink) = mail_app, smtp
    old_session = app.test_client()
    login(old_session, "theo@example.test")
    assert ask(app.test_client(), "theo@example.test").status_code == 200
    run_worker(app)
    [mail] = sink.to("theo@example.test")
    assert mail["Subject"] == "Reset your Knotwork password"
    path = LINK.search(text_of(mail)).group(1)
    with app.app_context():
        [row] = db.session.scalars(select(PasswordReset)).all()
        assert path.rsplit("/", 1)[1] not in row.token_hash  # only the hash is kept
        assert path not in db.session.scalars(select(Message.body)).one()
    web = app.test_client()
    assert web.get(path).status_code == 200
    weak = web.post(path, data={"new_password": "short", "confirm": "short"})
    assert weak.status_code == 400
    done = web.post(path, data={"new_password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert old_session.get("/").status_code == 302  # every session ended
    assert login(app.test_client(), "theo@example.test", NEW).status_code == 302
    assert login(app.test_client(), "theo@example.test", TEST_PASSWORD).status_code == 401
    again = web.post(path, data={"new_password": NEW + "!", "confirm": NEW + "!"})
    assert again.status_code == 404 and "no longer open" in again.get_data(as_text=True)
    assert ("password.reset", "ok") in actions(app, "password.")


def test_a_link_expires_after_30_minutes_and_a_newer_one_replaces_it(mail_app, smtp, therapist, clock):
    app, (_, sink) = mail_app, smtp
    web = app.test_client()
    ask(web, "theo@example.test")
    run_worker(app)
    first = LINK.search(text_of(sink.received[0])).group(1)
    ask(web, "theo@example.test")
    run_worker(app)
    second = LINK.search(text_of(sink.received[1])).group(1)
    assert web.get(first).status_code == 404  # replaced
    clock.advance(minutes=30, seconds=1)
    assert web.get(second).status_code == 404  # expired
    before = table_counts(app)
    assert web.post(second, data={"new_password": NEW, "confirm": NEW}).status_code == 404
    assert table_counts(app) == before


def test_asking_too_often_sends_no_more_and_says_the_same(app, therapist):
    web = app.test_client()
    bodies = {ask(web, "theo@example.test").get_data(as_text=True) for _ in range(5)}
    assert len(bodies) == 1
    with app.app_context():
        assert len(db.session.scalars(select(Message)).all()) == 3  # PASSWORD_RESET_MAX_PER_ACCOUNT


def test_one_address_asking_for_many_accounts_is_throttled(make_app):
    app = make_app(PASSWORD_RESET_MAX_PER_IP=3)
    web = app.test_client()
    statuses = [ask(web, f"someone{n}@example.test").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert ask(web, "theo@example.test").headers.get("Retry-After")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(min_size=1, max_size=120).filter(lambda t: "/" not in t and t not in (".", "..")))
def test_any_token_is_a_calm_404_never_an_error(make_app, token):
    app = make_app(PASSWORD_RESET_MAX_PER_IP=10_000)
    response = app.test_client().get(
        "/password/reset/" + token.replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    )
    assert response.status_code in (400, 404)


def test_the_operator_resets_any_account_from_the_command_line(app, runner, therapist):
    victim = app.test_client()
    login(victim, "theo@example.test")
    result = runner.invoke(args=["reset-password", "theo@example.test"], input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert victim.get("/").status_code == 302
    assert login(app.test_client(), "theo@example.test", NEW).status_code == 302
    assert runner.invoke(args=["reset-password", "nobody@example.test"], input=NEW + "\n").exit_code == 1
    with app.app_context():
        assert db.session.get(User, therapist).session_version > 1
