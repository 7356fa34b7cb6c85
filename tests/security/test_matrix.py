"""The security matrix, enumerated from app.url_map over a seeded two-clinic world.

Every route is requested with real ids of the seeded objects (filled by parameter name, see world.py):
anonymous users go to the login page; another clinic's users get 404 on every object and change
nothing; the front desk gets 403 on every clinical route; a POST without a CSRF token is refused with
nothing written; no GET changes the database; every response carries the security headers.
"""

import pytest
from werkzeug.routing import Map, Rule

from clinic.access import CSRF_EXEMPT_ENDPOINTS, PUBLIC_BLUEPRINTS, PUBLIC_ENDPOINTS

from .conftest import log_in
from .helpers import (
    GENERIC_FORM,
    JSON_BODY,
    cross_clinic_references,
    header_problems,
    location,
    page_text,
    shows_clinic_a,
)
from .world import (
    RAW_MARKER,
    XSS_FIELDS,
    changed_tables,
    content_checksum,
    fill_url,
    is_object_route,
    param_value,
    routes,
)

# Routes the front desk may use, each with why. Every other route must refuse the front desk (403).
FRONTDESK_ALLOWED = {
    "home.index": "the home page (the desk's own panels)",
    "auth.login": "logging in",
    "auth.logout": "logging out",
    "auth.forgot_password": "asking for a password reset link (public)",
    "auth.second_step": "the code after the password (public, for the half-signed-in session)",
    "auth.two_step": "their own second factor",
    "auth.sessions": "their own signed-in browsers",
    "auth.reset_password": "setting a new password from the link (public)",
    "auth.change_password": "their own password",
    "clients.index": "the client list: names and contact details",
    "clients.new": "registering a client's contact details",
    "clients.detail": "the client page: contact details; clinical panels are hidden by role",
    "clients.edit": "contact and administrative details only (no health data on this form)",
    "clients.archive": "archiving keeps every record",
    "clients.unarchive": "restoring an archived client",
    "intake.create_link": "sending the self-intake link shows no health data",
    "intake.revoke_link": "cancelling a link the desk sent",
    "schedule.day": "the calendar",
    "schedule.week": "the calendar",
    "schedule.recall": "the recall list (phase hidden from the desk)",
    "schedule.new": "booking",
    "schedule.appointment": "an appointment: times, service, desk notes",
    "schedule.reschedule": "moving an appointment",
    "schedule.cancel": "cancelling an appointment",
    "schedule.undo_cancel": "taking back a cancel of the last few minutes",
    "schedule.set_status": "arrived / completed / no-show",
    "reference.reference": "the clinical reference: the rules the app applies, no client data",
    "reference.page": "the research behind the reference, no client data",
    "booking.approve": "approving a new client's online booking (a time and a name, no health data)",
    "booking.decline": "declining a new client's online booking",
    "schedule_api.list_appointments": "the calendar's JSON (no clinical data)",
    "schedule_api.create_appointment": "booking from the calendar",
    "feeds.appointment": "one appointment as .ics (no clinical data)",
    "aftercare.visit_pdf": "the aftercare sheet holds only what the client should know",
    "aftercare.today_pdf": "today's sheets, which the desk hands out: the same content as one sheet",
    "health": "public health check",
    "static": "public assets",
    "feeds.subscribe": "public, token-guarded calendar feed",
    "selfintake.form": "public, token-guarded self-intake form",
    "selfintake.sent": "public thank-you page",
    "messages_public.unsubscribe": "public, signed-token unsubscribe link of a client's e-mail",
    "messages.save_choices": "recording what a client agreed to receive, as they say it at the desk",
    "messages.email_intake_link": "sending the questionnaire link shows no health data",
    "messages.send_recall": "sending the recall note (the desk works the recall list)",
    "aftercare_public.sheet": "public, token-guarded aftercare sheet: only what the printed sheet shows",
    "aftercare_public.sheet_pdf": "public, token-guarded client aftercare PDF: the printed sheet itself",
    "checkin_public.form": "public, token-guarded check-in: the client's own visit date and treated regions",
    "checkin_public.answer": "public, token-guarded check-in answers, taken once",
    "booking_public.page": "public booking page of a clinic that turned it on: services and free times",
    "booking_public.ask": "public booking request: books nothing, the same answer for every address",
    "booking_public.confirm": "public, token-guarded summary of the client's own request",
    "booking_public.book": "public, token-guarded confirmation of the client's own request",
    "booking.settings": "the owner's online booking settings",
    **{
        f"portal.{name}": "the client portal: its own session, the signed-in client's own records only "
        "(a staff login opens nothing there; tests/security/test_portal_matrix.py)"
        for name in (
            "ask",
            "open_link",
            "sign_out",
            "signed_out",
            "home",
            "cancel",
            "move",
            "aftercare",
            "aftercare_pdf",
            "questionnaire",
            "messages",
        )
    },
}


def is_public(rule) -> bool:
    return rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.rpartition(".")[0] in PUBLIC_BLUEPRINTS


