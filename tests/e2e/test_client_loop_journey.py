"""Journey: the client's whole loop, each step from the e-mail the previous one sent. A new client books
online on a phone and confirms from the mail; fills in the questionnaire from the next mail; the therapist
accepts it on a tablet and sees the screening alert; the visit is signed; the aftercare mail and, a day
and a half later, the check-in mail arrive; the client answers with a red flag and is told at once what to
do; the therapist's home page puts the client at the top."""

import re
from datetime import timedelta

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Client, User
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_aftercare_public_journey import PHONE, TABLET_LANDSCAPE, overflow
from tests.e2e.test_online_booking_journey import open_for_online_booking
from tests.mail import run_worker, text_of

NOW = "2026-11-18T10:00:00+00:00"  # a Wednesday; the visit is on Tuesday 24 November
ADDRESS = "rosa.lindqvist@example.test"


def _link(sink, subject_part: str, path: str) -> str:
    mail = next(m for m in reversed(sink.to(ADDRESS)) if subject_part in m["Subject"])
    return re.search(rf"https?://\S+{path}[A-Za-z0-9_-]+", text_of(mail)).group(0)


def _sign_the_visit(app, clock) -> None:
    """The therapist's note, signed as the note page signs it (the browser tests of the note do it there)."""
    from clinic.messages import notices
    from clinic.visits import services as visits

    with app.app_context():
        appointment = db.session.scalars(select(Appointment)).one()
        clock.set(appointment.end_at + timedelta(minutes=5))
        client, therapist = appointment.client, db.session.get(User, appointment.therapist_id)
        item = {
            "technique": "hand_pressure",
            "region": "shoulder_r",
            "decision": "proceed",
            "reason": "Latex-free gloves and no lubricant.",
        }
        visit = visits.start_visit(client, therapist, [item], "", clock().date())
        point = {"muscle": "upper_trapezius", "side": "right", "region": "shoulder_r", "view": "back",
                 "x": 130.0, "y": 95.0, "kind": "active", "taut_band": True, "twitch": False, "referral": "",
                 "technique": "hand_pressure", "tool_detail": "", "pressure": 6, "pressure_scale": "felt",
                 "hold_seconds": 60, "repetitions": 2, "pain_before": 7, "pain_after": 3}  # fmt: skip
        note = {"plan_items": [item], "points": [point], "subjective": "Neck tight after desk work.",
                "objective": "Active point, right upper trapezius.", "assessment": "Improving.",
                "plan": "Review in a week.", "adverse_responses": "", "lubricant": "", "aftercare_given": "",
                "notes": "", "pain_before": 6, "pain_after": 3}  # fmt: skip
        visits.save_note(visit, therapist, note, None, signing=True)
        visits.sign(visit, therapist)
        notices.visit_signed(visit, therapist)
        db.session.commit()


def test_the_clients_whole_loop_from_booking_to_check_in(mail_live_app, smtp, context_factory, clock):
    app, (_, sink) = mail_live_app, smtp
    clock.set(NOW)
    _, slug = open_for_online_booking(app, messages={"urgent_care_number": "111"})
    base = app.config["E2E_BASE_URL"]

    # 1. booked online on a phone, confirmed from the mail
    phone = context_factory(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{base}/book/{slug}")
    phone.get_by_label("Day").select_option(label="Tuesday 24 November")
    phone.get_by_role("button", name="Show free times").click()
    phone.get_by_label("10:00").check()
    phone.get_by_label("First name").fill("Rosa")
    phone.get_by_label("Last name").fill("Lindqvist")
    phone.get_by_label("E-mail").fill(ADDRESS)
    phone.get_by_label("Phone (optional)").fill("07700 900777")
    phone.get_by_role("button", name="E-mail me a link to confirm").click()
    phone.get_by_role("heading", name="Check your e-mail").wait_for()
    run_worker(app)
    phone.goto(_link(sink, "Confirm your booking", "/book/confirm/"))
    phone.get_by_role("button", name="Confirm").click()
    phone.get_by_role("heading", name="You're booked").wait_for()

    # 2. the questionnaire from the next mail
    run_worker(app)
    phone.goto(_link(sink, "questionnaire", "/i/"))
    phone.get_by_role("heading", name="Health questionnaire for Rosa").wait_for()
    phone.get_by_label("What brings you in?").fill("A stiff neck and headaches")
    phone.locator("#cond_latex_allergy").check()
    phone.locator("#consent_name").fill("Rosa Lindqvist")
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_text("Thank you", exact=False).first.wait_for()
    assert overflow(phone) <= 0

    # 3. the therapist accepts it and sees the alert before the visit
    with app.app_context():
        client_id = db.session.scalars(select(Client.id).where(Client.email == ADDRESS)).one()
    tablet = context_factory(viewport=TABLET_LANDSCAPE).new_page()
    login(tablet, base, "theo@example.test", TEST_PASSWORD)
    tablet.goto(f"{base}/clients/{client_id}")
    tablet.get_by_role("link", name="Review").first.click()
    tablet.get_by_role("button", name="Accept as version 1").click()
    tablet.get_by_text("Latex allergy", exact=False).first.wait_for()

    # 4. the visit is signed: the aftercare sheet by mail, the check-in a day and a half later
    _sign_the_visit(app, clock)
    run_worker(app)
    assert any("aftercare sheet" in m["Subject"] for m in sink.to(ADDRESS))
    assert not any("How are you feeling" in m["Subject"] for m in sink.to(ADDRESS))
    clock.set("2026-11-26T10:00:00+00:00")  # signed Tuesday 11:05; 36 hours on is Wednesday night: quiet
    run_worker(app)
    phone.goto(_link(sink, "How are you feeling", "/c/"))

    # 5. a red flag: the client is told at once; the therapist's home page leads with it
    phone.get_by_role("heading", level=1, name="How are you feeling").wait_for()
    phone.locator("#soreness label", has_text="5").first.click()
    for question in ("Chest pain", "A fever", "Numbness"):
        phone.get_by_role("group", name=question).get_by_label("No").check()
    phone.get_by_role("group", name="Pain in a calf").get_by_label("Yes").check()
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_role("heading", level=1, name="Please get seen today").wait_for()
    assert phone.get_by_role("link", name="Call 111").get_attribute("href") == "tel:111"
    screenshot(phone, "client-loop-check-in-advice")

    login(tablet, base, "theo@example.test", TEST_PASSWORD)  # two days on: yesterday's session has ended
    calls = tablet.get_by_role("region", name="Check-ins that need a call")
    calls.wait_for()
    assert calls.get_by_role("link", name="Rosa Lindqvist").is_visible()
    assert calls.get_by_role("link", name="Call now: 07700 900777").get_attribute("href") == "tel:07700900777"
    assert "Check-ins that need a call" in tablet.locator("main section.card").first.inner_text()
    screenshot(tablet, "client-loop-therapist-home")
