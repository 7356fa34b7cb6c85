"""The client portal in the security matrix: every portal route, signed in as a client of the other
clinic and as another client of the same clinic, with clinic A's first client's ids; and anonymous.

A client sees their own records only: someone else's appointment or visit is a 404 (audited as
denied), shows nothing of it and changes nothing. A portal session opens no staff page.
"""

from .conftest import portal_sign_in
from .helpers import header_problems, location, page_text, shows_clinic_a
from .test_matrix import is_public, send
from .world import (
    B_MARKER,
    audit_rows_after,
    changed_tables,
    content_checksum,
    fill_url,
    last_audit_id,
    routes,
)

# the sign-in routes take a clinic's address or a link's token, not a record of a signed-in client
SIGN_IN = {"portal.ask", "portal.open_link", "portal.signed_out", "portal.sign_out"}


def portal_routes(app, methods=("GET", "POST")):
    return [(r, m) for r, m in routes(app, methods) if r.endpoint.startswith("portal.")]


def test_every_portal_route_is_covered(world_app):
    app, _ = world_app
    endpoints = {rule.endpoint for rule, _ in portal_routes(app)}
    assert {
        "portal.home",
        "portal.cancel",
        "portal.move",
        "portal.aftercare",
        "portal.aftercare_pdf",
        "portal.messages",
    } <= endpoints
    assert all(is_public(rule) for rule, _ in portal_routes(app))  # no staff login: the portal's own session


def test_own_records_open_for_the_signed_in_client(world_app):
    """The control: the same URLs work for their owner, so the 404s below are not vacuous."""
    app, world = world_app
    web = portal_sign_in(app, world.a.client)
    for rule, _method in portal_routes(app, ("GET",)):
        if rule.endpoint in SIGN_IN:
            continue
        response = web.get(fill_url(rule, world.a))
        assert response.status_code == 200, (rule.rule, response.status_code)
        assert not header_problems(response), (rule.rule, header_problems(response))


def test_another_client_gets_404_on_every_record_and_changes_nothing(world_app):
    app, world = world_app
    problems, checked = [], 0
    for who, client_id in (
        ("clinic B's client", world.b.client),
        ("clinic A's other client", world.a.client2),
    ):
        web = portal_sign_in(app, client_id)
        before = content_checksum(
            app, exclude=("audit_event", "login_attempt", "user_session", "portal_session")
        )
        for rule, method in portal_routes(app):
            if rule.endpoint in SIGN_IN or not rule.arguments:
                continue
            url = fill_url(rule, world.a)
            mark = last_audit_id(app)
            response = send(web, method, url)
            checked += 1
            if response.status_code != 404:
                problems.append((who, method, url, response.status_code))
            if shows_clinic_a(page_text(response)):
                problems.append((who, method, url, "shows clinic A's data"))
            rows = audit_rows_after(app, mark)
            if [r["outcome"] for r in rows] != ["denied"]:
                problems.append((who, method, url, "audit", rows))
        after = content_checksum(
            app, exclude=("audit_event", "login_attempt", "user_session", "portal_session")
        )
        if after != before:
            problems.append((who, "changed", changed_tables(before, after)))
        # and their own portal home still works: the loop did not just run signed out
        assert web.get("/p/").status_code == 200
    assert not problems, problems
    assert checked >= 2 * 3


def test_the_home_page_lists_only_the_clients_own_records(world_app):
    app, world = world_app
    page = portal_sign_in(app, world.b.client).get("/p/").get_data(as_text=True)
    assert B_MARKER in page and not shows_clinic_a(page)
    assert f"/p/visits/{world.b.signed_visit}/aftercare" in page
    assert f"/p/visits/{world.a.signed_visit}/aftercare" not in page
    other = portal_sign_in(app, world.a.client2).get("/p/").get_data(as_text=True)
    assert f"/p/visits/{world.a.signed_visit}/aftercare" not in other
    assert f"/p/appointments/{world.a.appointment}/cancel" not in other


def test_anonymous_and_staff_sessions_open_no_portal_page(world_app):
    from .conftest import log_in

    app, world = world_app
    for web in (app.test_client(), log_in(app.test_client(), world.a.emails["owner"])):
        for rule, method in portal_routes(app):
            if rule.endpoint in SIGN_IN:
                continue
            response = send(web, method, fill_url(rule, world.a))
            assert response.status_code == 302 and location(response) == "/p/signed-out", rule.rule
            assert not shows_clinic_a(page_text(response))


def test_a_portal_session_opens_no_staff_page(world_app):
    app, world = world_app
    web = portal_sign_in(app, world.a.client)
    problems = []
    for rule, _method in routes(app, ("GET",)):
        if is_public(rule):
            continue
        url = fill_url(rule, world.a)
        response = web.get(url)
        ok = (
            response.status_code == 401
            if url.startswith("/api/")
            else location(response).startswith("/login")
        )
        if not ok:
            problems.append((url, response.status_code))
    assert not problems, problems
