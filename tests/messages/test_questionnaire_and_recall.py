"""The health questionnaire by e-mail (on booking a new client, on demand, and a reminder the day
before when it is still unfilled), the recall note in one step, and the owner's wording versions."""

import re
from datetime import timedelta

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import IntakeLink, Message
from tests.conftest import login, table_counts
from tests.factories import create_calendar, create_client
from tests.mail import run_worker, text_of
from tests.messages.test_booking_notices import book
from tests.messages.test_reminders import ADA, at_london

LINK = re.compile(r"http://localhost/i/[A-Za-z0-9_-]+")


def a_weekday_ahead(clock):
    """10:00 on the first Tuesday at least three days after the clock's day (the clinic is open)."""
    start = at_london(clock, 3, 10)
    return start + timedelta(days=(1 - start.weekday()) % 7)


def kinds(app):
    with app.app_context():
        return [(m.kind, m.status) for m in db.session.scalars(select(Message).order_by(Message.id))]


def test_a_new_client_booked_gets_the_questionnaire_and_a_reminder_if_unfilled(
    mail_app, smtp, clinic_id, therapist, frontdesk, clock
):
    app, (_, sink) = mail_app, smtp
    services = create_calendar(app, clinic_id)
    client_id = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    web = app.test_client()
    login(web, "desk@example.test")
    start = a_weekday_ahead(clock)
    assert book(web, therapist, client_id, services, day=start.date()).status_code == 302
    run_worker(app)
    [questionnaire] = [m for m in sink.to(ADA) if "questionnaire" in m["Subject"]]
    link = LINK.search(text_of(questionnaire)).group(0)
    assert "health" not in questionnaire["Subject"].lower()
    public = app.test_client()
    assert "Health questionnaire for Ada" in public.get(link.removeprefix("http://localhost")).get_data(
        as_text=True
    )
    with app.app_context():
        record = db.session.scalars(select(Message).where(Message.kind == "intake_link")).one()
        assert link not in record.body and "(private link)" in record.body  # the token is not kept
        [open_link] = db.session.scalars(select(IntakeLink)).all()
        assert open_link.status == "pending"
    # the day before, still unfilled: a reminder with a fresh link (the old one stops working)
    clock.set(start - timedelta(hours=24))
    run_worker(app)
    [reminder] = [m for m in sink.to(ADA) if "tomorrow" in m["Subject"]]
    fresh = LINK.search(text_of(reminder)).group(0)
    assert fresh != link
    assert public.get(link.removeprefix("http://localhost")).status_code == 404
    assert public.get(fresh.removeprefix("http://localhost")).status_code == 200
    run_worker(app)
    assert [k for k, _ in kinds(app)].count("intake_reminder") == 1


def test_a_filled_questionnaire_gets_no_reminder(mail_app, smtp, clinic_id, therapist, frontdesk, clock):
    from tests.test_intake_links import public_form

    app, (_, sink) = mail_app, smtp
    services = create_calendar(app, clinic_id)
    client_id = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    web = app.test_client()
    login(web, "desk@example.test")
    start = a_weekday_ahead(clock)
    book(web, therapist, client_id, services, day=start.date())
    run_worker(app)
    [questionnaire] = [m for m in sink.to(ADA) if "questionnaire" in m["Subject"]]
    path = LINK.search(text_of(questionnaire)).group(0).removeprefix("http://localhost")
    assert app.test_client().post(path, data=public_form()).status_code == 302
    clock.set(start - timedelta(hours=24))
    run_worker(app)
    assert "intake_reminder" not in [k for k, _ in kinds(app)]


def test_staff_send_the_questionnaire_on_demand(mail_app, smtp, clinic_id, frontdesk):
    app, (_, sink) = mail_app, smtp
    client_id = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    web = app.test_client()
    login(web, "desk@example.test")
    response = web.post(f"/clients/{client_id}/messages/intake-link")
    assert response.status_code == 302
    run_worker(app)
    [mail] = sink.to(ADA)
    assert LINK.search(text_of(mail))


def test_the_desk_sends_a_recall_note_from_the_recall_list_once_a_day(mail_app, smtp, clinic_id, frontdesk):
    app, (_, sink) = mail_app, smtp
    client_id = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    web = app.test_client()
    login(web, "desk@example.test")
    first = web.post(f"/clients/{client_id}/messages/recall", data={"next": "recall"})
    assert first.status_code == 302 and first.headers["Location"] == "/recall"
    again = web.post(f"/clients/{client_id}/messages/recall", data={"next": "recall"})
    assert again.status_code == 302
    run_worker(app)
    [mail] = sink.to(ADA)
    assert mail["Subject"] == "Time for your next visit to Harbour Test Clinic?"
    assert kinds(app) == [("recall", "sent")]


def test_a_client_of_another_clinic_is_404_and_nothing_is_queued(app, web, factory, clinic_id, frontdesk):
    other = factory.clinic("Elsewhere")
    stranger = create_client(app, other, "Sam", "Stranger", email="sam@example.test")
    login(web, "desk@example.test")
    before = table_counts(app)
    for action in ("recall", "intake-link", "choices"):
        assert web.post(f"/clients/{stranger}/messages/{action}").status_code == 404
    assert table_counts(app) == before


def test_the_owner_edits_the_wording_and_messages_keep_their_version(
    mail_app, smtp, clinic_id, owner, frontdesk, clock
):
    app, (_, sink) = mail_app, smtp
    client_id = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    web = app.test_client()
    login(web, "owner@example.test")
    page = web.get("/settings/messages/recall").get_data(as_text=True)
    assert "Time for your next visit to {clinic}?" in page
    bad = web.post(
        "/settings/messages/recall", data={"subject": "Your {diagnosis}", "body": "Hello {name}", "seen": "0"}
    )
    assert bad.status_code == 400 and "{diagnosis} cannot be used here" in bad.get_data(as_text=True)
    data = {
        "subject": "Shall we see you soon, {name}?",
        "body": "Hello {name},\n\nCall {clinic_phone}.",
        "seen": "0",
    }
    assert web.post("/settings/messages/recall", data=data).status_code == 302
    stale = web.post("/settings/messages/recall", data={**data, "subject": "Later"})  # opened at version 0
    assert stale.status_code == 409
    web.post(f"/clients/{client_id}/messages/recall")
    run_worker(app)
    [mail] = sink.to(ADA)
    assert mail["Subject"] == "Shall we see you soon, Ada?"
    with app.app_context():
        [message] = db.session.scalars(select(Message)).all()
        assert message.template_version == f"clinic-{clinic_id}-recall-v1"
