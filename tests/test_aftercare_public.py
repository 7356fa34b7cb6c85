"""The client's aftercare sheet behind a private, expiring link: page, PDF, dead links, throttle, audit."""

import hashlib
import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from clinic.aftercare import links
from clinic.aftercare.wording import HEADINGS, RED_FLAGS
from clinic.extensions import db
from clinic.models import AftercareLink, AuditEvent, User, Visit
from tests.conftest import table_counts
from tests.test_aftercare_views import NOW, PRIVATE, book, make_client, make_visit, pdf_text, set_clinic

PHONE = "023 9200 0140"
DEAD = "This link has expired or is not valid"
# A token of the right shape that no link has.
STRANGER = "Zm9yZ2VkLXRva2VuLW9mLXRoZS1yaWdodC1zaGFwZS0xMjM0"


@pytest.fixture
def clinic(app, clinic_id):
    set_clinic(
        app,
        clinic_id,
        phone=PHONE,
        address="14 Harbour Street\nPortsmouth PO1 2AB",
        email="hello@harbour.example",
    )
    return clinic_id


@pytest.fixture
def visit_id(app, clinic, therapist, clock):
    """A signed visit with three points (tests/test_aftercare_views.py's), signed through the service."""
    from clinic.visits import services

    clock.set(NOW)
    client_id = make_client(app, clinic, therapist)
    visit_id = make_visit(app, client_id, therapist)
    with app.app_context():
        services.sign(db.session.get(Visit, visit_id), db.session.get(User, therapist))
        db.session.commit()
    return visit_id


def new_link(app, visit_id) -> str:
    with app.app_context():
        _, token = links.create_link(db.session.get(Visit, visit_id))
        db.session.commit()
        return token


@pytest.fixture
def token(app, visit_id):
    return new_link(app, visit_id)


def visit_row(app, visit_id) -> Visit:
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        db.session.expunge(visit)
        return visit


def audit_rows(app, *actions):
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return rows


def link_row(app, token) -> AftercareLink:
    with app.app_context():
        link = db.session.scalars(
            select(AftercareLink).where(AftercareLink.token_hash == links.token_hash(token))
        ).one()
        db.session.expunge(link)
        return link


def without_diagram(page: str) -> str:
    """The page without the body diagram, whose SVG names every region of the map as a title."""
    return re.sub(r'<figure class="sheet-diagram">.*?</figure>', "", page, flags=re.S)


# --- the link itself ------------------------------------------------------------------------------


def test_a_new_link_stores_only_the_hash_and_expires_after_the_configured_days(
    make_app, app, visit_id, clock
):
    token = new_link(app, visit_id)
    link = link_row(app, token)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43 and token not in link.token_hash
    assert link.created_at == clock() and link.expires_at == clock() + timedelta(days=14)
    assert link.opened_at is None
    assert new_link(app, visit_id) != token

    short = make_app(AFTERCARE_LINK_DAYS=3)
    link = link_row(short, new_link(short, visit_id))
    assert link.expires_at == clock() + timedelta(days=3)


def test_live_link_is_none_for_malformed_unknown_and_expired_tokens(app, token, clock):
    with app.app_context():
        assert links.live_link(token) is not None
        for bad in ("", "short", "a" * 200, token + "!", STRANGER, token[:-1], None):
            assert links.live_link(bad) is None, bad
    clock.advance(days=14)
    with app.app_context():
        assert links.live_link(token) is None


