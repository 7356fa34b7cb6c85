"""Journey 4: the owner adds a therapist, deactivates them (their open session ends), reads the audit log."""

from tests.e2e.conftest import login, screenshot


def test_owner_adds_and_deactivates_a_therapist(base_url, demo, context_factory):
    owner = context_factory().new_page()
    login(owner, base_url, "owner@demo.knotwork.test", demo)
    owner.get_by_role("link", name="Staff", exact=True).click()
    owner.get_by_role("link", name="Add a staff member").click()
    owner.get_by_label("Full name").fill("Nina Halvorsen")
    owner.get_by_label("Email").fill("nina@demo.knotwork.test")
    owner.get_by_label("Role").select_option("therapist")
    owner.get_by_label("First password").fill("fjord-lantern-pebble")
    owner.get_by_role("button", name="Create account").click()
    owner.get_by_text("Account created.").wait_for()
    assert owner.get_by_role("cell", name="nina@demo.knotwork.test").is_visible()

    nina = context_factory().new_page()
    login(nina, base_url, "nina@demo.knotwork.test", "fjord-lantern-pebble")
    assert nina.get_by_role("heading", name="Good").is_visible() or "Good" in nina.content()

    owner.once("dialog", lambda dialog: dialog.accept())
    owner.get_by_role("button", name="Deactivate Nina Halvorsen").click()
    owner.get_by_text("Account deactivated").wait_for()

    nina.reload()
    assert "/login" in nina.url  # her open session ended at once

    owner.get_by_role("link", name="Audit log", exact=True).click()
    log = owner.locator("table.audit")
    assert log.get_by_text("user.deactivate").count() == 1
    assert log.get_by_text("user.create").count() == 1
    screenshot(owner, "audit-log")
