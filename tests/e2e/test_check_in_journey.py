"""Journey: a client opens the check-in link on a phone a day and a half after the session, leaves a
red flag out, is told what is missing, answers "calf pain with swelling", and reads at once to get
seen today; the therapist's home page on a tablet puts the client at the top with a number to call."""

import pytest

from clinic.extensions import db
from clinic.models import Client, Clinic, User, Visit
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_aftercare_public_journey import PHONE, TABLET_LANDSCAPE, overflow
from tests.test_aftercare_views import NOW, make_client, make_visit, set_clinic


@pytest.fixture
def check_in_url(live_app, clock):
    from clinic.auth import services as accounts
    from clinic.checkin import links
    from clinic.visits import services as visits
    from clinic.web.public_url import public_url

    clock.set(NOW)
    with live_app.app_context():
        clinic = accounts.create_clinic("Harbour Street Clinic", "Europe/London")
        therapist = accounts.create_user(
            clinic, "theo@example.test", "Theo Therapist", "therapist", TEST_PASSWORD
        )
        db.session.commit()
        clinic_id, therapist_id = clinic.id, therapist.id
    set_clinic(
        live_app, clinic_id, phone="+44 23 9200 0140", address="14 Harbour Street", email="hi@harbour.example"
    )
    client_id = make_client(live_app, clinic_id, therapist_id)
    visit_id = make_visit(live_app, client_id, therapist_id)
    with live_app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        clinic.settings = {**(clinic.settings or {}), "messages": {"urgent_care_number": "111"}}
        db.session.get(Client, client_id).phone = "07700 900123"
        visit = db.session.get(Visit, visit_id)
        visits.sign(visit, db.session.get(User, therapist_id))
        token = links.issue(visit)  # as the check-in message carries it
        db.session.commit()
        return public_url("checkin_public.form", token=token)


def test_a_red_flag_reaches_the_client_at_once_and_the_therapist_first(
    check_in_url, base_url, context_factory, axe_source
):
    phone = context_factory(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()
    response = phone.goto(check_in_url)
    assert response.status == 200 and response.headers["x-robots-tag"] == "noindex"
    phone.get_by_role("heading", level=1, name="How are you feeling").wait_for()
    assert overflow(phone) <= 0, f"{overflow(phone)}px of sideways scroll at 390 px"
    phone.add_script_tag(content=axe_source)
    result = phone.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
    screenshot(phone, "check-in-phone-form")

    # soreness 6, then send without the red-flag questions: all four are listed, the 6 is kept
    phone.locator("#soreness label", has_text="6").first.click()
    phone.get_by_role("button", name="Send my answers").click()
    alert = phone.get_by_role("alert")
    alert.wait_for()
    assert alert.locator("li").count() == 4
    assert phone.locator("#soreness input[value='6']").is_checked()
    assert overflow(phone) <= 0
    screenshot(phone, "check-in-phone-missing")

    for question in ("Chest pain", "A fever", "Numbness"):
        phone.get_by_role("group", name=question).get_by_label("No").check()
    phone.get_by_role("group", name="Pain in a calf").get_by_label("Yes").check()
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_role("heading", level=1, name="Please get seen today").wait_for()
    assert phone.get_by_role("link", name="Call 111").get_attribute("href") == "tel:111"
    assert overflow(phone) <= 0
    screenshot(phone, "check-in-phone-advice")

    tablet = context_factory(viewport=TABLET_LANDSCAPE).new_page()
    login(tablet, base_url, "theo@example.test", TEST_PASSWORD)
    calls = tablet.get_by_role("region", name="Check-ins that need a call")
    calls.wait_for()
    assert calls.get_by_text("Urgent today").is_visible()
    assert calls.get_by_role("link", name="Call now: 07700 900123").get_attribute("href") == "tel:07700900123"
    first_card = tablet.locator("main section.card").first
    assert "Check-ins that need a call" in first_card.inner_text()
    assert overflow(tablet) <= 0
    screenshot(tablet, "check-in-therapist-home")
    calls.get_by_role("button", name="Handled").click()
    tablet.get_by_text("Marked as handled.").wait_for()
    assert tablet.get_by_role("region", name="Check-ins that need a call").count() == 0
