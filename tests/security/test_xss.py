"""Stored and reflected XSS, template injection, the PDF, open redirects and mass assignment.

Clinic A's every free-text field holds `<x-xss id="XQnn">{{7*7}}</x-xss>` (world.py), tagged per field.
Every page of every role must show it escaped (never the raw tag, never 49), the aftercare PDF must
print it literally, and every field must show up escaped on at least one page (so none is skipped).
"""

import re
from datetime import date

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Addendum, Appointment, Client, HealthRecord, Service, Visit

from .conftest import log_in
from .helpers import GENERIC_FORM, form_for, location, page_text
from .pdf_text import pdf_text
from .world import B_MARKER, RAW_MARKER, TEMPLATE_MARKER, XSS_FIELDS, fill_url, routes, xss, xss_tag

# Fields kept but shown on no page by design, each with why.
NOT_SHOWN = {
    "user.name.therapist2": "the second therapist has no appointment or visit in the seeded world",
}
# Every query parameter the app reads, found in its source, plus a few it might read one day.
QUERY_PARAMS = (
    "q",
    "next",
    "date",
    "day",
    "action",
    "therapist",
    "service",
    "client",
    "page",
    "before",
    "archived",
    "user",
    "time",
    "start",
    "end",
    "status",
)
EVALUATED = re.compile(r"XQ\d\d(?:&#34;|\\\\?\"|\")(?:&gt;|>|\\u003e)49")


def html_problems(url: str, response) -> list:
    if response.mimetype != "text/html":
        return []
    body = response.get_data(as_text=True)
    problems = []
    if RAW_MARKER in body:
        problems.append((url, "raw markup from data", body[max(body.index(RAW_MARKER) - 80, 0) :][:200]))
    if EVALUATED.search(body):
        problems.append((url, "template expression evaluated"))
    return problems


def tags_in(text: str) -> set[str]:
    return set(re.findall(r"XQ\d\d", text))


def crawl(app, world, roles=("owner", "therapist", "frontdesk")):
    """Every GET page of clinic A as each role, for the signed and the draft visit: (url, response)."""
    for role in roles:
        web = log_in(app.test_client(), world.a.emails[role])
        for rule, _ in routes(app, methods=("GET",)):
            if rule.endpoint == "static":
                continue
            for visit_id in (world.a.signed_visit, world.a.draft_visit):
                url = fill_url(rule, world.a, visit_id=visit_id)
                yield role, url, web.get(url)
        yield role, "/clients?q=xq", web.get("/clients", query_string={"q": "x-xss"})


def test_stored_payloads_come_back_escaped_on_every_page(world_app):
    app, world = world_app
    problems, seen, pages = [], set(), 0
    for role, url, response in crawl(app, world):
        pages += 1
        problems += html_problems(url, response)
        if B_MARKER in page_text(response):
            problems.append((role, url, "shows clinic B's data"))
        if response.mimetype == "text/html":
            seen |= tags_in(response.get_data(as_text=True))
        response.close()
    assert not problems, problems
    missing = sorted(name for name, tag in world.fields.items() if tag not in seen and name not in NOT_SHOWN)
    assert not missing, f"fields never shown on any page (add a page, or list them in NOT_SHOWN): {missing}"
    assert pages >= 100


def test_the_audit_log_escapes_a_hostile_user_agent(world_app):
    app, world = world_app
    web = log_in(app.test_client(), world.a.emails["owner"])
    web.get(f"/clients/{world.a.client}", headers={"User-Agent": xss("request.user_agent")})
    response = web.get("/admin/audit")
    assert response.status_code == 200
    assert html_problems("/admin/audit", response) == []


def test_reflected_query_parameters_are_escaped_on_every_page(world_app):
    app, world = world_app
    payload = xss("query")
    problems = []
    for role in ("owner", "frontdesk"):
        web = log_in(app.test_client(), world.a.emails[role])
        for rule, _ in routes(app, methods=("GET",)):
            if rule.endpoint == "static":
                continue
            url = fill_url(rule, world.a, query=False)
            response = web.get(url, query_string={name: payload for name in QUERY_PARAMS})
            problems += html_problems(url, response)
            if response.status_code >= 500:
                problems.append((url, response.status_code))
            if RAW_MARKER in location(response):
                problems.append((url, "payload in a redirect", location(response)))
            response.close()
    assert not problems, problems


