"""Links that leave the app are built on PUBLIC_BASE_URL, whatever Host the request claims."""

import re

import pytest

from clinic.web.public_url import public_url
from tests.conftest import TEST_PASSWORD
from tests.factories import create_client
from tests.test_intake import BORN

FORGED = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
EVIL = "http://evil.example"  # the Host header the requests below claim


def login_at_evil(web, email):
    response = web.post("/login", data={"email": email, "password": TEST_PASSWORD}, base_url=EVIL)
    assert response.status_code == 302


@pytest.fixture
def app(make_app):
    return make_app(PUBLIC_BASE_URL="https://care.example.org/knotwork/")


def test_the_self_intake_link_ignores_a_forged_host(app, web, frontdesk, clinic_id):
    client_id = create_client(app, clinic_id, "Maya", "Okafor", date_of_birth=BORN)
    login_at_evil(web, "desk@example.test")
    page = web.post(f"/clients/{client_id}/intake-link", headers=FORGED, base_url=EVIL).get_data(as_text=True)
    links = re.findall(r"https?://[^\s<\"]+/i/[A-Za-z0-9_-]+", page)
    assert links and all(link.startswith("https://care.example.org/knotwork/i/") for link in links)
    assert "evil.example" not in page


def test_the_calendar_feed_address_ignores_a_forged_host(app, web, therapist):
    login_at_evil(web, "theo@example.test")
    page = web.post("/settings/calendar-feed", headers=FORGED, base_url=EVIL).get_data(as_text=True)
    assert re.search(r'value="https://care\.example\.org/knotwork/feeds/[^"]+\.ics"', page)
    assert "evil.example" not in page


def test_links_build_the_same_outside_a_request(app):
    """The background worker has no request: its e-mails' links come from the same place."""
    with app.app_context():
        assert public_url("selfintake.form", token="abc") == "https://care.example.org/knotwork/i/abc"
    with app.test_request_context("/", headers=FORGED, base_url=EVIL):
        assert public_url("selfintake.form", token="abc") == "https://care.example.org/knotwork/i/abc"
