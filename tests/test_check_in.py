"""The check-in after a session, end to end through the app: queued at signing for 36 hours later (never
at night), its link sent by the worker, the client's answers triaged at once, and the answers on the
therapist's home page, the visit and the next visit's form."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import Text, select, type_coerce

from clinic.extensions import db
from clinic.models import AuditEvent, CheckIn, Client, Message
from tests.conftest import login, table_counts
from tests.mail import run_worker, text_of
from tests.messages.test_aftercare_mail import ADDRESS, sign_a_note

LINK = re.compile(r"http://localhost(/c/[A-Za-z0-9_-]+)")
TODAY_PANEL = 'id="today-h"'  # the day's appointments, the first panel before check-ins came
NO_FLAGS = {f"flag-{code}": "no" for code in ("chest", "calf", "infection", "nerves")}


def check_in_link(app, smtp, clinic_id, therapist, clock) -> tuple[int, str]:
    """Sign a note, let 36 hours pass, run the worker: (visit id, the path in the check-in mail)."""
    _, sink = smtp
    visit_id = sign_a_note(app, clinic_id, therapist, clock, emergency_number="999", urgent_care_number="111")
    run_worker(app)  # the aftercare sheet goes now; the check-in waits
    assert [m["Subject"] for m in sink.to(ADDRESS)] == ["Your aftercare sheet from Harbour Test Clinic"]
    clock.advance(timedelta(hours=36))  # 22:00 in London: the quiet hours
    run_worker(app)
    assert len(sink.to(ADDRESS)) == 1
    clock.advance(timedelta(hours=10, minutes=1))  # 08:01 the next morning
    run_worker(app)
    mail = sink.to(ADDRESS)[-1]
    assert mail["Subject"] == "How are you feeling after your visit to Harbour Test Clinic?"
    body = text_of(mail)
    assert "shoulder" not in body.lower() and "stretching" not in body.lower()  # no health data in the mail
    return visit_id, LINK.search(body).group(1)


def test_the_check_in_goes_36_hours_after_signing_and_never_at_night(
    mail_app, smtp, clinic_id, therapist, clock
):
    app = mail_app
    visit_id, path = check_in_link(app, smtp, clinic_id, therapist, clock)
    with app.app_context():
        message = db.session.scalars(select(Message).where(Message.kind == "check_in")).one()
        assert message.visit_id == visit_id and message.status == "sent"
        # signed 10:00 on 24 November; 36 hours later is 22:00, so it waited for 08:00 (London = UTC then)
        assert message.send_after == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
        assert path not in message.body  # the link is in the mail alone


def test_a_red_flag_shows_the_client_what_to_do_now_and_the_therapist_sees_it_first(
    mail_app, smtp, clinic_id, therapist, clock
):
    app = mail_app
    visit_id, path = check_in_link(app, smtp, clinic_id, therapist, clock)
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Pain now: Shoulder, right" in page.get_data(as_text=True)
    # a form without the red flags answered: every problem listed, typed values kept, nothing written
    before = table_counts(app)
    refused = client.post(path, data={"soreness": "6", "region-shoulder_r": "7"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and text.count("Please answer yes or no.") >= 4
    assert 'value="6" checked' in text and 'value="7" checked' in text
    assert table_counts(app) == before
    # calf pain with swelling: urgent, today
    answered = client.post(
        path, data={**NO_FLAGS, "flag-calf": "yes", "soreness": "6", "region-shoulder_r": "7"}
    )
    assert answered.status_code == 303
    advice = client.get(path).get_data(as_text=True)
    assert "Please get seen today" in advice and 'href="tel:111"' in advice and "call 111" in advice
    assert "Pain in a calf with swelling, warmth or redness" in advice
    assert "Shoulder, right: pain 7/10, up from 3/10 after the session" in advice
    # once answered, answers stand: a second post changes nothing
    assert client.post(path, data={**NO_FLAGS}).status_code == 303
    with app.app_context():
        check_in = db.session.scalars(select(CheckIn)).one()
        assert check_in.level == "urgent" and check_in.answers["flags"]["calf"] is True
        sealed = db.session.scalar(select(type_coerce(CheckIn.answers, Text)))
        assert sealed.startswith("kw1:") and "calf" not in sealed  # health data, sealed at rest
    # the therapist's home page: at the top, with the client's number to call
    web = app.test_client()
    login(web, "theo@example.test")
    with app.app_context():
        db.session.get(Client, check_in.client_id).phone = "07700 900123"
        db.session.commit()
    home = web.get("/").get_data(as_text=True)
    assert home.index("Check-ins that need a call") < home.index(TODAY_PANEL)  # at the top
    assert "Urgent today" in home and 'href="tel:07700900123"' in home
    # the visit shows the answers, and so does the next visit's form
    note = web.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Check-in after this visit" in note and "Soreness overall" in note and "6/10" in note
    client_page = web.get(f"/clients/{check_in.client_id}").get_data(as_text=True)
    assert "Soreness at check-in" in client_page and "sore 6/10" in client_page  # the chart, the list
    next_visit = web.get(f"/clients/{check_in.client_id}/visits/new").get_data(as_text=True)
    assert "Last check-in, after the visit of" in next_visit and "Pain in a calf" in next_visit
    # handled: off the home page, audited
    page = web.post(f"/check-ins/{check_in.id}/handled")
    assert page.status_code == 302
    assert "Check-ins that need a call" not in web.get("/").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert (
            "checkin.open" in actions
            and "checkin.answer" in actions
            and actions.count("checkin.handled") == 1
        )


def test_expected_soreness_needs_no_call(mail_app, smtp, clinic_id, therapist, clock):
    app = mail_app
    _, path = check_in_link(app, smtp, clinic_id, therapist, clock)
    client = app.test_client()
    assert (
        client.post(
            path, data={**NO_FLAGS, "soreness": "4", "sleep": "same", "bruising": "small"}
        ).status_code
        == 303
    )
    assert "This sounds like normal soreness" in client.get(path).get_data(as_text=True)
    web = app.test_client()
    login(web, "theo@example.test")
    assert "Check-ins that need a call" not in web.get("/").get_data(as_text=True)


def test_unknown_and_expired_links_get_one_answer(mail_app, smtp, clinic_id, therapist, clock):
    app = mail_app
    _, path = check_in_link(app, smtp, clinic_id, therapist, clock)
    client = app.test_client()
    unknown = client.get("/c/" + "x" * 43)
    clock.advance(timedelta(days=7, minutes=1))
    expired = client.get(path)
    assert unknown.status_code == expired.status_code == 404
    assert unknown.get_data() == expired.get_data()
    assert client.post(path, data=NO_FLAGS).status_code == 404


def test_a_clinic_may_turn_check_ins_off(mail_app, smtp, clinic_id, therapist, clock):
    app = mail_app
    sign_a_note(app, clinic_id, therapist, clock, check_in_hours=0)
    with app.app_context():
        assert db.session.scalars(select(Message.kind)).all() == ["aftercare"]
