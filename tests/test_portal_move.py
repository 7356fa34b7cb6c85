"""Moving an appointment in the portal: to a free time of the same therapist inside the clinic's window,
by the staff booking's rules; a time that is not free, or a window that has closed, changes nothing."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, AuditEvent, Client, Clinic, Message, Service, User
from clinic.schedule import hours
from tests.mail import run_worker
from tests.test_portal import _setup, sign_in

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # Wednesday; the later appointment is Saturday 21st
TUESDAY = "2026-11-24"


@pytest.fixture
def portal_with_hours(mail_app, smtp, clinic_id, therapist, clock):
    clock.set(NOW)
    slug, client_id, appointments = _setup(mail_app, clinic_id, therapist)
    with mail_app.app_context():
        hours.save(clinic_id, None, {day: [(time(9), time(13))] for day in range(5)})
        db.session.commit()
    return mail_app, smtp[1], slug, client_id, appointments


def _times(page: str) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', page)


def _book_other(app, clinic_id, therapist, start):
    from clinic.schedule.booking import book

    with app.app_context():
        other = Client(clinic_id=clinic_id, first_name="Desk", last_name="Booking")
        service = db.session.scalars(select(Service)).first()
        db.session.add(other)
        db.session.flush()
        book(db.session.get(Clinic, clinic_id), db.session.get(User, therapist), other, service, start)
        db.session.commit()


def test_the_client_moves_to_a_free_time_and_gets_the_change_email(portal_with_hours, clinic_id, therapist):
    app, sink, slug, client_id, (later, _soon) = portal_with_hours
    _book_other(app, clinic_id, therapist, datetime(2026, 11, 24, 11, 0, tzinfo=UTC))
    web = sign_in(app, sink, slug)
    assert f"/p/appointments/{later}/move" in web.get("/p/").get_data(as_text=True)
    page = web.get(f"/p/appointments/{later}/move?day={TUESDAY}").get_data(as_text=True)
    offered = _times(page)
    assert "2026-11-24T09:00:00+00:00" in offered and "2026-11-24T12:00:00+00:00" in offered
    assert not {"2026-11-24T10:15:00+00:00", "2026-11-24T11:00:00+00:00"} & set(offered)  # clear of 11-12
    moved = web.post(f"/p/appointments/{later}/move", data={"start": "2026-11-24T09:00:00+00:00"})
    assert moved.status_code == 303
    assert "Moved to Tuesday 24 November at 09:00" in web.get("/p/").get_data(as_text=True)
    with app.app_context():
        appointment = db.session.get(Appointment, later)
        assert (appointment.start_at, appointment.end_at) == (
            datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
            datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
        )
        kinds = db.session.scalars(select(Message.kind).where(Message.client_id == client_id)).all()
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.client_id == client_id)).all()
    assert "change" in kinds and "portal.appointment_move" in actions
    run_worker(app)
    [change] = [m for m in sink.received if "has moved" in m["Subject"]]
    assert "Tuesday 24 November at 09:00" in change["Subject"]


@pytest.mark.parametrize(
    "start",
    [
        "2026-11-24T11:00:00+00:00",  # taken by someone else
        "2026-11-24T15:00:00+00:00",  # after the clinic closes
        "2026-11-18T12:00:00+00:00",  # inside the 24 hours' notice
        "2026-11-24T09:00:00",  # no time zone
        "not a time",
        "",
    ],
)
def test_a_time_that_is_not_offered_changes_nothing(portal_with_hours, clinic_id, therapist, start):
    app, sink, slug, client_id, (later, _soon) = portal_with_hours
    _book_other(app, clinic_id, therapist, datetime(2026, 11, 24, 11, 0, tzinfo=UTC))
    web = sign_in(app, sink, slug)
    refused = web.post(f"/p/appointments/{later}/move", data={"start": start})
    assert refused.status_code == 303 and "/move" in refused.headers["Location"]
    assert "That time is no longer free" in web.get(refused.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Appointment, later).start_at == NOW + timedelta(days=3)
        assert not db.session.scalars(select(Message).where(Message.kind == "change")).all()


def test_inside_the_window_the_client_is_sent_to_the_phone(portal_with_hours):
    app, sink, slug, _client_id, (_later, soon) = portal_with_hours
    web = sign_in(app, sink, slug)
    assert f"/p/appointments/{soon}/move" not in web.get("/p/").get_data(as_text=True)
    refused = web.get(f"/p/appointments/{soon}/move")
    assert refused.status_code == 303
    assert "call" in web.get("/p/").get_data(as_text=True).lower()
    web.post(f"/p/appointments/{soon}/move", data={"start": "2026-11-24T09:00:00+00:00"})
    with app.app_context():
        assert db.session.get(Appointment, soon).start_at == NOW + timedelta(hours=2)
