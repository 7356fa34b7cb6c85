"""Journey: a new client books online on a phone: a service, a day, a free time, their name and address;
the e-mail arrives at the test SMTP server; they confirm from its link and are booked, and the
confirmation and the health questionnaire follow."""

import re
from datetime import time

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Clinic, Service
from clinic.schedule import hours
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.test_aftercare_public_journey import PHONE, overflow
from tests.mail import run_worker, text_of

NOW = "2026-11-18T10:00:00+00:00"
ADDRESS = "noor.haddad@example.test"


def open_for_online_booking(app, **settings) -> tuple[int, str]:
    """A clinic with one therapist and one service, open 09:00-17:00 on weekdays, taking bookings online
    (plus any other `settings`); returns its id and its public address part."""
    from clinic.auth import services as accounts

    with app.app_context():
        clinic = accounts.create_clinic("Harbour Street Clinic", "Europe/London")
        accounts.create_user(clinic, "theo@example.test", "Theo Therapist", "therapist", TEST_PASSWORD)
        clinic.phone = "+44 23 9200 0140"
        service = Service(clinic_id=clinic.id, name="Trigger point therapy", duration_minutes=60)
        db.session.add(service)
        db.session.flush()
        hours.save(clinic.id, None, {day: [(time(9), time(17))] for day in range(5)})
        clinic.settings = {"online_booking": {"enabled": True, "service_ids": [service.id]}, **settings}
        db.session.commit()
        return clinic.id, clinic.public_slug


def test_a_new_client_books_online_on_a_phone(mail_live_app, smtp, context_factory, axe_source, clock):
    app, (_, sink) = mail_live_app, smtp
    clock.set(NOW)
    clinic_id, slug = open_for_online_booking(app)
    base = app.config["E2E_BASE_URL"]
    phone = context_factory(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()
    phone.goto(f"{base}/book/{slug}")
    phone.get_by_role("heading", level=1, name="Book an appointment").wait_for()
    phone.get_by_label("Day").select_option(label="Tuesday 24 November")
    phone.get_by_role("button", name="Show free times").click()
    phone.get_by_role("group", name="Free times on Tuesday 24 November").wait_for()
    phone.get_by_label("10:00").check()
    phone.get_by_label("First name").fill("Noor")
    phone.get_by_label("Last name").fill("Haddad")
    phone.get_by_label("E-mail").fill("not an address")
    phone.get_by_role("button", name="E-mail me a link to confirm").click()
    phone.get_by_role("alert").wait_for()  # the address is wrong; the rest stays as typed
    assert phone.get_by_label("First name").input_value() == "Noor"
    assert overflow(phone) <= 0, f"{overflow(phone)}px of sideways scroll at 390 px"
    phone.add_script_tag(content=axe_source)
    result = phone.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
    screenshot(phone, "online-booking-phone-error")
    phone.get_by_label("10:00").check()
    phone.get_by_label("E-mail").fill(ADDRESS)
    phone.get_by_role("button", name="E-mail me a link to confirm").click()
    phone.get_by_role("heading", name="Check your e-mail").wait_for()

    run_worker(app)
    [mail] = sink.to(ADDRESS)
    link = re.search(r"https?://\S+/book/confirm/[A-Za-z0-9_-]+", text_of(mail)).group(0)
    phone.goto(link)
    phone.get_by_text("Tuesday 24 November at 10:00").wait_for()
    phone.get_by_role("button", name="Confirm").click()
    phone.get_by_role("heading", name="You're booked").wait_for()
    screenshot(phone, "online-booking-phone-booked")
    assert overflow(phone) <= 0
    with app.app_context():
        appointment = db.session.scalars(select(Appointment)).one()
        assert appointment.client.email == ADDRESS and db.session.get(Clinic, clinic_id)
    run_worker(app)
    subjects = [m["Subject"] for m in sink.to(ADDRESS)]
    assert any("Your appointment at Harbour Street Clinic" in s for s in subjects)
    assert any("questionnaire" in s for s in subjects)
