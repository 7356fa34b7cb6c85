"""Accessibility (axe-core) and layout (no sideways scrolling on a tablet or a laptop) of the main pages."""

import pytest

from tests.e2e.conftest import login, screenshot

VIEWPORTS = {"tablet": (768, 1024), "laptop": (1366, 768)}


def main_pages(live_app):
    """(name, path, who) for the pages a therapist, front desk and owner use most."""
    from sqlalchemy import select

    from clinic.extensions import db
    from clinic.models import Client, Visit

    with live_app.app_context():
        visit = db.session.scalars(
            select(Visit).where(Visit.signed_at.is_not(None)).order_by(Visit.id)
        ).first()
        draft = db.session.scalars(select(Visit).where(Visit.signed_at.is_(None))).first()
        client_id = visit.client_id
        intake_client = db.session.scalar(select(Client.id).order_by(Client.id.desc()))
        draft_ids = (draft.id, draft.therapist.email) if draft else None
    pages = [
        ("login", "/login", None),
        ("clients", "/clients", "maya@demo.knotwork.test"),
        ("client", f"/clients/{client_id}", "maya@demo.knotwork.test"),
        ("intake", f"/clients/{intake_client}/health/edit", "maya@demo.knotwork.test"),
        ("note", f"/visits/{visit.id}", "maya@demo.knotwork.test"),
        ("calendar", "/calendar", "desk@demo.knotwork.test"),
        ("week", "/calendar?view=week", "desk@demo.knotwork.test"),
        ("audit", "/admin/audit", "owner@demo.knotwork.test"),
        ("exports", "/exports/", "owner@demo.knotwork.test"),
    ]
    if draft_ids:
        pages.append(("note-edit", f"/visits/{draft_ids[0]}/edit", draft_ids[1]))
    return pages


def each_page(live_app, base_url, password, context_factory, **context_options):
    """Yield (name, page) for every main page, logged in as the right person (one context each)."""
    contexts = {}
    for name, path, who in main_pages(live_app):
        if who not in contexts:
            contexts[who] = context_factory(**context_options)
            if who:
                login(contexts[who].new_page(), base_url, who, password)
        page = contexts[who].new_page()
        page.goto(base_url + path)
        yield name, page
        page.close()


def test_no_serious_accessibility_violations(live_app, base_url, demo, context_factory, axe_source):
    failures = []
    # bypass_csp only for this run: the app's CSP rightly refuses the injected axe script
    for name, page in each_page(live_app, base_url, demo, context_factory, bypass_csp=True):
        page.add_script_tag(content=axe_source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                failures.append(
                    f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_pages_fit_without_sideways_scrolling(live_app, base_url, demo, context_factory, viewport):
    width, height = VIEWPORTS[viewport]
    too_wide = []
    for name, page in each_page(live_app, base_url, demo, context_factory, viewport=(width, height)):
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            too_wide.append(f"{name} is {overflow}px too wide at {width}x{height}")
        screenshot(page, f"{name}-{viewport}")
    assert not too_wide, "\n".join(too_wide)


CLIPPED_TABLES = """() => [...document.querySelectorAll('.table-wrap, .points-wrap')]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => `${box.querySelector('table')?.className} by ${box.scrollWidth - box.clientWidth}px`)"""
TABLET_WIDTHS = {"portrait": (768, 1024), "landscape": (1024, 768)}
ROLES = {
    "therapist": "maya@demo.knotwork.test",
    "frontdesk": "desk@demo.knotwork.test",
    "owner": "owner@demo.knotwork.test",
}


def role_pages(live_app, role):
    """The pages a role works in: its navigation, and the records it opens from there."""
    from sqlalchemy import select

    from clinic.extensions import db
    from clinic.models import Client, User, Visit

    with live_app.app_context():
        signed = db.session.scalars(
            select(Visit).where(Visit.signed_at.is_not(None)).order_by(Visit.id)
        ).first()
        maya = db.session.scalar(select(User.id).where(User.email == ROLES["therapist"]))
        draft = db.session.scalar(
            select(Visit.id).where(Visit.signed_at.is_(None), Visit.therapist_id == maya)
        )
        client = signed.client_id
        newest = db.session.scalar(select(Client.id).order_by(Client.id.desc()))
    pages = [f"/clients/{client}", "/calendar?view=week"]
    if role in ("therapist", "owner"):
        pages += [f"/visits/{signed.id}", f"/clients/{newest}/health/edit", f"/clients/{client}/visits/new"]
    if role == "therapist" and draft:
        pages.append(f"/visits/{draft}/edit")
    return pages


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("orientation", sorted(TABLET_WIDTHS))
def test_every_main_page_fits_a_tablet_as_each_role(
    live_app, base_url, demo, context_factory, orientation, role
):
    """Issue 15: at 768 and 1024 px no page scrolls sideways, whoever is logged in."""
    width, height = TABLET_WIDTHS[orientation]
    page = context_factory(viewport=(width, height)).new_page()
    login(page, base_url, ROLES[role], demo)
    nav = page.locator("nav.mainnav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    paths = list(dict.fromkeys(nav + role_pages(live_app, role)))
    assert len(paths) >= 5
    too_wide = []
    for path in paths:
        page.goto(base_url + path)
        assert page.url.startswith(base_url + path.split("?")[0]), path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide.append(f"{path} is {overflow}px too wide at {width}x{height}")
        # nor does a table hide columns in a box that scrolls (the signed note's dose and pain)
        clipped = page.evaluate(CLIPPED_TABLES)
        if clipped:
            too_wide.append(f"{path} at {width}x{height} hides table columns: {clipped}")
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
        screenshot(page, f"tablet-{role}-{orientation}-{name}")
    assert not too_wide, "\n".join(too_wide)
