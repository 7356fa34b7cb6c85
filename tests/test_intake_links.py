"""Self-intake links: create, open, submit, review, accept or reject; expiry, reuse, revocation, abuse."""

import hashlib
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEvent, HealthRecord, IntakeLink
from tests.conftest import table_counts
from tests.factories import create_client
from tests.test_intake import BORN, CANARY, actions, intake_form, records

LINK = re.compile(r">(http://localhost/i/([A-Za-z0-9_-]+))</textarea>")


def public_form(**changes):
    """A complete, valid post of the client's own form."""
    data = {
        "main_complaint": "Tight calves after running",
        "onset_date": "2026-01-10",
        "goals": "Run a half marathon",
        "medications": "",
        "allergies": "",
        "consent_name": "Maya Okafor",
        "condition": ["pregnancy", "varicose_veins", "lubricant_allergy"],
        "cond_pregnancy_weeks": "20",
        "cond_varicose_veins_region": ["leg_l"],
        "pain": ["calf_l", "calf_r"],
        "change_note": "I prefer lighter pressure",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def clinic_day(clock) -> date:
    """The test clinic's date (Europe/London) at the clock's instant."""
    return clock().astimezone(ZoneInfo("Europe/London")).date()


@pytest.fixture
def client_id(app, clinic_id):
    return create_client(app, clinic_id, "Maya", "Okafor", date_of_birth=BORN)


def make_link(web, client_id):
    response = web.post(f"/clients/{client_id}/intake-link")
    assert response.status_code == 200, response.status_code
    url, token = LINK.search(response.get_data(as_text=True)).groups()
    return url, token


def the_link(app, client_id) -> IntakeLink:
    with app.app_context():
        link = db.session.scalars(
            select(IntakeLink).where(IntakeLink.client_id == client_id).order_by(IntakeLink.id.desc())
        ).first()
        db.session.expunge_all()
        return link


def dead_page(web, token):
    response = web.get(f"/i/{token}")
    return response.status_code, response.get_data(as_text=True)


def test_front_desk_creates_a_link_shown_once_stored_as_a_hash(app, web, login_as, frontdesk, client_id):
    login_as(frontdesk)
    url, token = make_link(web, client_id)
    assert len(token) == 43  # secrets.token_urlsafe(32)
    link = the_link(app, client_id)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.status == "pending" and link.created_by_id == frontdesk
    assert (link.expires_at - link.created_at).days == 7
    with app.app_context():
        dump = " ".join(
            str(v) for row in db.session.execute(select(IntakeLink)).all() for v in row[0].__dict__.values()
        )
        assert token not in dump
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert token not in page  # shown once: the client page has only the status
    assert actions(app, client_id)[0] == "intake_link.create"


def test_the_client_fills_it_in_and_a_therapist_accepts_it(app, web, login_as, therapist, client_id, clock):
    login_as(therapist)
    web.post(
        f"/clients/{client_id}/health/edit",
        data=intake_form(
            medications=CANARY,
            condition=["varicose_veins", "fever"],
            cond_varicose_veins_region=["leg_l"],
            cond_varicose_veins_cleared="1",
        ),
    )
    url, token = make_link(web, client_id)
    web.post("/logout")
    public = app.test_client()
    page = public.get(f"/i/{token}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Harbour Test Clinic" in body and "Health questionnaire for Maya" in body
    for hidden in (CANARY, "Okafor", "Theo", "Doctor's clearance", "Unable to give informed consent"):
        assert hidden not in body, hidden
    response = public.post(f"/i/{token}", data=public_form())
    assert response.status_code == 302 and response.headers["Location"] == "/i/sent"
    assert "Thank you" in public.get("/i/sent").get_data(as_text=True)
    link = the_link(app, client_id)
    assert link.status == "submitted" and link.submission["consent_date"] == clinic_day(clock).isoformat()
    assert dead_page(public, token)[0] == 404  # dead once submitted
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "intake_link.submit")).one()
        assert (event.user_id, event.client_id, event.object_id) == (None, client_id, link.id)

    login_as(therapist)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "Intake submitted — review" in page
    review = web.get(f"/clients/{client_id}/intake-link/{link.id}").get_data(as_text=True)
    assert "What accepting would change" in review and "Pregnant" in review and CANARY in review
    assert (
        web.post(f"/clients/{client_id}/intake-link/{link.id}/accept", data={"based_on": "1"}).status_code
        == 302
    )
    one, two = records(app, client_id)
    assert (two.number, two.source, two.created_by_id) == (2, "self_intake", therapist)
    assert {"code": "pregnancy", "weeks": 20} in two.conditions
    # the clearance on file stays with a condition the client reports again
    assert {"code": "varicose_veins", "region": "leg_l", "cleared": True} in two.conditions
    assert two.change_note == "I prefer lighter pressure" and two.consent_name == "Maya Okafor"
    assert one.medications == CANARY
    link = the_link(app, client_id)
    assert (link.status, link.reviewed_by_id, link.health_record_id) == ("accepted", therapist, two.id)
    assert "Intake submitted — review" not in web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert (
        web.post(f"/clients/{client_id}/intake-link/{link.id}/accept").status_code == 302
    )  # already reviewed
    assert len(records(app, client_id)) == 2
    assert [a for a in actions(app, client_id) if a.startswith("intake_link")] == [
        "intake_link.create",
        "intake_link.submit",
        "intake_link.accept",
    ]


