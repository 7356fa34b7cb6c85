"""The client portal end to end through the app: the link by e-mail (same answer for every address,
single use, 20 minutes, throttled in the database), the session apart from staff login, the client's
own appointments, cancelling inside the clinic's window, aftercare sheets and message choices."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, AuditEvent, Client, Clinic, Message, MessageConsent, PortalLink
from tests.conftest import login, table_counts
from tests.mail import run_worker, text_of

ADDRESS = "maya.okafor@example.test"
LINK = re.compile(r"http://localhost(/p/in/[A-Za-z0-9_-]+)")
SAME_ANSWER = "If that address is on file with us, a sign-in link is on its way."


def _setup(app, clinic_id, therapist, owner=None):
    """The clinic's portal slug, a client with ADDRESS, an appointment in 3 days and one in 2 hours."""
    from clinic.models import Service

    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        clinic.phone = "023 9200 0140"
        client = Client(clinic_id=clinic_id, first_name="Maya", last_name="Okafor", email=ADDRESS)
        service = Service(clinic_id=clinic_id, name="Deep tissue 60", duration_minutes=60)
        db.session.add_all([client, service])
        db.session.flush()
        now = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
        ids = []
        for start in (now + timedelta(days=3), now + timedelta(hours=2)):
            a = Appointment(
                clinic_id=clinic_id,
                therapist_id=therapist,
                client_id=client.id,
                service_id=service.id,
                start_at=start,
                end_at=start + timedelta(hours=1),
            )
            db.session.add(a)
            db.session.flush()
            ids.append(a.id)
        db.session.commit()
        return clinic.public_slug, client.id, ids


def ask(web, slug, email=ADDRESS):
    return web.post(f"/p/{slug}", data={"email": email})


def sign_in_mails(sink) -> list:
    return [m for m in sink.received if m["Subject"].startswith("Your sign-in link")]


def link_from(sink) -> str:
    return LINK.search(text_of(sign_in_mails(sink)[-1])).group(1)


@pytest.fixture
def portal(mail_app, smtp, clinic_id, therapist, clock):
    clock.set(datetime(2026, 11, 18, 10, 0, tzinfo=UTC))
    slug, client_id, appointments = _setup(mail_app, clinic_id, therapist)
    return mail_app, smtp[1], slug, client_id, appointments


def sign_in(app, sink, slug) -> object:
    web = app.test_client()
    assert ask(web, slug).status_code == 200
    run_worker(app)
    path = link_from(sink)
    assert web.post(path).status_code == 303
    return web


def test_same_answer_for_known_and_unknown_addresses_and_mail_only_for_the_known(portal):
    app, sink, slug, client_id, _ = portal
    web = app.test_client()
    # the page does the same work for both (one audit row, one task for the worker), so no timing tells
    # a known address from an unknown one; the worker matches the address
    from clinic.messages.queue import queue_for

    before = table_counts(app)
    known = ask(web, slug)
    after_known, tasks_known = table_counts(app), queue_for(app).pending()
    unknown = ask(web, slug, "nobody@example.test")
    assert before == after_known == table_counts(app)  # nothing matched or written by the page
    assert (tasks_known, queue_for(app).pending()) == (1, 2)
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: r.get_data(as_text=True).replace(ADDRESS, "").replace("nobody@example.test", "")  # noqa: E731
    assert strip(known) == strip(unknown) and SAME_ANSWER in strip(known)
    run_worker(app)
    [mail] = sign_in_mails(sink)
    assert mail["To"] == ADDRESS and mail["Subject"] == "Your sign-in link for Harbour Test Clinic"
    assert "List-Unsubscribe" not in mail
    with app.app_context():
        [message] = db.session.scalars(select(Message).where(Message.kind == "portal_link")).all()
        assert link_from(sink) not in (message.body or "")  # the token lives in the e-mail alone
        assert db.session.scalar(select(PortalLink.token_hash)) != link_from(sink).rsplit("/", 1)[1]


def test_a_bad_address_keeps_what_was_typed(portal):
    app, _, slug, _, _ = portal
    page = ask(app.test_client(), slug, "maya at home")
    assert page.status_code == 400 and 'value="maya at home"' in page.get_data(as_text=True)


def test_an_unknown_clinic_slug_is_404(portal):
    app = portal[0]
    assert app.test_client().get("/p/notaclinicslug").status_code == 404


def test_the_link_works_once_and_a_get_does_not_use_it(portal):
    app, sink, slug, _, _ = portal
    web = app.test_client()
    ask(web, slug)
    run_worker(app)
    path = link_from(sink)
    assert web.get(path).status_code == 200 and web.get(path).status_code == 200  # mail scanners
    assert web.post(path).status_code == 303
    assert web.get("/p/").status_code == 200
    other = app.test_client()
    assert other.get(path).status_code == 404 and other.post(path).status_code == 404
    assert other.get("/p/").status_code == 302  # not signed in


def test_the_link_expires_after_20_minutes(portal, clock):
    app, sink, slug, _, _ = portal
    web = app.test_client()
    ask(web, slug)
    run_worker(app)
    clock.advance(timedelta(minutes=21))
    page = web.post(link_from(sink))
    assert page.status_code == 404 and "expired" in page.get_data(as_text=True)


def test_asking_too_often_sends_no_more_mail_and_the_answer_stays(portal):
    app, sink, slug, _, _ = portal
    web = app.test_client()
    for _ in range(5):
        assert SAME_ANSWER in ask(web, slug).get_data(as_text=True)
    run_worker(app)
    assert len(sign_in_mails(sink)) == 3


