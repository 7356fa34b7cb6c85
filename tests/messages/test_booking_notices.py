"""Bookings by staff, by the API and by the follow-up series are confirmed by e-mail; moves and
cancellations are told. Read from a real SMTP server after the worker ran."""

from icalendar import Calendar
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Message
from tests.factories import MONDAY, create_calendar, create_client
from tests.mail import run_worker, text_of

ADA = "ada.quill@example.test"


def book(web, therapist, client, services, day=MONDAY, at="10:00"):
    return web.post(
        "/appointments/new",
        data={
            "therapist": therapist,
            "client": client,
            "service": services[60],
            "date": day.isoformat(),
            "time": at,
            "date_ok": "y",  # 2030: years ahead on purpose
            "notes": "",
        },
    )


def messages(app):
    with app.app_context():
        rows = db.session.scalars(select(Message).order_by(Message.id)).all()
        db.session.expunge_all()
        return rows


def test_a_staff_booking_is_confirmed_with_a_calendar_file(
    mail_app, smtp, factory, clinic_id, therapist, frontdesk
):
    app, (_, sink) = mail_app, smtp
    services = create_calendar(app, clinic_id)
    client = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    web = app.test_client()
    web.post("/login", data={"email": "desk@example.test", "password": "lantern-orchard-velvet"})
    assert book(web, therapist, client, services).status_code == 302
    [confirmation, questionnaire] = messages(app)
    assert (confirmation.kind, confirmation.status, confirmation.to_address) == (
        "confirmation",
        "queued",
        ADA,
    )
    assert questionnaire.kind == "intake_link"  # a new client: the health questionnaire goes too
    assert sink.received == []  # nothing is sent in the request: the worker sends
    run_worker(app)
    [mail] = [m for m in sink.to(ADA) if "appointment" in m["Subject"]]
    assert mail["Subject"] == "Your appointment at Harbour Test Clinic: Monday 3 June at 10:00"
    body = text_of(mail)
    assert "Hello Ada" in body and "Monday 3 June at 10:00, Treatment 60 (60 min)" in body
    assert mail["List-Unsubscribe"].strip().startswith("<http://localhost/m/u/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<p>Hello Ada,</p>" in html
    [ics] = [part for part in mail.iter_attachments() if part.get_filename() == "appointment.ics"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2030-06-03T09:00:00+00:00"
    [sent, _] = messages(app)
    assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at is not None
    assert sent.template_version == "standard-confirmation" and "Monday 3 June" in sent.body


def test_a_cancel_undone_in_time_is_never_told_and_a_late_one_is(
    mail_app, smtp, clinic_id, therapist, frontdesk, clock
):
    from datetime import timedelta

    from clinic.models import Appointment

    app, (_, sink) = mail_app, smtp
    clock.set("2030-06-01T09:00:00+00:00")  # a Saturday: Monday 3 June is ahead
    services = create_calendar(app, clinic_id)
    client = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    web = app.test_client()
    web.post("/login", data={"email": "desk@example.test", "password": "lantern-orchard-velvet"})
    assert book(web, therapist, client, services).status_code == 302
    run_worker(app)
    with app.app_context():
        item = db.session.scalars(select(Appointment)).one()
        appointment_id = item.id

    def cancel():
        version = web.get(f"/appointments/{appointment_id}")  # the page's current version
        found = version.get_data(as_text=True).split('name="version" value="')[1].split('"')[0]
        return web.post(
            f"/appointments/{appointment_id}/cancel", data={"reason": "Wrong row", "version": found}
        )

    assert cancel().status_code == 302
    page = web.get(f"/appointments/{appointment_id}").get_data(as_text=True)
    assert "Undo the cancel" in page
    clock.advance(timedelta(minutes=4))
    run_worker(app)  # the cancellation e-mail waits while the cancel may be undone
    assert not [m for m in sink.to(ADA) if "cancelled" in m["Subject"]]
    current = page.split('undo-cancel">')[1].split('name="version" value="')[1].split('"')[0]
    assert (
        web.post(f"/appointments/{appointment_id}/undo-cancel", data={"version": current}).status_code == 302
    )
    with app.app_context():
        assert db.session.get(Appointment, appointment_id).status == "booked"
    clock.advance(timedelta(minutes=30))
    run_worker(app)
    assert not [m for m in sink.to(ADA) if "cancelled" in m["Subject"]]  # never told
    withdrawn = [m for m in messages(app) if m.kind == "cancellation"]
    assert [(m.status, m.status_reason) for m in withdrawn] == [
        ("suppressed", "the cancellation was undone before it was sent")
    ]

    # cancelled again and left: past the window the undo is refused and the client is told
    assert cancel().status_code == 302
    clock.advance(timedelta(minutes=11))
    late = web.get(f"/appointments/{appointment_id}").get_data(as_text=True)
    assert "Undo the cancel" not in late
    with app.app_context():  # the right version: only the window refuses it
        version_now = db.session.get(Appointment, appointment_id).version
    refused = web.post(f"/appointments/{appointment_id}/undo-cancel", data={"version": version_now})
    assert refused.status_code == 302
    assert "can no longer be undone" in web.get(refused.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Appointment, appointment_id).status == "cancelled"
    clock.advance(timedelta(minutes=2))
    run_worker(app)
    assert [m for m in sink.to(ADA) if "cancelled" in m["Subject"]]


def test_an_undo_is_refused_when_the_time_was_given_away(app, clinic_id, therapist, clock):
    from datetime import UTC, datetime

    import pytest

    from clinic.models import Client, Clinic, Service, User
    from clinic.schedule import booking

    clock.set("2030-06-01T09:00:00+00:00")
    services = create_calendar(app, clinic_id)
    ada, bo = create_client(app, clinic_id, "Ada", "Quill"), create_client(app, clinic_id, "Bo", "Lind")
    monday = datetime(2030, 6, 3, 9, 0, tzinfo=UTC)
    with app.app_context():
        clinic, who = db.session.get(Clinic, clinic_id), db.session.get(User, therapist)
        service = db.session.get(Service, services[60])
        first = booking.book(clinic, who, db.session.get(Client, ada), service, monday)
        booking.set_status(first, "cancelled", seen_version=None, reason="Wrong row")
        booking.book(clinic, who, db.session.get(Client, bo), service, monday)  # the time, given away
        db.session.commit()
        with pytest.raises(booking.SlotTaken):
            booking.undo_cancel(clinic, first, seen_version=None)
        db.session.rollback()
        assert db.session.get(type(first), first.id).status == "cancelled"
