""" "Approval required": a new client's online booking holds the time but is confirmed to the client only
when the front desk approves it; declined frees the time and tells the client. Existing clients book
directly. Reminders wait for the approval."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, AuditEvent, BookingRequest, Client, Clinic, Message
from tests.conftest import login
from tests.mail import run_worker, text_of
from tests.test_online_booking import DETAILS, LINK, ask, clinic_open  # noqa: F401 (a fixture)


@pytest.fixture
def approval_clinic(clinic_open):  # noqa: F811 (the imported fixture)
    app, clinic_id, service_id = clinic_open
    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        clinic.settings = {"online_booking": {**clinic.settings["online_booking"], "who": "approval"}}
        db.session.commit()
    return clinic_open


def _confirmed(app, sink, clinic_id, service_id, therapist, **details):
    """Ask and confirm from the e-mail, as the client would; the confirmation page's response."""
    web = app.test_client()
    ask(web, clinic_id, service_id, therapist, **details)
    run_worker(app)
    mail = sink.to(details.get("email", DETAILS["email"]))[-1]
    return web.post(LINK.search(text_of(mail)).group(1))


def appointment_client_and_clinic(appointment_id: int):
    appointment = db.session.get(Appointment, appointment_id)
    return appointment.client, db.session.get(Clinic, appointment.clinic_id)


def _kinds(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(Message.kind).order_by(Message.id)).all()


def test_a_new_client_holds_the_time_until_the_desk_approves(
    approval_clinic, smtp, therapist, frontdesk, factory
):
    app, clinic_id, service_id = approval_clinic
    _, sink = smtp
    held = _confirmed(app, sink, clinic_id, service_id, therapist)
    assert held.status_code == 200 and "Your time is held" in held.get_data(as_text=True)
    with app.app_context():
        appointment = db.session.scalars(select(Appointment)).one()  # the time is taken
        request = db.session.scalars(select(BookingRequest)).one()
        assert (appointment.status, request.outcome) == ("booked", "awaiting")
    assert _kinds(app) == ["booking_request"]  # nothing confirmed, no questionnaire yet
    with app.app_context():  # the client's portal says so too
        from clinic.portal import services as portal

        client, clinic = appointment_client_and_clinic(appointment.id)
        [shown] = portal.upcoming(client, clinic)
        assert shown.awaiting

    clock = app.config["CLOCK"]
    clock.set(appointment.start_at - timedelta(hours=23))  # inside every reminder offset
    run_worker(app)
    assert _kinds(app) == ["booking_request"]  # reminders wait for the approval too

    desk = app.test_client()
    login(desk, factory.email_of(frontdesk))
    home = desk.get("/").get_data(as_text=True)
    assert "Online bookings to approve" in home and "Ines Dahl" in home
    assert desk.post(f"/online-bookings/{request.id}/approve").status_code == 302
    assert "Online bookings to approve" not in desk.get("/").get_data(as_text=True)
    assert desk.post(f"/online-bookings/{request.id}/approve").status_code == 404  # decided already
    assert _kinds(app)[:3] == ["booking_request", "confirmation", "intake_link"]
    with app.app_context():
        from clinic.portal import services as portal

        assert not portal.upcoming(*appointment_client_and_clinic(appointment.id))[0].awaiting
    run_worker(app)
    subjects = [mail["Subject"] for mail in sink.to(DETAILS["email"])]
    assert any(subject.startswith("Your appointment at Harbour Test Clinic") for subject in subjects)
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("booking.a%"))
        ).all()
        assert actions == ["booking.approve"]


def test_declined_frees_the_time_and_tells_the_client(approval_clinic, smtp, therapist, owner, factory):
    app, clinic_id, service_id = approval_clinic
    _, sink = smtp
    _confirmed(app, sink, clinic_id, service_id, therapist)
    with app.app_context():
        request_id = db.session.scalars(select(BookingRequest.id)).one()
    web = app.test_client()
    login(web, factory.email_of(owner))
    assert web.post(f"/online-bookings/{request_id}/decline").status_code == 302
    with app.app_context():
        appointment = db.session.scalars(select(Appointment)).one()
        assert appointment.status == "cancelled"
        assert db.session.get(BookingRequest, request_id).outcome == "declined"
    run_worker(app)
    mail = sink.to(DETAILS["email"])[-1]
    assert mail["Subject"] == "Your booking request at Harbour Test Clinic"
    assert "we cannot take this booking" in text_of(mail) and "023 9200 0140" in text_of(mail)
    # the time is free again: another person can book it
    again = _confirmed(app, sink, clinic_id, service_id, therapist, email="other@example.test")
    assert again.status_code == 200 and "Your time is held" in again.get_data(as_text=True)


def test_an_existing_client_books_directly(approval_clinic, smtp, therapist):
    app, clinic_id, service_id = approval_clinic
    _, sink = smtp
    with app.app_context():
        db.session.add(
            Client(clinic_id=clinic_id, first_name="Ines", last_name="Dahl", email=DETAILS["email"])
        )
        db.session.commit()
    booked = _confirmed(app, sink, clinic_id, service_id, therapist)
    assert booked.status_code == 200 and "You're booked" in booked.get_data(as_text=True)
    assert _kinds(app) == ["booking_request", "confirmation"]


def test_only_the_desk_and_owner_decide_and_only_in_their_clinic(
    approval_clinic, smtp, therapist, factory, frontdesk
):
    app, clinic_id, service_id = approval_clinic
    _, sink = smtp
    _confirmed(app, sink, clinic_id, service_id, therapist)
    with app.app_context():
        request_id = db.session.scalars(select(BookingRequest.id)).one()
    as_therapist = app.test_client()
    login(as_therapist, factory.email_of(therapist))
    assert as_therapist.post(f"/online-bookings/{request_id}/approve").status_code == 403
    other = factory.clinic("Elsewhere")
    stranger = app.test_client()
    login(stranger, factory.email_of(factory.user(other, "frontdesk")))
    assert stranger.post(f"/online-bookings/{request_id}/approve").status_code == 404
    assert stranger.post(f"/online-bookings/{request_id}/decline").status_code == 404
    with app.app_context():
        assert db.session.get(BookingRequest, request_id).outcome == "awaiting"
        assert db.session.scalars(select(Appointment.status)).one() == "booked"
