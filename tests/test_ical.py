"""iCalendar: one appointment's .ics and each therapist's private feed; valid, private, revocable."""

import hashlib
import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import CalendarFeed, HealthRecord, User
from tests.conftest import login
from tests.factories import (
    MONDAY,
    audit_actions,
    create_appointment,
    create_calendar,
    create_client,
    legacy_visit_row,
    local,
)

SURNAME = "Featherstonehaugh"


@pytest.fixture
def booked(app, clinic_id, therapist, frontdesk):
    services = create_calendar(app, clinic_id)
    with app.app_context():
        from clinic.models import Clinic

        clinic = db.session.get(Clinic, clinic_id)
        clinic.address = "14 Harbour Street\nPortsmouth"
        db.session.commit()
    client = create_client(app, clinic_id, "Ada", SURNAME, notes="Admin note: prefers mornings")
    with app.app_context():
        db.session.add(
            HealthRecord(
                clinic_id=clinic_id,
                client_id=client,
                number=1,
                source="intake",
                conditions=[{"code": "pregnancy"}],
                medications="Warfarin",
                main_complaint="Neck pain after a fall",
            )
        )
        db.session.commit()
    legacy_visit_row(app, clinic_id, client, therapist, MONDAY, subjective="Sciatica flare-up")
    first = create_appointment(
        app, clinic_id, therapist, client, services[60], local(MONDAY, 10), notes="Bring the referral letter"
    )
    second = create_appointment(
        app,
        clinic_id,
        therapist,
        client,
        services[30],
        local(MONDAY, 15),
        status="cancelled",
        cancel_reason="Migraine",
    )
    return {"first": first, "second": second, "client": client}


FORBIDDEN = (
    SURNAME,
    "referral letter",
    "Migraine",
    "Warfarin",
    "pregnan",
    "Neck pain",
    "Sciatica",
    "prefers mornings",
)


def assert_private(raw: bytes):
    text = raw.decode()
    for word in FORBIDDEN:
        assert word.lower() not in text.lower(), word


def events(raw: bytes):
    calendar = Calendar.from_ical(raw)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_one_appointment_downloads_as_ics(app, web, login_as, frontdesk, booked):
    login_as(frontdesk)
    response = web.get(f"/appointments/{booked['first']}.ics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    [(uid, event)] = events(response.data).items()
    assert event.decoded("DTSTART") == datetime(2030, 6, 3, 9, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2030, 6, 3, 10, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Treatment 60: Ada"
    assert str(event["LOCATION"]) == "Harbour Test Clinic, 14 Harbour Street, Portsmouth"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert_private(response.data)
    # the UID is the same every time
    assert uid in events(web.get(f"/appointments/{booked['first']}.ics").data)
    assert audit_actions(app, "appointment.") == ["appointment.export"] * 2


def test_the_feed_from_creation_to_revocation(app, web, login_as, therapist, booked, clock):
    clock.set("2030-06-01T12:00:00+00:00")  # the feed holds the last 60 days and the next year
    login_as(therapist)
    page = web.post("/settings/calendar-feed").get_data(as_text=True)
    url = re.search(r'value="(http://localhost/feeds/[^"]+\.ics)"', page).group(1)
    token = url.rsplit("/", 1)[1][:-4]
    assert len(token) >= 43
    with app.app_context():
        feed = db.session.scalar(select(CalendarFeed))
        assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in feed.token_hash
    assert token not in web.get("/settings/calendar-feed").get_data(as_text=True)  # shown once only
    anonymous = app.test_client()
    response = anonymous.get(f"/feeds/{token}.ics")
    assert response.status_code == 200 and response.content_type.startswith("text/calendar")
    found = events(response.data)
    assert {str(e["STATUS"]) for e in found.values()} == {"CONFIRMED", "CANCELLED"}
    assert_private(response.data)
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Harbour Test Clinic: Theo Therapist"
    # revoking it: the address is dead, and a new one replaces the old
    with app.app_context():
        feed_id = db.session.scalar(select(CalendarFeed.id))
    assert web.post(f"/settings/calendar-feed/{feed_id}/revoke").status_code == 302
    assert anonymous.get(f"/feeds/{token}.ics").status_code == 404
    assert audit_actions(app, "feed.") == ["feed.create", "feed.read", "feed.revoke"]


def test_a_new_address_replaces_the_old_one(app, web, login_as, therapist, booked):
    login_as(therapist)
    first = re.search(
        r"/feeds/([^\"]+)\.ics", web.post("/settings/calendar-feed").get_data(as_text=True)
    ).group(1)
    second = re.search(
        r"/feeds/([^\"]+)\.ics", web.post("/settings/calendar-feed").get_data(as_text=True)
    ).group(1)
    anonymous = app.test_client()
    assert anonymous.get(f"/feeds/{first}.ics").status_code == 404
    assert anonymous.get(f"/feeds/{second}.ics").status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 500, "%00"])
