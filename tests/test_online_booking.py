"""Online booking through the app: off until the owner turns it on; free times by the staff booking's
rules; a request that books nothing until the client confirms it from the e-mail; the same answer for
known and unknown addresses; a lost race offering the next free times; limits per address and per IP."""

import re
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.models import Appointment, BookingRequest, Client, Clinic, Message, Service, User
from clinic.schedule import hours
from tests.conftest import table_counts
from tests.mail import run_worker, text_of

NOW = "2026-11-18T10:00:00+00:00"  # a Wednesday morning in London
DAY = "2026-11-24"  # the Tuesday after: inside 24 h notice and 60 days ahead
LINK = re.compile(r"http://localhost(/book/confirm/[A-Za-z0-9_-]+)")
DETAILS = {
    "first_name": "Ines",
    "last_name": "Dahl",
    "email": "ines.dahl@example.test",
    "phone": "07700 900456",
}


@pytest.fixture
def clinic_open(mail_app, clinic_id, therapist, clock):
    """Online booking on: one 60-minute service, the clinic open 09:00-13:00 on weekdays."""
    clock.set(NOW)
    with mail_app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        clinic.phone = "023 9200 0140"
        service = Service(clinic_id=clinic_id, name="Trigger point therapy", duration_minutes=60)
        db.session.add(service)
        db.session.flush()
        hours.save(clinic_id, None, {day: [(time(9), time(13))] for day in range(5)})
        clinic.settings = {"online_booking": {"enabled": True, "service_ids": [service.id]}}
        db.session.commit()
        return mail_app, clinic_id, service.id


def slug_of(app, clinic_id: int) -> str:
    """The clinic's public address part (random: /book/<slug>)."""
    with app.app_context():
        return db.session.get(Clinic, clinic_id).public_slug


def _slot(start: str, therapist: int) -> str:
    return f"{datetime.fromisoformat(start).astimezone(UTC).isoformat()}|{therapist}"


def ask(web, clinic_id, service_id, therapist, start="2026-11-24T10:00:00+00:00", **details):
    data = {"service": service_id, "therapist": "", "day": DAY, "slot": _slot(start, therapist)}
    return web.post(f"/book/{slug_of(web.application, clinic_id)}", data={**data, **DETAILS, **details})


def test_the_page_is_closed_until_the_owner_opens_it(app, clinic_id):
    web = app.test_client()
    closed, unknown = web.get(f"/book/{slug_of(app, clinic_id)}"), web.get("/book/no-such-clinic")
    assert closed.status_code == unknown.status_code == 404
    assert closed.get_data() == unknown.get_data()


def test_free_times_follow_the_hours_and_the_diary(clinic_open, therapist):
    app, clinic_id, service_id = clinic_open
    with app.app_context():  # 11:00-12:00 is taken
        from clinic.schedule.booking import book

        other = Client(clinic_id=clinic_id, first_name="Desk", last_name="Booking")
        db.session.add(other)
        db.session.flush()
        book(db.session.get(Clinic, clinic_id), db.session.get(User, therapist), other,
             db.session.get(Service, service_id), datetime(2026, 11, 24, 11, 0, tzinfo=UTC))  # fmt: skip
        db.session.commit()
    url = f"/book/{slug_of(app, clinic_id)}?service={service_id}&day={DAY}&therapist={therapist}"
    page = app.test_client().get(url).get_data(as_text=True)
    times = re.findall(r'name="slot" value="[^"]+">\s*(\d\d:\d\d)', page)
    assert times[0] == "09:00" and times[-1] == "12:00"  # 60 minutes fit before 13:00, not after 12:00
    assert "10:00" in times and not {"10:15", "10:45", "11:00", "11:45"} & set(times)  # clear of 11-12
    anyone = (
        app.test_client()
        .get(f"/book/{slug_of(app, clinic_id)}?service={service_id}&day={DAY}")
        .get_data(as_text=True)
    )
    assert re.search(r'value="[^"]+">\s*11:00 <span class="hint">Olive Owner', anyone)  # owner free
    wednesday = app.test_client().get(f"/book/{slug_of(app, clinic_id)}?service={service_id}&day=2026-11-18")
    assert "No free times that day" in wednesday.get_data(as_text=True)  # today is inside the 24 h notice


