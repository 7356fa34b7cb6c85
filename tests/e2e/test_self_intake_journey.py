"""Journey 3: a client fills the self-intake form on a phone; the therapist accepts it."""

from tests.e2e.conftest import login, screenshot


def test_client_self_intake_on_a_phone(base_url, demo, context_factory):
    desk = context_factory().new_page()
    login(desk, base_url, "maya@demo.knotwork.test", demo)
    desk.get_by_role("link", name="Clients", exact=True).click()
    desk.get_by_role("link", name="New client").click()
    desk.get_by_label("First name").fill("Ines")
    desk.get_by_label("Last name").fill("Carvalho")
    desk.get_by_role("button", name="Add client").click()
    desk.get_by_role("heading", name="Ines Carvalho").wait_for()
    desk.get_by_role("button", name="Create a link").click()
    link = desk.locator("#intake-url").input_value()
    assert link.startswith(base_url + "/i/")

    phone = context_factory(viewport=(390, 844), is_mobile=True, has_touch=True).new_page()
    phone.goto(link)
    phone.get_by_role("heading", name="Health questionnaire for Ines").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_label("What brings you in?").fill("Tension headaches and a stiff neck")
    phone.locator("#cond_latex_allergy").check()
    phone.locator("#consent_name").fill("Ines Carvalho")
    screenshot(phone, "self-intake-phone")
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_text("Thank you", exact=False).first.wait_for()

    phone.goto(link)  # the link is dead once used
    assert "Thank you" not in phone.content()
    assert "Carvalho" not in phone.content()

    desk.get_by_role("link", name="Done").click()
    desk.get_by_role("link", name="Review").first.click()
    desk.get_by_role("button", name="Accept as version 1").click()
    desk.get_by_text("Latex allergy", exact=False).first.wait_for()