def test_unknown_tokens_are_404(app, booked, token):
    assert app.test_client().get(f"/feeds/{token}.ics").status_code == 404


def test_a_deactivated_therapists_feed_stops(app, web, login_as, therapist, booked):
    login_as(therapist)
    token = re.search(
        r"/feeds/([^\"]+)\.ics", web.post("/settings/calendar-feed").get_data(as_text=True)
    ).group(1)
    with app.app_context():
        db.session.get(User, therapist).active = False
        db.session.commit()
    assert app.test_client().get(f"/feeds/{token}.ics").status_code == 404


def test_owner_revokes_anyones_feed_a_therapist_only_their_own(
    app, web, login_as, therapist, owner, factory, clinic_id, booked
):
    other = factory.user(clinic_id, "therapist", "other@example.test", "Oona Other")
    login_as(other)
    web.post("/settings/calendar-feed")
    web.post("/logout")
    with app.app_context():
        others_feed = db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == other))
    login_as(therapist)
    assert web.post(f"/settings/calendar-feed/{others_feed}/revoke").status_code == 404
    web.post("/logout")
    login_as(owner)
    page = web.get("/settings/calendar-feed").get_data(as_text=True)
    assert "Oona Other" in page
    assert web.post(f"/settings/calendar-feed/{others_feed}/revoke").status_code == 302
    with app.app_context():
        assert db.session.get(CalendarFeed, others_feed).revoked_at is not None


def test_front_desk_has_no_feed(app, web, login_as, frontdesk, booked):
    login_as(frontdesk)
    assert web.get("/settings/calendar-feed").status_code == 403
    assert web.post("/settings/calendar-feed").status_code == 403


def test_another_clinics_feed_cannot_be_revoked(app, web, login_as, factory, owner, booked):
    elsewhere = factory.clinic("Elsewhere")
    stranger = factory.user(elsewhere, "therapist", "stranger@example.test")
    login_as(stranger)
    web.post("/settings/calendar-feed")
    web.post("/logout")
    with app.app_context():
        theirs = db.session.scalar(select(CalendarFeed.id))
    login_as(owner)
    assert web.post(f"/settings/calendar-feed/{theirs}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(CalendarFeed, theirs).revoked_at is None


@pytest.mark.parametrize(
    ("change", "data"),
    [
        ("role", {"role": "frontdesk"}),
        ("deactivate", {}),
        ("password", {"password": "a brand new passphrase here"}),
    ],
)
def test_a_feed_stops_when_its_owner_changes_who_the_therapist_is(
    app, web, login_as, owner, therapist, booked, change, data
):
    """The feed works without logging in: it must stop when the owner changes the role, deactivates
    the account or sets a new password, and stay stopped when the role comes back."""
    login_as(therapist)
    token = re.search(
        r"/feeds/([^\"]+)\.ics", web.post("/settings/calendar-feed").get_data(as_text=True)
    ).group(1)
    anonymous, desk = app.test_client(), app.test_client()
    assert anonymous.get(f"/feeds/{token}.ics").status_code == 200
    login(desk, "owner@example.test")
    response = desk.post(f"/admin/users/{therapist}/{change}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert anonymous.get(f"/feeds/{token}.ics").status_code == 404
    if change == "role":
        assert desk.post(f"/admin/users/{therapist}/role", data={"role": "therapist"}).status_code == 302
    if change == "deactivate":
        assert desk.post(f"/admin/users/{therapist}/activate").status_code == 302
    assert anonymous.get(f"/feeds/{token}.ics").status_code == 404
    assert audit_actions(app, "feed.")[-1] == "feed.revoke"


def test_a_feed_of_someone_moved_to_the_front_desk_stops_even_unrevoked(
    app, web, login_as, therapist, booked
):
    """The serving check itself refuses a feed whose user no longer has a calendar of their own."""
    login_as(therapist)
    token = re.search(
        r"/feeds/([^\"]+)\.ics", web.post("/settings/calendar-feed").get_data(as_text=True)
    ).group(1)
    with app.app_context():
        db.session.get(User, therapist).role = "frontdesk"  # e.g. by the CLI, past the admin page
        db.session.commit()
    assert app.test_client().get(f"/feeds/{token}.ics").status_code == 404
