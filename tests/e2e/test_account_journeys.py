"""Journeys: a forgotten password reset from the e-mail as received, and two-step sign-in set up and
used, in a real browser. The codes are made from the test's clock, as the phone would make them."""

import re

import pyotp
import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.messages.queue import queue_for
from clinic.models import TwoStep, User
from tests.e2e.conftest import login, screenshot
from tests.mail import text_of

NEW = "harbour lights at dusk again"


@pytest.fixture
def demo_mail_app(mail_live_app):
    result = mail_live_app.test_cli_runner().invoke(args=["demo", "--clients", "4"])
    assert result.exit_code == 0, result.output
    return mail_live_app


def test_a_forgotten_password_is_reset_from_the_mail(demo_mail_app, smtp, page):
    app, (_, sink) = demo_mail_app, smtp
    base = app.config["E2E_BASE_URL"]
    page.goto(base + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("maya@demo.knotwork.test")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_text("If that address belongs to an account").wait_for()
    queue_for(app).run_pending()  # the worker sends it
    [mail] = sink.to("maya@demo.knotwork.test")
    link = re.search(r"http://127\.0\.0\.1:\d+/password/reset/[A-Za-z0-9_-]+", text_of(mail)).group(0)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Repeat the new password").fill(NEW)
    screenshot(page, "password-reset")
    page.get_by_role("button", name="Set the password").click()
    page.get_by_text("Your new password is set").wait_for()
    login(page, base, "maya@demo.knotwork.test", NEW)
    assert page.url.rstrip("/") == base


def test_two_step_sign_in_is_set_up_and_asked_for(demo_mail_app, context_factory, clock):
    app = demo_mail_app
    base = app.config["E2E_BASE_URL"]
    from clinic.demo import DEMO_PASSWORD

    page = context_factory(viewport=(390, 844), is_mobile=True, has_touch=True).new_page()
    login(page, base, "tom@demo.knotwork.test", DEMO_PASSWORD)
    page.goto(base + "/account/two-step")
    page.get_by_role("button", name="Set up two-step sign-in").click()
    key = page.locator("code.secret-key").inner_text()
    assert page.locator(".qr svg").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "two-step-setup-phone")
    page.get_by_label("The six-digit code the app shows now").fill(
        pyotp.TOTP(key).at(int(clock().timestamp()))
    )
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_text("Two-step sign-in is on").wait_for()
    assert page.locator(".recovery-codes li").count() == 10

    clock.advance(seconds=30)
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.get_by_label("Email").fill("tom@demo.knotwork.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith("/login/code"))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "tom@demo.knotwork.test"))
        secret = db.session.get(TwoStep, user.id).secret
    page.get_by_label("Code from your authenticator app").fill(
        pyotp.TOTP(secret).at(int(clock().timestamp()))
    )
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.get_by_role("heading", level=1).count() >= 1