def test_the_ip_throttle_is_counted_in_the_database(portal, make_app):
    app, _, slug, _, _ = portal
    web = app.test_client()
    for _ in range(10):
        assert ask(web, slug, "x@example.test").status_code == 200
    refused = ask(web, slug, "x@example.test")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    # another worker process (a second app on the same database) sees the same count
    assert ask(make_app().test_client(), slug, "x@example.test").status_code == 429


def test_idle_session_ends_and_sign_out_ends_it_on_the_server(portal, clock):
    app, sink, slug, _, _ = portal
    web = sign_in(app, sink, slug)
    with web.session_transaction() as cookie:
        copied = dict(cookie["portal"])
    assert web.post("/p/sign-out").status_code == 303
    assert web.get("/p/").status_code == 302
    with web.session_transaction() as cookie:
        cookie["portal"] = copied  # a copy of the old cookie opens nothing
    assert web.get("/p/").status_code == 302
    web = sign_in(app, sink, slug)
    clock.advance(timedelta(minutes=21))
    assert web.get("/p/").status_code == 302


def test_cancel_inside_the_window_and_outside_it_the_phone(portal):
    app, sink, slug, client_id, (later, soon) = portal
    web = sign_in(app, sink, slug)
    page = web.get("/p/").get_data(as_text=True)
    assert f"/p/appointments/{later}/cancel" in page and f"/p/appointments/{soon}/cancel" not in page
    assert 'href="tel:02392000140"' in page
    assert web.post(f"/p/appointments/{soon}/cancel").status_code == 303
    assert web.post(f"/p/appointments/{later}/cancel").status_code == 303
    with app.app_context():
        assert db.session.get(Appointment, later).status == "cancelled"
        assert db.session.get(Appointment, soon).status == "booked"
        kinds = [m.kind for m in db.session.scalars(select(Message).where(Message.client_id == client_id))]
        assert "cancellation" in kinds
        actions = [
            e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.client_id == client_id))
        ]
        assert "portal.appointment_cancel" in actions and "portal.view" in actions


def test_the_owner_sets_the_window(portal, owner):
    app, sink, slug, _, (later, _soon) = portal
    staff = app.test_client()
    login(staff, "owner@example.test")
    assert slug in staff.get("/settings/portal").get_data(as_text=True)
    bad = staff.post("/settings/portal", data={"cancel_hours": "5"})
    assert bad.status_code == 400
    assert staff.post("/settings/portal", data={"cancel_hours": "0"}).status_code == 302
    web = sign_in(app, sink, slug)
    assert f"/p/appointments/{later}/cancel" not in web.get("/p/").get_data(as_text=True)
    web.post(f"/p/appointments/{later}/cancel")
    with app.app_context():
        assert db.session.get(Appointment, later).status == "booked"


def test_message_choices_change_in_one_click(portal):
    app, sink, slug, client_id, _ = portal
    web = sign_in(app, sink, slug)
    assert "Reminders before appointments" in web.get("/p/messages").get_data(as_text=True)
    web.post("/p/messages", data={"topic": "reminders", "channel": "email", "allowed": "no"})
    with app.app_context():
        row = db.session.scalars(select(MessageConsent).where(MessageConsent.client_id == client_id)).one()
        assert (row.topic, row.allowed, row.source) == ("reminders", False, "portal")


def test_a_portal_session_opens_no_staff_page_and_staff_stay_signed_in(portal, owner):
    app, sink, slug, client_id, _ = portal
    web = sign_in(app, sink, slug)
    assert web.get(f"/clients/{client_id}").status_code == 302  # to the staff login
    login(web, "owner@example.test")
    assert web.get(f"/clients/{client_id}").status_code == 200
    web.post("/p/sign-out")
    assert web.get(f"/clients/{client_id}").status_code == 200  # signing out of the portal keeps staff in


def test_the_questionnaire_when_due_opens_a_fresh_self_intake_link(portal, owner, therapist):
    app, sink, slug, client_id, _ = portal
    web = sign_in(app, sink, slug)
    assert "Fill in the questionnaire" in web.get("/p/").get_data(as_text=True)
    response = web.post("/p/questionnaire")
    assert response.status_code == 303 and response.headers["Location"].startswith("/i/")
    assert web.get(response.headers["Location"]).status_code == 200
    with app.app_context():
        actions = [
            e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.client_id == client_id))
        ]
        assert "portal.questionnaire" in actions
        # in the name of the therapist the client is booked with (who reviews it), not the owner's
        from clinic.models import IntakeLink

        assert db.session.scalars(select(IntakeLink.created_by_id)).one() == therapist
    # the link is out: no second one, and the button is gone
    assert "Fill in the questionnaire" not in web.get("/p/").get_data(as_text=True)


def test_the_aftercare_sheet_of_a_signed_visit_in_the_portal(mail_app, smtp, clinic_id, therapist, clock):
    from tests.messages.test_aftercare_mail import ADDRESS as SIGNED_ADDRESS
    from tests.messages.test_aftercare_mail import sign_a_note

    app, (_, sink) = mail_app, smtp
    visit_id = sign_a_note(app, clinic_id, therapist, clock)
    with app.app_context():
        slug = db.session.get(Clinic, clinic_id).public_slug
    web = app.test_client()
    ask(web, slug, SIGNED_ADDRESS)
    run_worker(app)
    assert web.post(link_from(sink)).status_code == 303
    home = web.get("/p/").get_data(as_text=True)
    assert f"/p/visits/{visit_id}/aftercare" in home
    sheet = web.get(f"/p/visits/{visit_id}/aftercare")
    assert sheet.status_code == 200 and "Your aftercare" in sheet.get_data(as_text=True)
    assert f"/p/visits/{visit_id}/aftercare.pdf" in sheet.get_data(as_text=True)
    pdf = web.get(f"/p/visits/{visit_id}/aftercare.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.headers["Cache-Control"] == "no-store"
