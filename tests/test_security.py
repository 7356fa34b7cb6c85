"""Access control, CSRF, headers, redirects: enumerated from the app's routes where possible."""

import re

import pytest
from sqlalchemy import select

from clinic.access import CSRF_EXEMPT_ENDPOINTS, PUBLIC_BLUEPRINTS, PUBLIC_ENDPOINTS
from clinic.extensions import db
from clinic.models import User
from tests.conftest import login, table_counts


def route_samples(app):
    """(endpoint, method, url) for every route, with each <int:...> filled with 1."""
    samples = []
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            samples.append((rule.endpoint, method, url))
    return samples


def is_public(app, endpoint):
    blueprint = endpoint.rpartition(".")[0]
    return endpoint in PUBLIC_ENDPOINTS or blueprint in PUBLIC_BLUEPRINTS


def test_every_non_public_route_sends_anonymous_users_to_login(app):
    web = app.test_client()
    checked = 0
    for endpoint, method, url in route_samples(app):
        if is_public(app, endpoint):
            continue
        response = web.open(url, method=method)
        checked += 1
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login"), (method, url)
    assert checked >= 8


def test_public_list_is_short_and_explicit():
    assert PUBLIC_ENDPOINTS == {
        "auth.login",
        "auth.second_step",
        "auth.forgot_password",
        "auth.reset_password",
        "static",
        "health",
        "feeds.subscribe",
    }
    assert PUBLIC_BLUEPRINTS == {
        "selfintake",
        "aftercare_public",
        "messages_public",
        "checkin_public",
        "booking_public",
        "portal",  # its pages check the portal's own session (tests/security/test_portal_matrix.py)
    }


def test_role_decorators_refuse_other_roles(app, factory, clinic_id, owner, therapist, frontdesk):
    """Every view with a role list answers 403 to each role outside it."""
    users = {"owner": owner, "therapist": therapist, "frontdesk": frontdesk}
    checked = 0
    for endpoint, method, url in route_samples(app):
        allowed = getattr(app.view_functions[endpoint], "allowed_roles", None)
        if allowed is None:
            continue
        for role, user_id in users.items():
            if role in allowed:
                continue
            web = app.test_client()
            login(web, factory.email_of(user_id))
            response = web.open(url, method=method)
            assert response.status_code == 403, (role, method, url, response.status_code)
            checked += 1
    assert checked >= 10


def test_another_clinics_user_is_404_and_unchanged(app, web, factory, login_as, owner):
    other_clinic = factory.clinic("Elsewhere Clinic")
    stranger = factory.user(other_clinic, "therapist", "stranger@example.test")
    login_as(owner)
    for action in ("deactivate", "activate", "role"):
        response = web.post(f"/admin/users/{stranger}/{action}", data={"role": "owner"})
        assert response.status_code == 404, action
    with app.app_context():
        user = db.session.get(User, stranger)
        assert user.active and user.role == "therapist"
    assert "stranger@example.test" not in web.get("/admin/users").get_data(as_text=True)


def test_extra_form_fields_are_ignored(app, web, login_as, owner, factory):
    other_clinic = factory.clinic("Elsewhere Clinic")
    login_as(owner)
    response = web.post(
        "/admin/users/new",
        data={
            "name": "New Person",
            "email": "new@example.test",
            "role": "therapist",
            "password": "plenty-long-passphrase",
            "clinic_id": other_clinic,
            "active": "0",
            "session_version": 99,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@example.test"))
        assert user.clinic.name == "Harbour Test Clinic" and user.active and user.session_version == 1


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_refuses_open_redirects(web, therapist, target):
    response = web.post(
        f"/login?next={target}", data={"email": "theo@example.test", "password": "lantern-orchard-velvet"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(web, therapist, owner):
    response = web.post(
        "/login?next=/account/password",
        data={"email": "theo@example.test", "password": "lantern-orchard-velvet"},
    )
    assert response.headers["Location"] == "/account/password"


def test_the_csrf_exemptions_are_the_listed_ones(app):
    from clinic.extensions import csrf

    exempt = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
    }
    assert exempt == CSRF_EXEMPT_ENDPOINTS == {"messages_public.unsubscribe"}


def test_csrf_is_required_on_every_post_route(make_app, factory, owner):
    app = make_app(WTF_CSRF_ENABLED=True)
    web = app.test_client()
    before = table_counts(app)
    checked = 0
    for endpoint, method, url in route_samples(app):
        if method not in ("POST", "PUT", "PATCH", "DELETE") or endpoint in CSRF_EXEMPT_ENDPOINTS:
            continue
        response = web.open(url, method=method, data={"email": "owner@example.test", "password": "x" * 20})
        assert response.status_code == 400, (method, url, response.status_code)
        checked += 1
    assert checked >= 5
    assert table_counts(app) == before


def test_csrf_token_from_the_page_works(make_app, owner):
    app = make_app(WTF_CSRF_ENABLED=True)
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = web.post(
        "/login",
        data={"email": "owner@example.test", "password": "lantern-orchard-velvet", "csrf_token": token},
    )
    assert response.status_code == 302


def test_token_of_another_session_is_refused(make_app, owner):
    app = make_app(WTF_CSRF_ENABLED=True)
    one, two = app.test_client(), app.test_client()
    page = one.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    two.get("/login")
    response = two.post(
        "/login",
        data={"email": "owner@example.test", "password": "lantern-orchard-velvet", "csrf_token": token},
    )
    assert response.status_code == 400


EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def assert_security_headers(response, cacheable=False):
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    for part in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert part in csp
    assert "unsafe-inline" not in csp
    if not cacheable:
        assert response.headers["Cache-Control"] == "no-store"


def test_headers_on_every_kind_of_response(app, web, login_as, therapist):
    @app.get("/explode-for-headers")
    def explode():
        raise RuntimeError("boom")

    assert_security_headers(web.get("/login"))
    assert_security_headers(web.get("/"))  # 302
    assert_security_headers(web.get("/missing"))  # 404
    login_as(therapist)
    assert_security_headers(web.get("/"))
    assert_security_headers(web.get("/explode-for-headers"))  # 500
    static = web.get("/static/css/app.css")
    assert static.status_code == 200
    assert_security_headers(static, cacheable=True)
    static.close()


def test_get_routes_do_not_change_data(app, web, login_as, owner, therapist, frontdesk):
    login_as(owner)
    before = table_counts(app)
    for endpoint, method, url in route_samples(app):
        if method == "GET" and endpoint != "static":
            web.get(url).close()
    assert table_counts(app) == before


def test_templates_never_switch_off_escaping():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in list((root / "templates").rglob("*")) + list((root / "clinic").rglob("*.py")):
        if path.is_file() and path.suffix in (".html", ".py", ".txt", ".j2"):
            text = path.read_text()
            assert "|safe" not in text and "autoescape false" not in text, path
            assert "render_template_string" not in text or path.name == "test_security.py", path
    for path in (root / "templates").rglob("*"):
        if path.is_file():
            assert path.suffix in (".html", ".svg"), f"{path} would not be autoescaped"