def test_posted_payloads_are_escaped_when_a_form_comes_back(world_app):
    """Every POST route with every field of its page's form (and the usual names) set to a payload."""
    app, world = world_app
    payload = xss("posted")
    web = log_in(app.test_client(), world.a.emails["therapist"])
    owner = log_in(app.test_client(), world.a.emails["owner"])
    problems, checked = [], 0
    for rule, _method in routes(app, methods=("POST",)):
        # account changes act on the second therapist, so the two sessions used here stay alive
        url = fill_url(rule, world.a, query=False, visit_id=world.a.draft_visit, user_id=world.a.therapist2)
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        client = web if allowed is None or "therapist" in allowed else owner
        if rule.endpoint in ("auth.logout", "auth.change_password"):
            client = log_in(app.test_client(), world.a.emails["frontdesk"])
        if url.startswith("/api/"):
            response = client.post(url, json={"notes": payload, "start": payload, "plan": payload})
            if response.mimetype == "text/html":
                problems.append((url, "JSON route answered HTML"))
            continue
        page = client.get(url).get_data(as_text=True) if "GET" in rule.methods else ""
        fields = form_for(page, url) or {}
        data = {
            **GENERIC_FORM,
            **{name: payload for name in fields if name != "csrf_token"},
            **{name: payload for name in GENERIC_FORM},
        }
        response = client.post(url, data=data)
        checked += 1
        problems += html_problems(url, response)
        if response.status_code >= 500:
            problems.append((url, response.status_code))
    assert not problems, problems
    assert checked >= 30
    assert web.get("/").status_code == 200 and owner.get("/admin/users").status_code == 200, "a session ended"


def test_the_aftercare_pdf_prints_payloads_literally(world_app):
    app, world = world_app
    therapist = log_in(app.test_client(), world.a.emails["therapist"])
    owner = log_in(app.test_client(), world.a.emails["owner"])
    sheets = {
        "signed visit": therapist.get(f"/visits/{world.a.signed_visit}/aftercare.pdf"),
        "draft visit": therapist.get(f"/visits/{world.a.draft_visit}/aftercare.pdf"),
        "today": therapist.get("/aftercare/today.pdf"),
        "sample": owner.get("/settings/aftercare/sample.pdf"),
    }
    expected = {
        "clinic.name",
        "clinic.address",
        "client.first_name",
        "user.name.therapist",
        "wording.closing",
    }
    problems = []
    for label, response in sheets.items():
        assert response.status_code == 200, (label, response.status_code)
        assert response.mimetype == "application/pdf"
        assert "filename=" in response.headers["Content-Disposition"]
        assert "x-xss" not in response.headers["Content-Disposition"]
        text = pdf_text(response.data)
        fields = expected - {"client.first_name", "user.name.therapist"} if label == "sample" else expected
        for name in sorted(fields):
            literal = xss(name)
            if literal not in text:
                problems.append((label, name, "not printed literally"))
        if "49" in text.replace("2049", "") and EVALUATED.search(text):
            problems.append((label, "template expression evaluated"))
    assert not problems, problems


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/%09/evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        " //evil.example",
    ],
)
def test_next_parameters_never_leave_the_site(world_app, target):
    app, world = world_app
    web = app.test_client()
    response = web.post(
        f"/login?next={target}",
        data={"email": world.a.emails["frontdesk"], "password": "lantern-orchard-velvet"},
    )
    assert response.status_code == 302
    assert _on_site(location(response)), location(response)
    # the status buttons of the calendar carry a `next` back to the page they were pressed on
    response = web.post(
        f"/appointments/{world.a.appointment}/status", data={"status": "arrived", "next": target}
    )
    assert response.status_code in (302, 303), response.status_code
    assert _on_site(location(response)), location(response)


def _on_site(url: str) -> bool:
    """What a browser would do with the Location: stay on this host (browsers drop tabs and newlines)."""
    from urllib.parse import urlsplit

    cleaned = re.sub(r"[\t\n\r]", "", url).strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    return not parts.scheme and not parts.netloc and not cleaned.startswith("//")


def _one(app, model, **where):
    with app.app_context():
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        row = db.session.scalars(query).one()
        db.session.expunge(row)
        db.session.remove()
        return row


FOREIGN = {
    "clinic_id": 2,
    "author_id": 5,
    "created_by_id": 5,
    "signed_at": "2020-01-01T00:00:00",
    "signed_by_id": 5,
    "content_hash": "0" * 64,
    "therapist_id": 5,
    "client_id": 3,
    "status": "completed",
    "number": 99,
    "source": "self_intake",
    "id": 999,
    "archived_at": "2020-01-01",
    "user_id": 5,
}