def test_a_therapist_may_reject_the_answers(app, web, login_as, therapist, client_id):
    login_as(therapist)
    _, token = make_link(web, client_id)
    app.test_client().post(f"/i/{token}", data=public_form())
    link = the_link(app, client_id)
    assert web.post(f"/clients/{client_id}/intake-link/{link.id}/reject").status_code == 302
    assert the_link(app, client_id).status == "rejected" and records(app, client_id) == []
    assert "intake_link.reject" in actions(app, client_id)


def test_the_public_form_refuses_bad_answers_next_to_them(app, web, login_as, frontdesk, client_id):
    login_as(frontdesk)
    _, token = make_link(web, client_id)
    public = app.test_client()
    before = table_counts(app)
    response = public.post(
        f"/i/{token}",
        data=public_form(
            consent_name="", condition=["acute_injury"], cond_acute_injury_region=["ankle_foot_r"]
        ),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Type your full name to confirm." in body and "Give the date." in body
    assert "Tight calves after running" in body
    for hand_made in ({"condition": ["cannot_consent"]}, {"cond_pregnancy_cleared": "1"}, {"pain": ["wing"]}):
        assert public.post(f"/i/{token}", data=public_form(**hand_made)).status_code == 400, hand_made
    assert table_counts(app) == before
    assert the_link(app, client_id).status == "pending"  # still open: try again


def test_expiry_day_7_works_after_7_days_the_link_is_dead(app, web, login_as, frontdesk, client_id, clock):
    login_as(frontdesk)
    _, token = make_link(web, client_id)
    public = app.test_client()
    clock.advance(days=7, minutes=-1)
    assert public.get(f"/i/{token}").status_code == 200
    clock.advance(minutes=1, seconds=1)
    assert dead_page(public, token)[0] == 404
    assert public.post(f"/i/{token}", data=public_form()).status_code == 404
    assert the_link(app, client_id).status == "pending"
    login_as(frontdesk)
    assert "Expired without an answer" in web.get(f"/clients/{client_id}").get_data(as_text=True)


def test_every_dead_link_gets_the_same_page(app, web, login_as, frontdesk, client_id):
    login_as(frontdesk)
    _, used = make_link(web, client_id)
    app.test_client().post(f"/i/{used}", data=public_form())
    _, revoked = make_link(web, client_id)
    link = the_link(app, client_id)
    assert web.post(f"/clients/{client_id}/intake-link/{link.id}/revoke").status_code == 302
    assert the_link(app, client_id).status == "revoked"
    _, replaced = make_link(web, client_id)
    _, live = make_link(web, client_id)  # replaces the one before it
    public = app.test_client()
    pages = {
        dead_page(public, token)
        for token in (
            used,
            revoked,
            replaced,
            "x" * 43,
            "garbage",
            "a" * 300,
            "%00'; drop table",
            live[:-1] + ("B" if live.endswith("A") else "A"),  # one character off (never the live one)
        )
    }
    assert len(pages) == 1
    status, body = pages.pop()
    assert status == 404 and "This link is no longer open" in body
    assert public.get(f"/i/{live}").status_code == 200
    assert actions(app, client_id).count("intake_link.revoke") == 2


def test_the_client_page_panel_shows_the_state_without_answers(app, web, login_as, frontdesk, client_id):
    login_as(frontdesk)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "Create a link" in page
    _, token = make_link(web, client_id)
    assert "Sent, not filled in yet" in web.get(f"/clients/{client_id}").get_data(as_text=True)
    app.test_client().post(f"/i/{token}", data=public_form(main_complaint=CANARY))
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "waiting for a therapist" in page and CANARY not in page and "Review the answers" not in page
    link = the_link(app, client_id)
    for method, url in (("GET", ""), ("POST", "/accept"), ("POST", "/reject")):
        assert web.open(f"/clients/{client_id}/intake-link/{link.id}{url}", method=method).status_code == 403


def test_another_clinics_links_are_404(app, web, login_as, factory, therapist, client_id):
    other_clinic = factory.clinic("Elsewhere")
    stranger = create_client(app, other_clinic, "Sid", "Stranger", date_of_birth=BORN)
    outsider = factory.user(other_clinic, "therapist", "out@example.test")
    login_as(outsider)
    make_link(web, stranger)
    theirs = the_link(app, stranger)
    web.post("/logout")
    login_as(therapist)
    for method, url in (
        ("POST", f"/clients/{stranger}/intake-link"),
        ("POST", f"/clients/{stranger}/intake-link/{theirs.id}/revoke"),
        ("GET", f"/clients/{client_id}/intake-link/{theirs.id}"),
        ("POST", f"/clients/{client_id}/intake-link/{theirs.id}/revoke"),
        ("POST", f"/clients/{client_id}/intake-link/{theirs.id}/accept"),
    ):
        assert web.open(url, method=method).status_code == 404, url
    assert the_link(app, stranger).status == "pending"


def test_the_public_form_needs_its_csrf_token(make_app, factory, clinic_id, frontdesk, clock):
    app = make_app(WTF_CSRF_ENABLED=True)
    client_id = create_client(app, clinic_id, "Maya", "Okafor", date_of_birth=BORN)
    staff = app.test_client()
    staff.get("/login")
    token_field = re.compile(r'name="csrf_token" value="([^"]+)"')
    csrf = token_field.search(staff.get("/login").get_data(as_text=True)).group(1)
    staff.post(
        "/login",
        data={"email": "desk@example.test", "password": "lantern-orchard-velvet", "csrf_token": csrf},
    )
    page = staff.get(f"/clients/{client_id}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    created = staff.post(f"/clients/{client_id}/intake-link", data={"csrf_token": csrf}).get_data(
        as_text=True
    )
    token = LINK.search(created).group(2)
    public = app.test_client()
    assert public.post(f"/i/{token}", data=public_form()).status_code == 400
    form_csrf = token_field.search(public.get(f"/i/{token}").get_data(as_text=True)).group(1)
    assert public.post(f"/i/{token}", data={**public_form(), "csrf_token": form_csrf}).status_code == 302


def test_rapid_submissions_from_one_address_are_refused(make_app, factory, clinic_id, frontdesk, clock):
    app = make_app(SELF_INTAKE_MAX_SUBMISSIONS_PER_IP=2)
    from tests.conftest import login

    staff = app.test_client()
    login(staff, "desk@example.test")
    ids = [create_client(app, clinic_id, f"Person{i}", "Burst", date_of_birth=BORN) for i in range(3)]
    tokens = [make_link(staff, client_id)[1] for client_id in ids]
    public = app.test_client()
    assert [public.post(f"/i/{token}", data=public_form()).status_code for token in tokens] == [302, 302, 429]
    clock.advance(seconds=601)
    assert public.post(f"/i/{tokens[2]}", data=public_form()).status_code == 302


def test_a_huge_post_is_refused(app, web, login_as, frontdesk, client_id):
    login_as(frontdesk)
    _, token = make_link(web, client_id)
    before = table_counts(app)
    response = app.test_client().post(f"/i/{token}", data=public_form(goals="x" * 200_000))
    assert response.status_code == 413
    assert table_counts(app) == before


def test_a_link_cannot_be_submitted_twice_even_at_once(app, web, login_as, frontdesk, client_id):
    from clinic.intake import links

    login_as(frontdesk)
    _, token = make_link(web, client_id)
    with app.app_context():
        first, second = links.live_link(token), links.live_link(token)
        assert links.submit(first, {"conditions": []}) is True
        assert links.submit(second, {"conditions": []}) is False
        db.session.rollback()


def test_accepted_self_intake_screens(app, web, login_as, therapist, client_id, clock):
    from clinic.intake import services
    from clinic.models import Client
    from clinic.rules.screening import screen

    login_as(therapist)
    _, token = make_link(web, client_id)
    app.test_client().post(f"/i/{token}", data=public_form())
    clock.advance(weeks=3)
    login_as(therapist)
    link = the_link(app, client_id)
    web.post(f"/clients/{client_id}/intake-link/{link.id}/accept", data={"based_on": "0"})
    [record] = records(app, client_id)
    assert {"code": "pregnancy", "weeks": 23} in record.conditions  # counted on from the day it was sent
    with app.app_context():
        client = db.session.get(Client, client_id)
        record = db.session.get(HealthRecord, record.id)
        base = services.screening_payload_base(client, record, clinic_day(clock))
        result = screen({**base, "plan": [{"technique": "leg_massager", "region": "leg_l"}]})
        assert result["verdict"] == "refer"
