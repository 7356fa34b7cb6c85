"""Issue 15, measured: the taps and typed fields of the busy-day loop on a tablet. Open the next
appointment from the home page, start the note, mark one trigger point on a client with no conditions,
sign, book the follow-ups, print the sheet. Every tap and every typed field is counted; the goal is at
most 12 taps. The count is printed and kept in test-artifacts/busy-day-taps.txt."""

from datetime import time

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Service, User
from clinic.rules.scheduling import local_instant
from tests.e2e.conftest import ARTIFACTS, demo_today, login
from tests.e2e.test_note_on_tablet import TABLET, tap_region

MAYA = "maya@demo.knotwork.test"


class Counted:
    """The page, with each tap and typed field written down (what for, in the user's words)."""

    def __init__(self, page):
        self.page, self.taps, self.fields = page, [], []

    def tap(self, why: str, locator, **kwargs):
        self.taps.append(why)
        locator.click(**kwargs)

    def choose(self, why: str, locator, value: str):
        self.taps.append(why)  # a select is one tap to open and one to pick: counted as one, as a list tap
        locator.select_option(value)

    def type(self, why: str, locator, text: str):
        self.fields.append(why)
        locator.fill(text)


def _a_client_booked_later_today(app, clock) -> str:
    """A client with no conditions, booked with Maya this evening."""
    from clinic.clients.services import create_client
    from clinic.intake import services as intake
    from clinic.schedule.booking import book

    with app.app_context():
        maya = db.session.scalars(select(User).where(User.email == MAYA)).one()
        client = create_client(maya.clinic_id, {"first_name": "Ruth", "last_name": "Okonjo"})
        answers = {**intake.empty(), "main_complaint": "Tight neck", "conditions": [],
                   "consent_name": "Ruth Okonjo", "consent_date": demo_today(clock)}  # fmt: skip
        intake.record_from_form(client, maya, answers, "intake", today=demo_today(clock))
        service = db.session.scalars(select(Service).where(Service.clinic_id == maya.clinic_id)).first()
        # 20:00 today, after the demo diary's last appointment (the home page lists the whole day)
        start = local_instant(demo_today(clock), time(20), maya.clinic.tz)
        book(maya.clinic, maya, client, service, start, outside_hours_ok=True)
        db.session.commit()
        return client.display_name


def test_the_busy_day_loop_in_taps(live_app, base_url, demo, context_factory, clock):
    name = _a_client_booked_later_today(live_app, clock)
    page = context_factory(viewport=TABLET["landscape"]).new_page()
    login(page, base_url, MAYA, demo)
    run = Counted(page)

    row = page.locator(".today-item", has_text=name)
    run.tap("open the next appointment", row.locator(".today-time a"))
    run.tap("start the visit note", page.get_by_role("link", name="Start the visit note"))
    plan = page.locator("select[name='plan-0-technique']")
    run.choose("plan: technique", plan, "hand_pressure")
    run.choose("plan: region", page.locator("select[name='plan-0-region']"), "shoulder_r")
    run.tap("screen and start the note", page.get_by_role("button", name="Screen and start the note"))
    page.locator("[data-bodymap]").first.wait_for()

    run.taps.append("mark the point on the body map")
    tap_region(page, "back", "shoulder_r")
    point = page.locator("[data-bodymap-list] tbody tr").first
    if not point.locator("select[name$='-muscle']").input_value():
        run.choose("the point's muscle", point.locator("select[name$='-muscle']"), "upper_trapezius")
    if not point.locator("select[name$='-technique']").input_value():
        run.choose("the point's technique", point.locator("select[name$='-technique']"), "hand_pressure")
    run.type("the point's pain before", point.locator("input[name$='-pain_before']"), "6")
    run.type("the point's pain after", point.locator("input[name$='-pain_after']"), "3")
    run.type("session pain before", page.get_by_label("Session pain before (0-10)"), "6")
    run.type("session pain after", page.get_by_label("Session pain after (0-10)"), "3")
    page.once("dialog", lambda dialog: dialog.accept())
    run.tap("save and sign", page.get_by_role("button", name="Save and sign"))
    run.taps.append("confirm the signature")
    page.get_by_text("the stored fingerprint matches the note").wait_for()

    run.tap("book the follow-ups", page.get_by_role("link", name="Book follow-ups").first)
    run.tap("confirm the follow-ups", page.get_by_role("button", name="Book these follow-ups"))
    page.wait_for_url(lambda url: "follow-ups" not in url)
    sheet = page.get_by_role("link", name="Print aftercare sheet").first
    assert sheet.get_attribute("href").endswith("aftercare.pdf")
    run.taps.append("print the aftercare sheet")  # opens the PDF in the browser's viewer, ready to print

    report = [f"{len(run.taps)} taps and {len(run.fields)} typed fields", "taps:"]
    report += [f"  {n}. {why}" for n, why in enumerate(run.taps, start=1)]
    report += ["typed:"] + [f"  - {why}" for why in run.fields]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "busy-day-taps.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    assert len(run.taps) <= 12, "\n".join(report)
