"""Journey 1: a therapist's session with a new client, from intake to the aftercare sheet."""

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from clinic import bodymap
from clinic.extensions import db
from clinic.models import Appointment, Client
from tests.e2e.conftest import demo_today, login, screenshot


def tap_region(page, view, region):
    """Tap the body map at the middle of a region, as a finger would."""
    svg = page.locator(f'[data-bodymap] svg[data-view="{view}"]')
    box = svg.bounding_box()
    x, y = bodymap.region_centroid(view, region)
    svg.click(position={"x": x * box["width"] / 200, "y": y * box["height"] / 440})


def test_therapist_session_from_intake_to_aftercare(live_app, base_url, demo, page, clock):
    login(page, base_url, "maya@demo.knotwork.test", demo)
    assert page.get_by_role("heading", name="Today").first.is_visible()  # today's schedule on the home page

    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="New client").click()
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Delgado")
    page.get_by_label("Date of birth").fill("1979-03-14")
    page.get_by_label("Phone").fill("+44 7700 900555")
    page.get_by_role("button", name="Add client").click()
    page.get_by_role("heading", name="Rosa Delgado").wait_for()

    # intake: a blood thinner and a knee surgery three weeks ago
    page.get_by_role("link", name="Start the intake").click()
    page.get_by_label("Main complaint").fill("Neck and shoulder pain since a fall")
    page.locator("#cond_anticoagulant").check()
    page.locator("#cond_recent_surgery").check()
    regions = page.locator("#cond_recent_surgery-row details[data-regions]")
    if not regions.evaluate("details => details.open"):
        regions.locator("summary").click()
    page.locator("#cond_recent_surgery_region-knee_l").check()
    surgery = (demo_today(clock) - timedelta(days=21)).isoformat()
    page.locator("#cond_recent_surgery_date").fill(surgery)
    page.get_by_label("Client's full name, typed as a signature").fill("Rosa Delgado")
    page.get_by_role("button", name="Save the intake").click()
    page.get_by_role("heading", name="Rosa Delgado").wait_for()
    screenshot(page, "client-page")

    # plan: the gun at the operated knee, hand pressure at the right shoulder
    plan = page.locator("#session-plan")
    plan.locator("select[name='plan-0-technique']").select_option("massage_gun")
    plan.locator("select[name='plan-0-region']").select_option("knee_l")
    plan.get_by_role("button", name="Add item").click()
    plan.locator("select[name='plan-1-technique']").select_option("hand_pressure")
    plan.locator("select[name='plan-1-region']").select_option("shoulder_r")
    results = plan.locator("[data-result]")
    results.nth(0).get_by_text("Contraindicated").wait_for()
    assert "surgery" in results.nth(0).inner_text().lower()
    results.nth(1).get_by_text("Modify").wait_for()
    assert (
        "blood thinner" in results.nth(1).inner_text().lower()
        or "anticoagulant" in results.nth(1).inner_text().lower()
    )

    page.get_by_role("button", name="Start a visit with this plan").click()
    page.get_by_label("Anything changed since last time?").fill("Nothing new")
    page.get_by_role("button", name="Screen and start the note").click()
    page.get_by_role("heading", name="Today's plan and screening").wait_for()
    assert page.locator("select[name='plan_items-0-decision']").input_value() == "withheld"
    page.get_by_label("Reason to go ahead").fill("Broad, moderate pressure; watched for bruising")

    # three points on the body map
    for region in ("shoulder_r", "upper_back", "neck_posterior"):
        tap_region(page, "back", region)
    rows = page.locator("[data-bodymap-list] tbody tr")
    assert rows.count() == 3
    muscles = ("upper_trapezius", "rhomboids", "levator_scapulae")
    for index, muscle in enumerate(muscles):
        row = rows.nth(index)
        row.locator("select[name$='-muscle']").select_option(muscle)
        row.locator("select[name$='-technique']").select_option("hand_pressure")
        row.locator("input[name$='-hold_seconds']").fill("60")
        row.locator("input[name$='-pain_before']").fill("6")
        row.locator("input[name$='-pain_after']").fill("3")
    assert [rows.nth(i).locator("select[name$='-region']").input_value() for i in range(3)] == [
        "shoulder_r",
        "upper_back",
        "neck_posterior",
    ]
    sides = [rows.nth(i).locator("select[name$='-side']").input_value() for i in range(3)]
    assert sides == ["right", "midline", "midline"]  # the side follows the tapped region
    page.get_by_label("Session pain before (0-10)").fill("6")
    page.get_by_label("Session pain after (0-10)").fill("3")
    screenshot(page, "visit-note")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and sign").click()
    page.get_by_text("the stored fingerprint matches the note").wait_for()

    # the recommended follow-ups, booked in one step
    page.get_by_role("link", name="Book follow-ups").click()
    page.get_by_role("button", name="Book these follow-ups").click()
    page.wait_for_url(lambda url: "follow-ups" not in url)
    with live_app.app_context():
        client = db.session.scalar(select(Client).where(Client.last_name == "Delgado"))
        booked = db.session.scalar(
            select(func.count(Appointment.id)).where(Appointment.client_id == client.id)
        )
    assert booked >= 2
    assert "/visits/" in page.url  # back on the note, where the sheet is printed

    # the sheet opens in the browser's PDF viewer, ready to print (inline, not a download)
    href = page.get_by_role("link", name="Print aftercare sheet").get_attribute("href")
    sheet = page.request.get(base_url + href)
    assert sheet.headers["content-disposition"].startswith("inline;")
    data = sheet.body()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Rosa" in text and "Delgado" not in text