# --- the page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_sheet_with_headings_red_flags_appointments_and_the_phone(
    app, web, therapist, visit_id, token, clock
):
    visit = visit_row(app, visit_id)
    book(app, visit.clinic_id, visit.client_id, therapist, datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    book(app, visit.clinic_id, visit.client_id, therapist, datetime(2026, 12, 8, 10, 30, tzinfo=UTC))
    response = web.get(f"/a/{token}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r"<h1[^>]*>Your aftercare</h1>", page)
    for key, heading in HEADINGS.items():
        assert re.search(rf"<h2[^>]*>{re.escape(html.escape(heading))}</h2>", page), (key, heading)
    # the red flags, word for word, in their own section and in strong emphasis
    when_to_call = re.search(r'<section class="sheet-section sheet-when-to-call".*?</section>', page, re.S)
    assert when_to_call
    for _, flag, _ in RED_FLAGS:
        assert f"<strong>{html.escape(flag)}</strong>" in when_to_call.group(0), flag
    # the therapist's next appointments, and how to reach the clinic
    assert "Tuesday 1 December 2026, 10:30" in page and "Tuesday 8 December 2026, 10:30" in page
    assert "with Theo Therapist" in page
    assert f'<a href="tel:02392000140">{PHONE}</a>' in page
    assert "Portsmouth PO1 2AB" in page and "mailto:hello@harbour.example" in page
    assert f'href="/a/{token}/sheet.pdf">Download the PDF for printing</a>' in page
    # the visit as on paper
    assert "Zoë" in page and "Tuesday 24 November 2026" in page
    assert "Massage ball against a wall" in page and "Gentle stretches" in page
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in response.headers["Cache-Control"]


def test_the_page_shows_nothing_of_the_chart_beyond_the_sheet(app, web, visit_id, token):
    page = web.get(f"/a/{token}").get_data(as_text=True)
    shown = without_diagram(page).lower()
    for private in PRIVATE:
        assert private.lower() not in shown, private
    # the diagram carries the numbered points and the treated regions, no muscle or note
    diagram = re.search(r'<figure class="sheet-diagram">.*?</figure>', page, re.S).group(0)
    assert sorted(set(re.findall(r'class="bodymap-point" data-number="(\d+)"', diagram))) == ["1", "2", "3"]
    assert "trapezius" not in diagram.lower() and "taut" not in diagram.lower()


def test_without_an_appointment_the_page_says_how_to_book(web, token):
    page = web.get(f"/a/{token}").get_data(as_text=True)
    assert f"No appointment is booked yet: call us on {PHONE} to book." in page


def test_the_pdf_is_the_staff_sheet_with_a_dated_file_name(app, web, login_as, therapist, visit_id, token):
    response = web.get(f"/a/{token}/sheet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="aftercare-2026-11-24.pdf"'
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in response.headers["Cache-Control"]
    client_text = pdf_text(response.data)
    for _, flag, _ in RED_FLAGS:
        assert flag in client_text, flag
    login_as(therapist)
    assert pdf_text(web.get(f"/visits/{visit_id}/aftercare.pdf").data) == client_text


# --- dead links ---------------------------------------------------------------------------------------


def test_expired_unknown_and_malformed_tokens_get_one_and_the_same_404(app, web, token, clock):
    clock.advance(days=14, seconds=-1)
    assert web.get(f"/a/{token}").status_code == 200  # open until the last second
    clock.advance(seconds=1)
    expired = web.get(f"/a/{token}")
    answers = [expired] + [web.get(f"/a/{bad}") for bad in (STRANGER, "x", "a" * 300, token[:-2])]
    answers += [web.get(f"/a/{bad}/sheet.pdf") for bad in (token, STRANGER)]
    body = expired.get_data(as_text=True)
    assert DEAD in body and "ask the clinic to send it again" in body
    assert "Zoë" not in body and "Harbour" not in body
    for response in answers:
        assert response.status_code == 404
        assert response.get_data(as_text=True) == body
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert response.mimetype == "text/html"


def test_a_clinic_without_a_phone_has_no_sheet_to_show(app, web, clinic, token):
    set_clinic(app, clinic, phone="")
    response = web.get(f"/a/{token}")
    assert response.status_code == 404 and DEAD in response.get_data(as_text=True)


# --- throttling ------------------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["known", "unknown"])
@pytest.mark.parametrize("path", ["", "/sheet.pdf"])
def test_the_hit_after_the_limit_gets_429_for_known_and_unknown_tokens(
    make_app, visit_id, token, clock, first, path
):
    busy = make_app(PUBLIC_MAX_HITS_PER_IP=3)
    web = busy.test_client()
    urls = {"known": f"/a/{token}{path}", "unknown": f"/a/{STRANGER}{path}"}
    expected = {"known": 200, "unknown": 404}
    other = "unknown" if first == "known" else "known"
    for _ in range(3):
        assert web.get(urls[first]).status_code == expected[first]
    for kind in (first, other):
        refused = web.get(urls[kind])
        assert refused.status_code == 429, kind
        assert refused.headers["Retry-After"] == "600"
        assert refused.headers["X-Robots-Tag"] == "noindex"
    # another address is not held up; this one is let in again once its hits leave the window
    elsewhere = web.get(urls[other], environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == expected[other]
    clock.advance(minutes=10, seconds=1)
    assert web.get(urls[other]).status_code == expected[other]


def test_the_page_and_the_pdf_are_counted_apart(make_app, token):
    busy = make_app(PUBLIC_MAX_HITS_PER_IP=2)
    web = busy.test_client()
    assert [web.get(f"/a/{token}").status_code for _ in range(3)] == [200, 200, 429]
    assert web.get(f"/a/{token}/sheet.pdf").status_code == 200


# --- audit and writes ----------------------------------------------------------------------------------


def test_views_downloads_and_bad_tokens_are_audited(app, web, visit_id, token):
    visit = visit_row(app, visit_id)
    web.get(f"/a/{token}")
    web.get(f"/a/{token}/sheet.pdf")
    web.get(f"/a/{STRANGER}")
    web.get(f"/a/{STRANGER}/sheet.pdf")
    rows = audit_rows(app, "aftercare.client_view", "aftercare.client_download")
    about = ("visit", visit_id, visit.client_id, visit.clinic_id)
    nothing = (None, None, None, None)
    assert [(r.action, r.outcome, (r.object_type, r.object_id, r.client_id, r.clinic_id)) for r in rows] == [
        ("aftercare.client_view", "ok", about),
        ("aftercare.client_download", "ok", about),
        ("aftercare.client_view", "denied", nothing),
        ("aftercare.client_download", "denied", nothing),
    ]
    # no one is logged in: the rows name the caller's address, which the throttle counts
    assert {(r.user_id, r.ip) for r in rows} == {(None, "127.0.0.1")}


def test_the_first_open_is_recorded_and_nothing_else_is_written(app, web, token, clock):
    before = table_counts(app)
    opened_at = clock()
    assert web.get(f"/a/{token}").status_code == 200
    assert link_row(app, token).opened_at == opened_at
    clock.advance(hours=5)
    assert web.get(f"/a/{token}").status_code == 200
    assert web.get(f"/a/{token}/sheet.pdf").status_code == 200
    assert web.get(f"/a/{STRANGER}").status_code == 404
    assert link_row(app, token).opened_at == opened_at  # the first open, not the latest
    assert table_counts(app) == before


def test_downloading_the_pdf_first_counts_as_the_first_open(app, web, token, clock):
    assert web.get(f"/a/{token}/sheet.pdf").status_code == 200
    assert link_row(app, token).opened_at == clock()


def test_the_token_is_nowhere_in_the_database(app, web, token):
    web.get(f"/a/{token}")
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(text(f"SELECT * FROM {table.name}")):
                assert token not in repr(tuple(row)), table.name
