"""Canary values (a client's name, a condition, a password, note texts) never reach a log, a cookie or a URL.

A whole clinic day runs through the test client with CSRF on and request logging on (flows.py),
error paths included; every log record of the app's "clinic" logger and of the root logger is kept,
every Set-Cookie decoded, every requested URL, redirect, link and form action collected. The same
flow runs black-box against gunicorn (its access and error logs) in tests/drills.
"""

import logging

import pytest
from sqlalchemy import text

from clinic.extensions import db

from .browser import FlaskBrowser
from .flows import CANARY_NAME, CANARY_NOTE, canary_day, canary_findings, cookie_findings, url_findings
from .helpers import form_for


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))  # the message, its arguments and any traceback


@pytest.fixture
def logs(caplog):
    """(collect, caplog); call collect_logs() after the app is built (create_app resets the handlers)."""
    caplog.set_level(logging.INFO)
    collect = Collect()
    clinic_logger = logging.getLogger("clinic")  # does not propagate to the root logger

    def attach():
        clinic_logger.addHandler(collect)
        return collect

    yield attach, caplog
    clinic_logger.removeHandler(collect)


def add_failing_routes(app):
    """Error paths a flow cannot reach on purpose: a database error carrying canary values."""

    @app.post("/_test/database-error")
    def database_error():
        db.session.execute(
            text(
                "INSERT INTO client (id, clinic_id, first_name, last_name) "
                "VALUES (:id, :clinic, :first, :last)"
            ),
            {"id": 1, "clinic": 1, "first": CANARY_NAME, "last": CANARY_NOTE},
        )
        return "unreachable"


def test_canaries_stay_out_of_logs_cookies_and_urls(seeded, logs):
    attach, caplog = logs
    app, world = seeded(WTF_CSRF_ENABLED=True, LOG_REQUESTS=True)
    collect = attach()
    add_failing_routes(app)
    owner, therapist, anonymous = FlaskBrowser(app), FlaskBrowser(app), FlaskBrowser(app)
    made = canary_day(owner, therapist, anonymous, world.a)
    # error paths: a database error with canary parameters, a form sent from elsewhere
    owner.get("/")
    assert owner.post("/_test/database-error", {"name": CANARY_NAME}).status == 500
    assert (
        anonymous.post(
            f"/clients/{made['client']}/edit", {"first_name": CANARY_NAME, "csrf_token": "x"}
        ).status
        == 400
    )

    browsers = (owner, therapist, anonymous)
    found = canary_findings(
        {f"log: {line[:150]}": line for line in collect.lines} | {"root log": caplog.text}
    )
    assert not found, f"canaries in the application log: {found}"
    assert len(collect.lines) > 50, "request logging was on: every request leaves a line"
    assert any("database error" in line or "unhandled error" in line for line in collect.lines)
    assert not cookie_findings(browsers)
    assert not url_findings(browsers)
    secrets = [b.token for b in browsers if b.token] + [v for b in browsers for v in b.cookies.values()]
    assert not [s for s in secrets if any(s in line for line in collect.lines)], (
        "a session or CSRF token was logged"
    )


# Hidden fields a page sends back (a version number) tampered with: 400, never a 500 that logs the value.
TAMPERED = {
    "visits.edit": lambda w: (f"/visits/{w.a.draft_visit}/edit", "therapist", {"subjective": "x"}),
    "clients.edit": lambda w: (
        f"/clients/{w.a.client}/edit",
        "frontdesk",
        {"first_name": "A", "last_name": "B"},
    ),
    "schedule.reschedule": lambda w: (
        f"/appointments/{w.a.appointment}/reschedule",
        "frontdesk",
        {
            "therapist": w.a.therapist,
            "service": w.a.service,
            "date": "2030-06-05",
            "time": "12:00",
            "date_ok": "y",
        },
    ),
    "schedule.cancel": lambda w: (f"/appointments/{w.a.appointment}/cancel", "frontdesk", {"reason": "r"}),
    "screening.change": lambda w: (
        "/settings/screening/rules/fever/D",
        "owner",
        {"category": "absolute", "reason": "r"},
    ),
    "aftercare.wording": lambda w: ("/settings/aftercare", "owner", {}),
}


@pytest.mark.parametrize("endpoint", sorted(TAMPERED))
def test_a_tampered_hidden_field_is_a_400_and_logs_no_value(seeded, logs, endpoint):
    attach, _ = logs
    app, world = seeded(LOG_REQUESTS=True)
    collect = attach()
    url, role, data = TAMPERED[endpoint](world)
    browser = FlaskBrowser(app)
    browser.get("/login")
    browser.post("/login", {"email": world.a.emails[role], "password": "lantern-orchard-velvet"})
    fields = form_for(browser.get(url).text, url) or {}
    for name in ("version", "based_on"):
        fields.pop(name, None)
    response = browser.post(url, {**fields, **data, "version": CANARY_NAME, "based_on": CANARY_NAME})
    assert response.status == 400, f"{endpoint}: a tampered version answers {response.status}"
    assert not canary_findings({line[:150]: line for line in collect.lines})


def test_secret_link_tokens_stay_out_of_the_log(seeded, logs):
    """The self-intake and calendar-feed URLs carry bearer tokens: whoever reads the log could use them."""
    attach, _ = logs
    app, world = seeded(LOG_REQUESTS=True)
    collect = attach()
    web = app.test_client()
    assert web.get(f"/i/{world.a.link_token}").status_code == 200
    assert web.get(f"/feeds/{world.a.feed_token}.ics").status_code == 200
    leaked = [line for line in collect.lines if world.a.link_token in line or world.a.feed_token in line]
    assert not leaked, leaked


def test_the_session_cookie_holds_ids_and_times_only(seeded):
    app, world = seeded()
    browser = FlaskBrowser(app)
    browser.get("/login")
    browser.post("/login", {"email": world.a.emails["therapist"], "password": "lantern-orchard-velvet"})
    browser.get(f"/clients/{world.a.client}")
    browser.post(f"/visits/{world.a.signed_visit}/addenda", {"reason": "r", "text": CANARY_NOTE})
    decoded = browser.session_data()
    assert decoded, "no session cookie"
    assert "XQ" not in decoded and CANARY_NOTE not in decoded
    import json

    keys = set(json.loads(decoded))
    assert keys <= {
        "_user_id",
        "_fresh",
        "_id",
        "_permanent",
        "auth_time",
        "last_seen",
        "sid",  # a random key naming the session row (no personal data)
        "csrf_token",
        "_flashes",
    }, keys
