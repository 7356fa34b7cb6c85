"""Journey: a client on a 390 px phone asks the clinic's portal page for a link, reads the e-mail from
the test's SMTP server, opens the link, sees the appointments, and cancels one inside the clinic's
window after moving it to another free time; the one due in two hours shows the clinic's number
instead. Axe and no sideways scroll on every page."""

import re
from urllib.parse import urlsplit

from clinic.extensions import db
from clinic.models import Appointment
from clinic.schedule import hours
from tests.e2e.conftest import screenshot
from tests.e2e.test_aftercare_public_journey import PHONE, overflow
from tests.mail import run_worker, text_of
from tests.test_portal import ADDRESS, _setup

LINK = re.compile(r"https?://[^/\s]+(/p/in/[A-Za-z0-9_-]+)")


def check(page, axe_source, name):
    assert overflow(page) <= 0, f"{name}: {overflow(page)}px of sideways scroll at 390 px"
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [
        f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not found, name + "\n" + "\n".join(found)
    screenshot(page, name)


def test_a_client_signs_in_by_e_mail_moves_and_cancels_on_a_phone(
    mail_live_app, smtp, clinic_id, therapist, clock, context_factory, axe_source
):
    from datetime import UTC, datetime, time

    app, (_, sink) = mail_live_app, smtp
    clock.set(datetime(2026, 11, 18, 10, 0, tzinfo=UTC))
    slug, _client_id, (later, soon) = _setup(app, clinic_id, therapist)
    base = app.config["E2E_BASE_URL"]
    phone = context_factory(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()

    response = phone.goto(f"{base}/p/{slug}")
    assert response.status == 200 and response.headers["x-robots-tag"] == "noindex"
    check(phone, axe_source, "portal-phone-ask")
    # a mistyped address: told what to fix, what was typed kept
    phone.get_by_label("Your e-mail address").fill("maya at home")
    phone.get_by_role("button", name="E-mail me a link").click()
    phone.locator("#email-error").wait_for()
    assert phone.get_by_label("Your e-mail address").input_value() == "maya at home"
    check(phone, axe_source, "portal-phone-ask-error")
    phone.get_by_label("Your e-mail address").fill(ADDRESS)
    phone.get_by_role("button", name="E-mail me a link").click()
    phone.get_by_text("If that address is on file with us").wait_for()
    check(phone, axe_source, "portal-phone-sent")

    run_worker(app)
    [mail] = [m for m in sink.to(ADDRESS) if m["Subject"].startswith("Your sign-in link")]
    path = LINK.search(text_of(mail)).group(1)
    phone.goto(base + path)
    check(phone, axe_source, "portal-phone-open")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("heading", level=1, name="Hello Maya").wait_for()
    assert urlsplit(phone.url).path == "/p/"
    check(phone, axe_source, "portal-phone-home")
    assert phone.get_by_role("link", name="023 9200 0140").first.get_attribute("href") == "tel:02392000140"
    assert phone.get_by_role("button", name="Cancel this appointment").count() == 1  # not the one in 2 hours

    # move it to Tuesday 10:00 with the same therapist (the clinic's hours: weekdays 09:00-13:00)
    with app.app_context():
        hours.save(clinic_id, None, {day: [(time(9), time(13))] for day in range(5)})
        db.session.commit()
    phone.get_by_role("link", name="Move").click()
    phone.get_by_role("heading", level=1, name="Move your appointment").wait_for()
    phone.get_by_label("Day", exact=True).select_option(label="Tuesday 24 November")
    phone.get_by_role("button", name="Show free times").click()
    phone.get_by_role("heading", name="Free times with Theo Therapist on Tuesday 24 November").wait_for()
    check(phone, axe_source, "portal-phone-move")
    phone.once("dialog", lambda dialog: dialog.accept())  # the app's data-confirm
    phone.get_by_role("button", name="10:00").click()
    phone.get_by_text("Moved to Tuesday 24 November at 10:00").wait_for()
    with app.app_context():
        assert db.session.get(Appointment, later).start_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        db.session.remove()

    phone.once("dialog", lambda dialog: dialog.accept())  # the app's data-confirm
    phone.get_by_role("button", name="Cancel this appointment").click()
    phone.get_by_text("Your appointment is cancelled").wait_for()
    check(phone, axe_source, "portal-phone-cancelled")
    with app.app_context():
        assert db.session.get(Appointment, later).status == "cancelled"
        assert db.session.get(Appointment, soon).status == "booked"
        db.session.remove()

    phone.get_by_role("link", name="The e-mails you get from us").click()
    phone.get_by_role("heading", level=1, name="What we send you").wait_for()
    check(phone, axe_source, "portal-phone-messages")
    phone.get_by_role("button", name="Sign out").click()
    phone.get_by_role("heading", level=1, name="You are signed out").wait_for()
    assert phone.goto(base + "/p/").url.endswith("/p/signed-out")
    assert phone.goto(base + path).status == 404  # the link worked once