def send(web, method: str, url: str, **extra):
    if method == "GET":
        return web.get(url, **extra)
    if url.startswith("/api/"):
        return web.open(url, method=method, json=JSON_BODY, **extra)
    return web.open(url, method=method, data=GENERIC_FORM, **extra)


def test_every_route_parameter_is_in_the_seed_map(world_app):
    app, world = world_app
    filled = 0
    for rule, _method in routes(app):
        for side in (world.a, world.b):
            fill_url(rule, side)
        filled += 1
    assert filled >= 70


def test_an_unknown_route_parameter_fails_with_a_hint(world_app):
    _, world = world_app
    rule = Rule("/gadgets/<int:gadget_id>", endpoint="gadgets.detail")
    Map([rule])
    with pytest.raises(pytest.fail.Exception, match=r"<gadget_id>.*SEED_PARAMS"):
        param_value(rule.endpoint, "gadget_id", world.a)


def test_anonymous_users_are_sent_to_login_everywhere(world_app):
    app, world = world_app
    web = app.test_client()
    before = content_checksum(app)
    checked, problems = 0, []
    for rule, method in routes(app):
        if is_public(rule):
            continue
        url = fill_url(rule, world.a)
        response = send(web, method, url)
        checked += 1
        if url.startswith("/api/"):
            ok = response.status_code == 401
        else:
            ok = response.status_code == 302 and location(response).startswith("/login")
        if not ok:
            problems.append((method, url, response.status_code, location(response)))
        problems += [(method, url, p) for p in header_problems(response)]
        body = page_text(response)
        assert RAW_MARKER not in body and not shows_clinic_a(body), (method, url)
    assert not problems, problems
    assert changed_tables(before, content_checksum(app)) == []
    assert checked >= 60


def test_another_clinics_users_get_404_on_every_object_and_change_nothing(world_app):
    app, world = world_app
    checked, problems = 0, []
    for role in ("owner", "therapist", "frontdesk"):
        web = log_in(app.test_client(), world.b.emails[role])
        before = content_checksum(app)  # logging in sets last_login_at
        for rule, method in routes(app):
            if is_public(rule) or not is_object_route(rule) or rule.endpoint == "auth.logout":
                continue
            url = fill_url(rule, world.a)
            response = send(web, method, url)
            checked += 1
            allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
            expected = {404} if allowed is None or role in allowed else {403, 404}
            if response.status_code not in expected:
                problems.append((role, method, url, response.status_code))
            body = page_text(response)
            if shows_clinic_a(body):
                problems.append((role, method, url, "shows clinic A's data"))
            problems += [(role, method, url, p) for p in header_problems(response)]
            after = content_checksum(app)
            if after != before:
                problems.append((role, method, url, "changed", changed_tables(before, after)))
                before = after
    assert not problems, problems
    assert cross_clinic_references(app) == []
    assert checked >= 3 * 40


def test_ids_of_another_clinic_in_query_strings_and_bodies_reveal_and_link_nothing(world_app):
    """Every route, as clinic B's owner, with clinic A's ids in every parameter a form or API reads."""
    app, world = world_app
    a = world.a
    foreign = {
        "client": a.client,
        "client_id": a.client,
        "therapist": a.therapist,
        "therapist_id": a.therapist,
        "service": a.service,
        "service_id": a.service,
        "appointment_id": a.appointment,
        "user": a.owner,
        "visit_id": a.signed_visit,
        "link_id": a.link_submitted,
    }
    web = log_in(app.test_client(), world.b.emails["owner"])
    problems = []
    for rule, method in routes(app):
        if is_public(rule) or rule.endpoint == "auth.logout":
            continue
        url = fill_url(rule, world.b, query=False)
        if method == "GET":
            response = web.get(url, query_string=foreign)
        elif url.startswith("/api/"):
            response = web.open(
                url,
                method=method,
                json={**JSON_BODY, **{k: v for k, v in foreign.items() if k.endswith("_id")}},
            )
        else:
            response = web.open(url, method=method, data={**GENERIC_FORM, **foreign})
        if shows_clinic_a(page_text(response)):
            problems.append((method, url, "shows clinic A's data"))
        if response.status_code >= 500:
            problems.append((method, url, response.status_code))
    assert not problems, problems
    assert cross_clinic_references(app) == []
    assert web.get("/").status_code == 200, "the session ended half-way: the loop proved nothing after that"


def test_the_front_desk_list_names_existing_routes_only(world_app):
    app, _ = world_app
    assert set(FRONTDESK_ALLOWED) <= set(app.view_functions), set(FRONTDESK_ALLOWED) - set(app.view_functions)


def test_front_desk_gets_403_on_every_clinical_route_and_nothing_changes(world_app):
    app, world = world_app
    web = log_in(app.test_client(), world.a.emails["frontdesk"])
    before = content_checksum(app)
    refused, problems = 0, []
    for rule, method in routes(app):
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if allowed is None or "frontdesk" in allowed:
            if rule.endpoint not in FRONTDESK_ALLOWED:
                problems.append(
                    f"{rule.endpoint} ({rule.rule}) is open to the front desk. If it shows or changes "
                    "clinical "
                    "data, decorate it with clinical_roles_required; otherwise add it to FRONTDESK_ALLOWED "
                    "in tests/security/test_matrix.py with a one-line reason."
                )
            continue
        url = fill_url(rule, world.a)
        response = send(web, method, url)
        refused += 1
        if response.status_code != 403:
            problems.append((method, url, response.status_code))
        leaked = clinical_fields_in(page_text(response))
        if leaked:
            problems.append((method, url, "shows clinical data", leaked))
    assert not problems, problems
    assert changed_tables(before, content_checksum(app)) == []
    assert refused >= 30


