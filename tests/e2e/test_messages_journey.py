"""Journey: the desk books in the browser -> the confirmation arrives -> the reminder arrives at its
time -> the desk cancels -> the cancellation notice arrives. A real worker (Huey's consumer, two
threads) delivers through a real SMTP server; the test's clock decides when the minute's pass runs."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.messages.queue import queue_for
from clinic.models import Appointment, Client
from tests.e2e.conftest import demo_today, login, screenshot
from tests.mail import QuietConsumer, Sink, text_of

WAIT = 15


@pytest.fixture
def worker_app(mail_live_app):
    """The live app with a real worker: Huey's consumer, two threads, in this process."""
    consumer = QuietConsumer(queue_for(mail_live_app).huey, workers=2, worker_type="thread", periodic=False)
    consumer.start()
    try:
        yield mail_live_app
    finally:
        consumer.stop(graceful=True)


def arrives(sink: Sink, subject_part: str, address: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = [m for m in sink.to(address) if subject_part in m["Subject"]]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(
        f"no mail with {subject_part!r} to {address}: {[m['Subject'] for m in sink.received]}"
    )


def test_booking_confirmation_reminder_and_cancellation_arrive(worker_app, smtp, page, clock):
    app, (_, sink) = worker_app, smtp
    base_url = app.config["E2E_BASE_URL"]
    result = app.test_cli_runner().invoke(args=["demo", "--clients", "6"])
    assert result.exit_code == 0, result.output
    from clinic.demo import DEMO_PASSWORD

    with app.app_context():
        client = db.session.scalars(
            select(Client).where(Client.email != "").order_by(Client.id.desc())
        ).first()
        address, surname = client.email, client.last_name
    day = demo_today(clock) + timedelta(days=21)
    day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday three weeks ahead: open, and quiet
    login(page, base_url, "desk@demo.knotwork.test", DEMO_PASSWORD)
    page.goto(f"{base_url}/appointments/new?date={day.isoformat()}&time=11:00")
    page.get_by_label("Therapist").select_option(label="Maya Okafor")
    page.get_by_label("Find a client").fill(surname)
    option = page.locator("#client option", has_text=surname).first
    page.locator("#client").select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url(lambda url: "/appointments/new" not in url)

    confirmation = arrives(sink, "Your appointment at", address)
    assert "at 11:00" in confirmation["Subject"]
    assert any(part.get_filename() == "appointment.ics" for part in confirmation.iter_attachments())

    # 48 hours before: the minute's pass (as the worker's scheduler runs it) writes the reminder
    with app.app_context():
        appointment = db.session.scalars(
            select(Appointment).where(Appointment.client_id == client.id).order_by(Appointment.id.desc())
        ).first()
        appointment_id, start = appointment.id, appointment.start_at
    clock.set(start - timedelta(hours=47, minutes=59))
    with app.app_context():
        queue_for(app).tick()
    reminder = arrives(sink, "Reminder:", address)
    assert "If you cannot come" in text_of(reminder)

    login(page, base_url, "desk@demo.knotwork.test", DEMO_PASSWORD)  # weeks later: a new session
    page.goto(f"{base_url}/appointments/{appointment_id}")
    page.get_by_label("Why is it cancelled?").fill("Client unwell")
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_role("button", name="Undo the cancel").wait_for()  # offered for ten minutes
    assert not [m for m in sink.to(address) if "is cancelled" in m["Subject"]]  # held while it may be undone
    clock.advance(timedelta(minutes=13))  # past the undo window: the worker's pass sends it
    with app.app_context():
        queue_for(app).tick()
    cancelled = arrives(sink, "is cancelled", address)
    assert "is cancelled" in text_of(cancelled)

    page.context.clear_cookies()
    login(page, base_url, "owner@demo.knotwork.test", DEMO_PASSWORD)
    page.goto(f"{base_url}/messages")
    assert page.get_by_text("Booking confirmation").count() >= 1
    screenshot(page, "messages-outbox")