def test_extra_form_fields_are_ignored(world_app):
    """clinic_id, author, signed_at and friends in a posted form change nothing they name."""
    app, world = world_app
    a, b = world.a, world.b
    foreign = {
        **FOREIGN,
        "clinic_id": b.clinic,
        "author_id": b.owner,
        "created_by_id": b.owner,
        "signed_by_id": b.owner,
        "therapist_id": b.therapist,
        "client_id": b.client,
        "user_id": b.owner,
    }
    therapist = log_in(app.test_client(), a.emails["therapist"])
    owner = log_in(app.test_client(), a.emails["owner"])

    response = therapist.post("/clients/new", data={**foreign, "first_name": "Extra", "last_name": "Fields"})
    assert response.status_code == 302
    client = _one(app, Client, last_name="Fields")
    assert client.clinic_id == a.clinic and client.archived_at is None and client.id != 999

    response = therapist.post(
        f"/visits/{a.signed_visit}/addenda", data={**foreign, "reason": "r", "text": "late"}
    )
    assert response.status_code == 302
    with app.app_context():  # the text is sealed at rest: found by its visit, not by its words
        addendum = db.session.scalars(
            select(Addendum).where(Addendum.visit_id == a.signed_visit).order_by(Addendum.id.desc())
        ).first()
        assert addendum.text == "late"
        assert addendum.author_id == a.therapist and addendum.visit_id == a.signed_visit
        db.session.remove()

    page = therapist.get(f"/visits/{a.draft_visit}/edit").get_data(as_text=True)
    data = form_for(page, f"/visits/{a.draft_visit}/edit")
    assert data is not None
    data.pop("sign", None)
    response = therapist.post(
        f"/visits/{a.draft_visit}/edit", data={**data, **foreign, "subjective": "extra"}
    )
    assert response.status_code == 302, response.status_code
    visit = _one(app, Visit, id=a.draft_visit)
    assert visit.subjective == "extra"
    assert (visit.signed_at, visit.signed_by_id, visit.content_hash) == (None, None, None)
    assert (visit.clinic_id, visit.therapist_id, visit.client_id) == (a.clinic, a.therapist, a.client)

    page = therapist.get(f"/clients/{a.client}/health/edit").get_data(as_text=True)
    data = form_for(page, f"/clients/{a.client}/health/edit")
    response = therapist.post(
        f"/clients/{a.client}/health/edit",
        data={**data, **foreign, "goals": "Walk the dog", "anticoagulant": "y"},
    )
    assert response.status_code == 302, response.status_code
    with app.app_context():
        latest = db.session.scalars(
            select(HealthRecord)
            .where(HealthRecord.client_id == a.client)
            .order_by(HealthRecord.number.desc())
        ).first()
        assert (latest.goals, latest.clinic_id, latest.created_by_id) == (
            "Walk the dog",
            a.clinic,
            a.therapist,
        )
        assert latest.source == "edit" and latest.number == a.health_versions + 1 and not latest.anticoagulant
        db.session.remove()

    response = therapist.post(
        "/appointments/new",
        data={
            **foreign,
            "therapist": a.therapist,
            "client": a.client2,
            "service": a.service,
            "date": "2030-06-04",
            "date_ok": "y",  # years ahead on purpose
            "time": "11:00",
            "notes": "extra",
        },
    )
    assert response.status_code == 302, response.status_code
    booked = _one(app, Appointment, notes="extra")
    assert (booked.clinic_id, booked.created_by_id, booked.status) == (a.clinic, a.therapist, "booked")

    response = owner.post(
        "/settings/services", data={**foreign, "name": "Extra service", "duration_minutes": "45"}
    )
    assert response.status_code == 302
    assert _one(app, Service, name="Extra service").clinic_id == a.clinic


def test_date_fields_refuse_the_impossible(world_app):
    """A control for the stored data above: the client form refuses a future birth date (nothing written)."""
    app, world = world_app
    web = log_in(app.test_client(), world.a.emails["frontdesk"])
    response = web.post(
        "/clients/new",
        data={"first_name": "Future", "last_name": "Born", "date_of_birth": date(2999, 1, 1).isoformat()},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Client).where(Client.last_name == "Born")) is None
        db.session.remove()


def test_tags_are_unique_per_field(world_app):
    _, world = world_app
    assert len(set(XSS_FIELDS.values())) == len(XSS_FIELDS)
    assert xss_tag("clinic.name") == world.fields["clinic.name"] == "XQ01"
    assert TEMPLATE_MARKER in xss("clinic.name")
