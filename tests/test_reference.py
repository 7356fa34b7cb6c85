"""The clinical reference the product carries, in the app: every member of staff reads what the rules
implement and the research behind them; the sections have anchors a message can link."""

import pytest


@pytest.mark.parametrize("role", ["owner", "therapist", "frontdesk"])
def test_staff_read_the_reference_and_its_sources(web, login_as, owner, therapist, frontdesk, role):
    login_as({"owner": owner, "therapist": therapist, "frontdesk": frontdesk}[role])
    page = web.get("/reference")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1" in text and "clinical reference</h1>" in text
    assert '<h3 id="22-default-table">2.2 Default table</h3>' in text
    assert "<td>fever</td>" in text and "<table>" in text
    assert 'href="/reference/sources"' in text  # the sources link points into the app, not to a file
    sources = web.get("/reference/sources")
    assert sources.status_code == 200 and "Travell" in sources.get_data(as_text=True)
    assert web.get("/reference/nothing-here").status_code == 404
    assert "The clinical reference behind it" in web.get("/").get_data(as_text=True)


def test_the_reference_needs_a_login(web):
    assert web.get("/reference").status_code == 302
    assert "reference" not in web.get("/login").get_data(as_text=True).lower().split("<footer")[1]
