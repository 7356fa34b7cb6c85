"""Journey: a client opens the aftercare link from their e-mail on a phone, reads the sheet, gets the PDF."""

from datetime import UTC, datetime

import pytest

from clinic.aftercare.wording import RED_FLAGS
from clinic.extensions import db
from clinic.models import User, Visit
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import screenshot
from tests.test_aftercare_views import NOW, book, make_client, make_visit, set_clinic

PHONE = (390, 844)
TABLET_LANDSCAPE = (1024, 768)


@pytest.fixture
def sheet_url(live_app, clock):
    """The link the e-mail after signing carries: a signed visit with points and a booked follow-up."""
    from clinic.aftercare import links
    from clinic.auth import services as accounts
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
        live_app,
        clinic_id,
        phone="+44 23 9200 0140",
        address="14 Harbour Street\nPortsmouth PO1 2AB",
        email="hello@harbour.example",
    )
    client_id = make_client(live_app, clinic_id, therapist_id)
    visit_id = make_visit(live_app, client_id, therapist_id)
    book(live_app, clinic_id, client_id, therapist_id, datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    with live_app.app_context():
        visit = db.session.get(Visit, visit_id)
        visits.sign(visit, db.session.get(User, therapist_id))
        _, token = links.create_link(visit)
        db.session.commit()
        return public_url("aftercare_public.sheet", token=token)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_client_reads_the_sheet_on_a_phone(sheet_url, base_url, context_factory, axe_source):
    assert sheet_url.startswith(base_url + "/a/")
    # bypass_csp only so the test can inject axe: the app's CSP rightly refuses the injected script
    phone = context_factory(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()
    response = phone.goto(sheet_url)
    assert response.status == 200 and response.headers["x-robots-tag"] == "noindex"
    phone.get_by_role("heading", level=1, name="Your aftercare").wait_for()
    for heading in ("What we did today", "When to call", "Your next appointments", "How to reach us"):
        assert phone.get_by_role("heading", level=2, name=heading).is_visible(), heading
    assert phone.get_by_text(RED_FLAGS[0][1]).is_visible()
    assert phone.get_by_text("Tuesday 1 December 2026, 10:30").is_visible()
    assert (
        phone.get_by_role("link", name="+44 23 9200 0140").first.get_attribute("href") == "tel:+442392000140"
    )
    assert overflow(phone) <= 0, f"{overflow(phone)}px of sideways scroll at 390 px"
    screenshot(phone, "aftercare-client-phone")

    phone.add_script_tag(content=axe_source)
    result = phone.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)

    pdf = phone.get_by_role("link", name="Download the PDF for printing")
    download = phone.request.get(base_url + pdf.get_attribute("href"))
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF-")


def test_the_sheet_reads_well_on_a_tablet_and_a_dead_link_is_calm(sheet_url, context_factory):
    page = context_factory(viewport=TABLET_LANDSCAPE).new_page()
    page.goto(sheet_url)
    page.get_by_role("heading", level=1, name="Your aftercare").wait_for()
    assert overflow(page) <= 0
    # one readable column, not stretched across the screen
    width = page.evaluate("document.querySelector('article.sheet').getBoundingClientRect().width")
    assert 500 < width <= 720, width
    screenshot(page, "aftercare-client-tablet")

    response = page.goto(sheet_url.rsplit("/", 1)[0] + "/" + "x" * 43)  # right shape, no such link
    assert response.status == 404
    page.get_by_role("heading", name="This link has expired or is not valid").wait_for()
    assert "Zoë" not in page.content() and "Harbour" not in page.content()
