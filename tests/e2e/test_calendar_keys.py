"""The calendar grid's arrow keys in the week of the whole clinic, where lanes and long appointments make
rows of different lengths: calendar.js places each link from the table's layout (rowspans included)."""

from datetime import time, timedelta

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Client, Service, User
from clinic.rules.scheduling import day_label, local_instant
from tests.e2e.conftest import demo_today, login, screenshot
from tests.e2e.test_front_desk_journey import a_quiet_monday


def focused(page) -> str:
    """The focused link: a free time by its label, an appointment by its id."""
    return page.evaluate(
        "document.activeElement.getAttribute('aria-label') || document.activeElement.id || ''"
    )


def test_arrow_keys_follow_the_lanes_of_the_week(live_app, base_url, demo, page, clock):
    tuesday = a_quiet_monday(clock) + timedelta(days=1)  # Maya works 9-17, Tomás 10-18: two lanes
    with live_app.app_context():
        maya = db.session.scalar(select(User).where(User.name == "Maya Okafor"))
        client = db.session.scalars(select(Client).where(Client.archived_at.is_(None))).first()
        service = db.session.scalar(select(Service).where(Service.duration_minutes == 90))
        start = local_instant(tuesday, time(10), maya.clinic.tz)
        long = Appointment(
            clinic_id=maya.clinic_id,
            therapist_id=maya.id,
            client_id=client.id,
            service_id=service.id,
            start_at=start,
            end_at=start + timedelta(minutes=90),
        )  # Maya's lane is one cell from 10:00 to 11:30: later rows have no cell of hers
        db.session.add(long)
        db.session.commit()
        long_id = long.id
    login(page, base_url, "desk@demo.knotwork.test", demo)
    page.goto(f"{base_url}/calendar/week?date={tuesday.isoformat()}&therapist=all")
    lanes = page.locator("th.cal-lanehead").all_inner_texts()[:2]
    assert sorted(lanes) == ["Maya", "Tomás"]
    # keys that move from Tomás to Maya within the same day, and back
    to_maya, to_tomas = ("ArrowLeft", "ArrowRight") if lanes[0] == "Maya" else ("ArrowRight", "ArrowLeft")
    when = day_label(tuesday)

    page.get_by_role("link", name=f"Book Tomás Herrera, {when} at 11:00", exact=True).focus()
    page.keyboard.press(to_maya)
    assert focused(page) == f"appt-{long_id}"  # the appointment covering 11:00 in Maya's lane
    page.keyboard.press("ArrowDown")
    assert focused(page) == f"Book Maya Okafor, {when} at 11:30"
    page.keyboard.press(to_tomas)
    assert focused(page) == f"Book Tomás Herrera, {when} at 11:30"
    page.keyboard.press("ArrowUp")
    assert focused(page) == f"Book Tomás Herrera, {when} at 11:15"
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/appointments/new" in url and "time=11:15" in url)


def test_the_clinic_week_has_no_serious_accessibility_violations(
    live_app, base_url, demo, context_factory, axe_source, clock
):
    """The main-pages check covers the day view; the week of every therapist has its own markup (lanes)."""
    page = context_factory(bypass_csp=True).new_page()  # the CSP rightly refuses the injected axe script
    login(page, base_url, "desk@demo.knotwork.test", demo)
    next_week = demo_today(clock) + timedelta(days=7)  # wholly ahead, and inside the demo's booked weeks
    page.goto(f"{base_url}/calendar/week?date={next_week.isoformat()}&therapist=all")
    assert page.locator("a.slot").count() + page.locator("a.appt").count() > 50
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    screenshot(page, "week-all-laptop")
    assert not serious, "\n".join(serious)
