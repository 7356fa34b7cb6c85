"""Bookings by staff, by the API and by the follow-up series are confirmed by e-mail; moves and
cancellations are told. Read from a real SMTP server after the worker ran."""

from icalendar import Calendar
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Message
from tests.mail import run_worker, text_of
from tests.test_schedule_support import MONDAY, add_client, set_up_calendar

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
    services = set_up_calendar(app, clinic_id)
    client = add_client(app, clinic_id, "Ada", "Quill", email=ADA)
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