def test_a_request_books_nothing_until_the_client_confirms(clinic_open, smtp, therapist, clock):
    app, clinic_id, service_id = clinic_open
    _, sink = smtp
    web = app.test_client()
    sent = ask(web, clinic_id, service_id, therapist)
    assert sent.status_code == 200 and "Check your e-mail" in sent.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    run_worker(app)
    [mail] = sink.to(DETAILS["email"])
    assert mail["Subject"] == "Confirm your booking at Harbour Test Clinic"
    path = LINK.search(text_of(mail)).group(1)
    summary = web.get(path).get_data(as_text=True)
    assert "Tuesday 24 November at 10:00" in summary and "Trigger point therapy" in summary
    booked = web.post(path)
    assert booked.status_code == 200 and "You're booked" in booked.get_data(as_text=True)
    with app.app_context():
        appointment = db.session.scalars(select(Appointment)).one()
        client = db.session.get(Client, appointment.client_id)
        assert (client.first_name, client.email) == ("Ines", "ines.dahl@example.test")
        kinds = db.session.scalars(select(Message.kind).order_by(Message.id)).all()
        assert kinds == ["booking_request", "confirmation", "intake_link"]  # a new client: the questionnaire
    assert web.post(path).status_code == 404 and web.get(path).status_code == 404  # used


def test_known_and_unknown_addresses_get_the_same_answer(clinic_open, therapist):
    app, clinic_id, service_id = clinic_open
    with app.app_context():
        db.session.add(
            Client(clinic_id=clinic_id, first_name="Known", last_name="Client", email="known@example.test")
        )
        db.session.commit()
    web = app.test_client()
    known = ask(web, clinic_id, service_id, therapist, email="known@example.test")
    unknown = ask(web, clinic_id, service_id, therapist, email="stranger@example.test")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()


def test_an_existing_client_is_matched_by_address_and_existing_only_refuses_new(clinic_open, smtp, therapist):
    app, clinic_id, service_id = clinic_open
    _, sink = smtp
    with app.app_context():
        db.session.add(
            Client(clinic_id=clinic_id, first_name="Ines", last_name="Dahl", email=DETAILS["email"])
        )
        clinic = db.session.get(Clinic, clinic_id)
        clinic.settings = {"online_booking": {**clinic.settings["online_booking"], "who": "existing"}}
        db.session.commit()
    web = app.test_client()
    ask(web, clinic_id, service_id, therapist)
    ask(web, clinic_id, service_id, therapist, start="2026-11-24T11:00:00+00:00", email="new@example.test")
    run_worker(app)
    web.post(LINK.search(text_of(sink.to(DETAILS["email"])[0])).group(1))
    refused = web.post(LINK.search(text_of(sink.to("new@example.test")[0])).group(1))
    assert refused.status_code == 409 and "for existing clients" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_a_slot_lost_meanwhile_offers_the_next_free_times(clinic_open, smtp, therapist):
    app, clinic_id, service_id = clinic_open
    _, sink = smtp
    web = app.test_client()
    ask(web, clinic_id, service_id, therapist)
    run_worker(app)
    path = LINK.search(text_of(sink.to(DETAILS["email"])[0])).group(1)
    with app.app_context():  # the desk books 10:00 for someone else first
        from clinic.schedule.booking import book

        other = Client(clinic_id=clinic_id, first_name="Desk", last_name="Booking")
        db.session.add(other)
        db.session.flush()
        book(db.session.get(Clinic, clinic_id), db.session.get(User, therapist), other,
             db.session.get(Service, service_id), datetime(2026, 11, 24, 10, 0, tzinfo=UTC))  # fmt: skip
        db.session.commit()
    taken = web.post(path)
    text = taken.get_data(as_text=True)
    assert taken.status_code == 409 and "booked by someone else" in text
    offered = re.findall(r'name="start" value="([^"]+)"', text)
    assert offered and "2026-11-24T10:00:00+00:00" not in offered
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1  # nothing of the try stayed
    booked = web.post(path, data={"start": offered[0]})
    assert booked.status_code == 200 and "You're booked" in booked.get_data(as_text=True)


def test_bad_input_is_listed_and_writes_nothing(clinic_open, therapist):
    app, clinic_id, service_id = clinic_open
    before = {k: v for k, v in table_counts(app).items()}
    response = ask(app.test_client(), clinic_id, service_id, therapist, first_name="", email="not-an-address")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "First name: please fill this in." in text and "E-mail:" in text
    assert 'value="Dahl"' in text  # what was typed stays
    assert table_counts(app) == before


def test_limits_per_address_and_per_ip(clinic_open, therapist):
    app, clinic_id, service_id = clinic_open
    web = app.test_client()
    for _ in range(4):
        assert ask(web, clinic_id, service_id, therapist).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BookingRequest)) == 4
        assert db.session.scalar(select(func.count()).select_from(Message)) == 3  # the 4th not e-mailed
    statuses = [
        ask(web, clinic_id, service_id, therapist, email=f"p{n}@example.test").status_code for n in range(7)
    ]
    assert statuses[-1] == 429  # 10 requests from one address in 10 minutes, counted in the database
