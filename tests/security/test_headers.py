"""Security headers on every kind of response: 200, 302, 400, 401, 403, 404, 405, 413, 500, static, PDF,
JSON and iCalendar (the matrix checks them on every route as well)."""

from .conftest import log_in
from .helpers import header_problems


def test_headers_on_every_kind_of_response(seeded):
    app, world = seeded()

    @app.get("/_test/explode")
    def explode():
        raise RuntimeError("boom")

    anonymous = app.test_client()
    therapist = log_in(app.test_client(), world.a.emails["therapist"])
    frontdesk = log_in(app.test_client(), world.a.emails["frontdesk"])
    a = world.a
    cases = {
        "200 page": (therapist.get(f"/clients/{a.client}"), 200, False),
        "302 to login": (anonymous.get("/clients"), 302, False),
        "401 API": (anonymous.get("/api/appointments"), 401, False),
        "403": (frontdesk.get(f"/visits/{a.signed_visit}"), 403, False),
        "404": (therapist.get("/no-such-page"), 404, False),
        "404 object": (therapist.get(f"/clients/{world.b.client}"), 404, False),
        "405": (therapist.open("/clients", method="TRACE"), 405, False),
        "413": (therapist.post("/clients/new", data={"notes": "x" * (3 * 1024 * 1024)}), 413, False),
        "500": (therapist.get("/_test/explode"), 500, False),
        "PDF": (therapist.get(f"/visits/{a.signed_visit}/aftercare.pdf"), 200, False),
        "JSON": (therapist.get("/api/appointments?start=2030-06-01&end=2030-06-30"), 200, False),
        "iCalendar": (therapist.get(f"/appointments/{a.appointment}.ics"), 200, False),
        "feed": (anonymous.get(f"/feeds/{a.feed_token}.ics"), 200, False),
        "static": (anonymous.get("/static/css/app.css"), 200, True),
    }
    problems = []
    for label, (response, status, cacheable) in cases.items():
        if response.status_code != status:
            problems.append((label, "status", response.status_code))
        problems += [(label, p) for p in header_problems(response, cacheable=cacheable)]
        response.close()
    assert not problems, problems
    pdf = therapist.get(f"/visits/{a.signed_visit}/aftercare.pdf")
    assert pdf.headers["Content-Disposition"].startswith("inline;")
    assert pdf.mimetype == "application/pdf"
    error = therapist.get("/_test/explode").get_data(as_text=True)
    assert "Traceback" not in error and "RuntimeError" not in error and "boom" not in error


def test_a_400_from_csrf_carries_the_headers(seeded):
    app, world = seeded(WTF_CSRF_ENABLED=True)
    web = app.test_client()
    response = web.post("/login", data={"email": world.a.emails["owner"], "password": "x"})
    assert response.status_code == 400
    assert header_problems(response) == []
