"""Journey 2: the front desk books, reschedules, is refused a double booking, and sees no clinical data."""

from datetime import timedelta

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Client, Visit
from tests.e2e.conftest import demo_today, login, screenshot


def a_quiet_monday(clock):
    """A Monday five weeks after the clock's day: open hours, and beyond the demo's booked weeks."""
    day = demo_today(clock) + timedelta(days=35)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def book(page, client_label):
    page.get_by_label("Find a client").fill(client_label.split(",")[0])
    option = page.locator("#client option", has_text=client_label).first
    page.locator("#client").select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name="Book", exact=True).click()


def test_front_desk_books_reschedules_and_meets_a_conflict(live_app, base_url, demo, page, clock):
    with live_app.app_context():
        clients = db.session.scalars(select(Client).order_by(Client.id).limit(2)).all()
        first, second = (f"{c.last_name}, {c.first_name}" for c in clients)
        visit_id = db.session.scalar(select(Visit.id).limit(1))
        client_id = clients[0].id
    day = a_quiet_monday(clock)
    when = f"{day.strftime('%A')} {day.day} {day.strftime('%B')}"

    login(page, base_url, "desk@demo.knotwork.test", demo)
    page.get_by_role("link", name="Calendar", exact=True).click()
    page.goto(f"{base_url}/calendar?date={day.isoformat()}")
    page.get_by_role("link", name=f"Book Maya Okafor, {when} at 10:00").click()
    book(page, first)
    page.wait_for_url(lambda url: "/appointments/new" not in url)

    # the same slot again, for someone else: refused, with the nearest free times offered
    page.goto(f"{base_url}/appointments/new?therapist={maya_id(live_app)}&date={day.isoformat()}&time=10:00")
    book(page, second)
    page.get_by_text("Nothing was booked.").wait_for()
    offers = page.get_by_role("button", name=" instead")
    assert offers.count() >= 1
    screenshot(page, "double-booking-refused")
    offers.first.click()
    page.wait_for_url(lambda url: "/appointments/new" not in url)

    with live_app.app_context():
        booked = db.session.scalars(
            select(Appointment)
            .where(Appointment.start_at >= clock() + timedelta(days=30))
            .order_by(Appointment.id)
        ).all()
    assert len(booked) == 2 and booked[0].start_at != booked[1].start_at

    # reschedule the first to 11:30 through its page
    page.goto(f"{base_url}/appointments/{booked[0].id}")
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_label("Time").fill("11:30")
    page.get_by_role("button", name="Move the appointment").click()
    page.wait_for_url(lambda url: "/reschedule" not in url)
    with live_app.app_context():
        moved = db.session.get(Appointment, booked[0].id)
        local = moved.start_at.astimezone(moved.therapist.clinic.tz)
    assert (local.hour, local.minute) == (11, 30)

    # no health history, no notes for the front desk
    for path in (f"/clients/{client_id}/health", f"/visits/{visit_id}", f"/clients/{client_id}/visits/new"):
        response = page.goto(base_url + path)
        assert response.status == 403, path
    page.goto(f"{base_url}/clients/{client_id}")
    assert page.get_by_role("heading", name="Health history").count() == 0
    assert page.get_by_role("heading", name="Standing alerts").count() == 0


def maya_id(app):
    from clinic.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "maya@demo.knotwork.test"))


def test_booking_with_the_keyboard_alone(live_app, base_url, demo, page, clock):
    with live_app.app_context():
        client = db.session.scalars(select(Client).order_by(Client.id.desc())).first()
        surname = client.last_name
    day = a_quiet_monday(clock) + timedelta(days=1)
    login(page, base_url, "desk@demo.knotwork.test", demo)
    page.goto(f"{base_url}/calendar?date={day.isoformat()}")
    for _ in range(80):  # Tab until a free slot of the grid has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('slot')"):
            break
    else:
        raise AssertionError("no free slot is reachable with Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/appointments/new" in url)
    page.keyboard.type(surname)  # the client search has the focus
    page.keyboard.press("ArrowDown")
    for _ in range(30):
        if page.evaluate("document.activeElement.textContent.trim() === 'Book'"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/appointments/new" not in url)
    with live_app.app_context():
        booked = db.session.scalars(select(Appointment).where(Appointment.client_id == client.id)).all()
        days = {a.start_at.astimezone(a.therapist.clinic.tz).date() for a in booked}
    assert day in days
