"""End-to-end fixtures: the app under a real server on 127.0.0.1, driven by Debian's chromium.

The browser tests need /usr/bin/chromium (apt-get install chromium) and the playwright package;
axe-core comes from the npm registry. Where they are missing the tests are skipped with the reason,
unless CLINIC_REQUIRE_BROWSER=1 (set by CI), which turns a skip into a failure.
"""

import logging
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from tests.conftest import base_config

CHROMIUM = os.environ.get("CLINIC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_DIR = ARTIFACTS / "axe"
REQUIRED = os.environ.get("CLINIC_REQUIRE_BROWSER") == "1"


def _missing_browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "browser tests skipped: the playwright package is not installed (pip install -e '.[dev]')"
    return None


def _skip_or_fail(reason: str):
    if REQUIRED:
        pytest.fail(reason + " — and CLINIC_REQUIRE_BROWSER=1 requires them")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    reason = _missing_browser()
    if reason:
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def buffered(wsgi_app):
    """Read each response whole and close it before werkzeug's dev server writes it.

    When the browser drops a connection (it navigates away while a static file is on its way),
    the dev server reads from the reset socket before it closes the response, so the file of a
    send_file response is never closed and its ResourceWarning fails whichever test is running
    (CI, 2026-12-06: knot.svg in the front-desk journey). Pages and files here are small.
    """

    def app(environ, start_response):
        response = wsgi_app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return app


@contextmanager
def served(app):
    """Serve `app` with a werkzeug server in a thread, on a free port, at its public base URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["E2E_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = app.config["E2E_BASE_URL"]  # links in pages and e-mails lead here
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def live_app(make_app):
    """The app with CSRF on, served by a werkzeug server in a thread, on a free port."""
    with served(make_app(WTF_CSRF_ENABLED=True)) as app:
        yield app


@pytest.fixture
def mail_live_app(make_app, smtp):
    """The live app sending its mail to the test's SMTP server (tests/mail.py), CSRF on."""
    port, _ = smtp
    app = make_app(
        WTF_CSRF_ENABLED=True,
        MAIL_TRANSPORT="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_SECURITY="none",
    )
    with served(app):
        yield app


@pytest.fixture
def base_url(live_app):
    return live_app.config["E2E_BASE_URL"]


@pytest.fixture
def demo(live_app):
    """The demo clinic, loaded into this test's database."""
    result = live_app.test_cli_runner().invoke(args=["demo", "--clients", "12"])
    assert result.exit_code == 0, result.output
    from clinic.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


@pytest.fixture
def context_factory(browser, request):
    contexts = []

    def make(viewport=(1366, 768), **options):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(context_factory):
    return context_factory().new_page()


def demo_today(clock) -> date:
    """The demo clinic's date (Europe/London) at the test clock's instant."""
    from clinic.demo import DEMO_TIMEZONE

    return clock().astimezone(ZoneInfo(DEMO_TIMEZONE)).date()


def login(page, base_url, email, password):
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "screenshots").mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's script, installed from the npm registry into test-artifacts/ once."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            _skip_or_fail("accessibility tests skipped: npm is not installed (needed for axe-core)")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR), "axe-core@4"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0 or not script.exists():
            _skip_or_fail(f"accessibility tests skipped: npm install axe-core failed: {result.stderr[-300:]}")
    return script.read_text()


__all__ = ["base_config", "demo_today", "login", "screenshot"]