# Tags of clinic A's clinical free texts: none may reach a front desk page.
CLINICAL_FIELD_PREFIXES = ("health.", "visit.", "point.", "addendum.", "selfintake.", "plan.", "document.")


# The note's home-care advice is written for the client and prints on the aftercare sheet, which the
# desk hands out (issue 15): on the sheet, and nowhere else, the desk may see it.
ON_THE_SHEET = "visit.aftercare_given."
ON_THE_SHEET_ENDPOINTS = ("aftercare.", "aftercare_public.")


def clinical_fields_in(body: str) -> list[str]:
    """Names of clinic A's clinical free-text fields whose tagged text is in `body`."""
    return sorted(
        name for name, tag in XSS_FIELDS.items() if name.startswith(CLINICAL_FIELD_PREFIXES) and tag in body
    )


def test_front_desk_pages_show_no_clinical_text(world_app):
    app, world = world_app
    assert sum(name.startswith(CLINICAL_FIELD_PREFIXES) for name in XSS_FIELDS) >= 20
    web = log_in(app.test_client(), world.a.emails["frontdesk"])
    problems, pages = [], 0
    for rule, _method in routes(app, methods=("GET",)):
        if rule.endpoint not in FRONTDESK_ALLOWED or rule.endpoint == "static":
            continue
        for visit_id in {world.a.signed_visit, world.a.draft_visit}:
            url = fill_url(rule, world.a, visit_id=visit_id)
            response = web.get(url)
            pages += 1
            body = page_text(response)
            if response.mimetype == "application/pdf":
                from .pdf_text import pdf_text

                body = pdf_text(response.data)
            leaked = [
                name
                for name in clinical_fields_in(body)
                if not (rule.endpoint.startswith(ON_THE_SHEET_ENDPOINTS) and name.startswith(ON_THE_SHEET))
            ]
            if leaked:
                problems.append((url, leaked))
    assert not problems, problems
    assert pages >= 15


def test_a_post_without_csrf_token_is_refused_and_writes_nothing(seeded):
    app, world = seeded(WTF_CSRF_ENABLED=True)
    web = log_in(app.test_client(), world.a.emails["owner"])
    other = log_in(app.test_client(), world.a.emails["therapist"])
    anonymous = app.test_client()
    before = content_checksum(app)
    checked, problems = 0, []
    for rule, method in routes(app, methods=("POST", "PUT", "PATCH", "DELETE")):
        if rule.endpoint in CSRF_EXEMPT_ENDPOINTS:
            continue  # tests/messages/test_sms_and_consent.py: the one-click unsubscribe
        url = fill_url(rule, world.a)
        for who, client in (("owner", web), ("anonymous", anonymous)):
            if who == "anonymous" and not is_public(rule) and rule.endpoint != "auth.login":
                continue
            response = send(client, method, url)
            checked += 1
            if response.status_code != 400:
                problems.append((who, method, url, response.status_code))
            problems += [(who, method, url, p) for p in header_problems(response)]
    # a token of another session is refused too
    page = other.get(f"/clients/{world.a.client}").get_data(as_text=True)
    from .helpers import csrf_token

    token = csrf_token(page)
    assert token
    response = web.post(
        f"/visits/{world.a.signed_visit}/addenda", data={"reason": "r", "text": "t", "csrf_token": token}
    )
    if response.status_code != 400:
        problems.append(("foreign token", response.status_code))
    response = web.post("/api/appointments", json=JSON_BODY, headers={"X-CSRFToken": token})
    if response.status_code != 400:
        problems.append(("foreign token, JSON", response.status_code))
    assert not problems, problems
    assert changed_tables(before, content_checksum(app)) == []
    assert checked >= 40


@pytest.mark.parametrize("role", ["owner", "therapist", "frontdesk"])
def test_no_get_changes_the_database(world_app, role):
    app, world = world_app
    web = log_in(app.test_client(), world.a.emails[role])
    anonymous = app.test_client()
    before = content_checksum(app)
    checked, problems = 0, []
    for rule, _method in routes(app, methods=("GET",)):
        for visit_id in {world.a.signed_visit, world.a.draft_visit}:
            url = fill_url(rule, world.a, visit_id=visit_id)
            client = anonymous if is_public(rule) and rule.endpoint != "auth.login" else web
            response = client.get(url)
            checked += 1
            if response.status_code >= 500:
                problems.append((url, response.status_code))
            problems += [(url, p) for p in header_problems(response, cacheable=rule.endpoint == "static")]
            after = content_checksum(app)
            if after != before:
                problems.append((url, "changed", changed_tables(before, after)))
                before = after
            response.close()
    assert not problems, problems
    assert checked >= 40
