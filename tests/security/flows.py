"""A whole clinic day carrying canary values, through any Browser (test client or gunicorn).

The flow logs in with a canary password, registers a client with a canary name, records a canary
condition in the health history, writes, signs and amends a note, books and cancels appointments
(form and JSON), sends a self-intake link that the client fills in, reviews and accepts it, prints the
aftercare sheet and changes the password, and takes the usual wrong turns on the way (bad forms, a
wrong password, an expired form). Afterwards none of the canaries may be found in a log, a cookie or a
URL.
"""

import re

from .browser import Browser, links_in
from .helpers import form_for
from .world import Side

CANARY_NAME = "Canaryname-Q7X"
CANARY_SURNAME = "Zephyrcanary-Q7Y"
CANARY_CONDITION = "canarycondition-Z9"
CANARY_NOTE = "canarynote-subjective-W4"
CANARY_ADDENDUM = "canaryaddendum-V5"
CANARY_DESK = "canarydesk-U6"
CANARY_REASON = "canaryreason-T3"
CANARY_SELF = "canaryselfintake-S8"
CANARY_PASSWORD = "canary-passphrase-K2"
CANARY_PASSWORD_2 = "canary-passphrase-second-K3"
CANARY_WRONG_PASSWORD = "canary-wrong-passphrase-K4"
CANARIES = (
    CANARY_NAME,
    CANARY_SURNAME,
    CANARY_CONDITION,
    CANARY_NOTE,
    CANARY_ADDENDUM,
    CANARY_DESK,
    CANARY_REASON,
    CANARY_SELF,
    CANARY_PASSWORD,
    CANARY_PASSWORD_2,
    CANARY_WRONG_PASSWORD,
)
# Lower-cased and URL-encoded forms are searched for too (a canary may be transformed on its way).
NEEDLES = tuple({variant for c in CANARIES for variant in (c, c.lower(), c.replace("-", "%2D"))})


def expect(page, *statuses, what=""):
    main = page.text[page.text.find("<main") :][:600] if "<main" in page.text else page.text[:600]
    assert page.status in statuses, f"{what}: {page.status} {page.location} {main}"
    return page


def form_fields(page, action: str) -> dict:
    fields = form_for(page.text, action)
    assert fields is not None, f"no form posting to {action}"
    return {k: v for k, v in fields.items() if k != "csrf_token"}


def log_in(browser: Browser, email: str, password: str):
    expect(browser.get("/login"), 200, what="login page")
    return expect(browser.post("/login", {"email": email, "password": password}), 302, what=f"login {email}")


def canary_day(owner: Browser, therapist_: Browser, anonymous: Browser, side: Side) -> dict:
    """Run the flow; returns what it made ({"client": id, "visit": id, ...})."""
    made: dict = {}
    log_in(owner, side.emails["owner"], "lantern-orchard-velvet")
    # an account with the canary password, created through the owner's form
    expect(owner.get("/admin/users/new"), 200)
    expect(
        owner.post(
            "/admin/users/new",
            {
                "name": "Cora Quill",
                "email": "cora@example.test",
                "role": "therapist",
                "password": CANARY_PASSWORD[:8],
            },
        ),
        400,
        what="short password refused",
    )
    expect(
        owner.post(
            "/admin/users/new",
            {
                "name": "Cora Quill",
                "email": "cora@example.test",
                "role": "therapist",
                "password": CANARY_PASSWORD,
            },
        ),
        302,
        what="new user",
    )
    t = therapist_
    expect(t.get("/login"), 200)
    expect(
        t.post("/login", {"email": "cora@example.test", "password": CANARY_WRONG_PASSWORD}), 401, what="wrong"
    )
    log_in(t, "cora@example.test", CANARY_PASSWORD)

    # a client with a canary name; a bad form first
    expect(t.get("/clients/new"), 200)
    expect(
        t.post("/clients/new", {"first_name": CANARY_NAME, "last_name": CANARY_SURNAME, "phone": "call me"}),
        400,
        what="bad phone",
    )
    page = expect(
        t.post(
            "/clients/new",
            {
                "first_name": CANARY_NAME,
                "last_name": CANARY_SURNAME,
                "phone": "01632 960 123",
                "notes": f"Prefers mornings {CANARY_DESK}",
            },
        ),
        302,
        what="new client",
    )
    client = made["client"] = int(re.search(r"/clients/(\d+)", page.location).group(1))
    expect(t.get(f"/clients/{client}"), 200)
    expect(t.get("/clients?q=Canaryname"), 200)  # typed by the user: the one place a name may be in a URL

    # health history with a canary condition note; an impossible date first
    edit = f"/clients/{client}/health/edit"
    fields = form_fields(expect(t.get(edit), 200), edit)
    health = {
        **fields,
        "condition": ["fibromyalgia"],
        "cond_fibromyalgia_note": CANARY_CONDITION,
        "medications": f"{CANARY_CONDITION} tablets",
        "consent_name": f"{CANARY_NAME} {CANARY_SURNAME}",
        "main_complaint": CANARY_CONDITION,
    }
    expect(t.post(edit, {**health, "onset_date": "2999-01-01"}), 400, what="future onset")
    expect(t.post(edit, health), 302, what="health history")
    expect(t.get(f"/clients/{client}/health"), 200)

    # a visit: start, save a draft, a bad save, sign, amend, print
    new_visit = f"/clients/{client}/visits/new"
    expect(t.get(new_visit), 200)
    page = expect(
        t.post(
            new_visit,
            {
                "start": "1",
                "changes": f"{CANARY_CONDITION} flare",
                "plan-0-technique": "hand_pressure",
                "plan-0-region": "shoulder_r",
            },
        ),
        302,
        what="start visit",
    )
    visit = made["visit"] = int(re.search(r"/visits/(\d+)", page.location).group(1))
    edit = f"/visits/{visit}/edit"
    fields = form_fields(expect(t.get(edit), 200), edit)
    note = {
        **fields,
        "subjective": CANARY_NOTE,
        "pain_before": "6",
        "pain_after": "3",
        "plan_items-0-reason": f"{CANARY_REASON} lighter pressure",
        "points-0-muscle": "upper_trapezius",
        "points-0-side": "right",
        "points-0-region": "shoulder_r",
        "points-0-kind": "active",
        "points-0-technique": "hand_pressure",
        "points-0-pressure_scale": "felt",
        "points-0-referral": CANARY_CONDITION,
    }
    expect(t.post(edit, {**note, "pain_before": "42"}), 400, what="pain 42")
    expect(t.post(edit, note), 302, what="draft saved")
    fields = form_fields(expect(t.get(edit), 200), edit)
    expect(t.post(edit, {**fields, "sign": "1"}), 302, what="signed")
    expect(
        t.post(f"/visits/{visit}/addenda", {"reason": "Late entry", "text": ""}), 400, what="empty addendum"
    )
    expect(t.post(f"/visits/{visit}/addenda", {"reason": "Late entry", "text": CANARY_ADDENDUM}), 302)
    expect(t.get(f"/visits/{visit}"), 200)
    expect(t.get(f"/visits/{visit}/aftercare.pdf"), 200, what="aftercare")

    # appointments: the form, the JSON API, a cancellation with a reason
    book = expect(t.get(f"/appointments/new?client={client}"), 200)
    slot = {
        "therapist": side.therapist,
        "client": client,
        "service": side.service,
        "date": "2030-07-01",
        "date_ok": "y",  # years ahead on purpose
        "notes": f"Parking at the back {CANARY_DESK}",
    }
    expect(t.post("/appointments/new", {**slot, "time": "10:03"}), 400, what="off-grid time")
    page = expect(t.post("/appointments/new", {**slot, "time": "10:00"}), 302, what="booked")
    appointment = made["appointment"] = int(re.search(r"appt-(\d+)", page.location).group(1))
    expect(t.get(f"/appointments/{appointment}"), 200)
    expect(t.post(f"/appointments/{appointment}/cancel", {"reason": ""}), 400, what="no reason")
    expect(t.post(f"/appointments/{appointment}/cancel", {"reason": CANARY_REASON}), 302, what="cancelled")
    del book
    body = {
        "therapist_id": side.therapist,
        "client_id": client,
        "service_id": side.service,
        "start": "2030-07-02T11:00",
        "notes": CANARY_DESK,
    }
    expect(
        t.request("POST", "/api/appointments", json_body={**body, "start": CANARY_NAME}),
        400,
        what="bad start",
    )
    expect(t.request("POST", "/api/appointments", json_body=body), 201, what="API booking")
    expect(t.get("/api/appointments?start=2030-07-01&end=2030-07-08"), 200)

    # the client's own form through a private link; the therapist reviews and accepts it
    page = expect(t.post(f"/clients/{client}/intake-link", {}), 200, what="link")
    link_path = re.search(r"https?://[^/\"<]+(/i/[A-Za-z0-9_-]+)", page.text).group(1)
    expect(anonymous.get(link_path), 200)
    answers = {"main_complaint": CANARY_SELF, "medications": CANARY_CONDITION, "consent_name": ""}
    expect(anonymous.post(link_path, answers), 400, what="no consent")
    answers["consent_name"] = f"{CANARY_NAME} {CANARY_SURNAME}"
    expect(anonymous.post(link_path, answers), 302, what="self-intake sent")
    health = expect(t.get(f"/clients/{client}/health"), 200)
    link_id = int(re.search(rf"/clients/{client}/intake-link/(\d+)", health.text).group(1))
    review = f"/clients/{client}/intake-link/{link_id}"
    fields = form_fields(expect(t.get(review), 200), review + "/accept")
    expect(t.post(review + "/accept", fields), 302, what="accepted")

    # the password, and the way out
    expect(
        t.post(
            "/account/password",
            {
                "current_password": CANARY_WRONG_PASSWORD,
                "new_password": CANARY_PASSWORD_2,
                "confirm": CANARY_PASSWORD_2,
            },
        ),
        400,
        what="wrong current password",
    )
    expect(
        t.post(
            "/account/password",
            {
                "current_password": CANARY_PASSWORD,
                "new_password": CANARY_PASSWORD_2,
                "confirm": CANARY_PASSWORD_2,
            },
        ),
        302,
        what="password changed",
    )
    expect(t.get("/"), 200)  # where the browser lands: a fresh session, a fresh CSRF token
    expect(t.post("/logout", {}), 302, what="logout")
    expect(t.get(f"/clients/{client}"), 302, what="logged out")
    return made


def canary_findings(texts: dict[str, str]) -> list[tuple[str, str]]:
    """(where, canary) for each canary found in the named texts."""
    return [(where, needle) for where, text in texts.items() for needle in NEEDLES if needle in text]


def url_findings(browsers) -> list[tuple[str, str]]:
    """Canaries in requested URLs, redirects, links and form actions (a typed search `q=` excepted)."""
    found = []
    for browser in browsers:
        urls = list(browser.visited)
        for page in browser.pages:
            if page.mimetype == "text/html":
                urls += links_in(page.text)
        for url in urls:
            if url.startswith("/clients?q=") or "&q=" in url or "?q=" in url:
                continue
            found += [(url, needle) for needle in NEEDLES if needle in url]
    return found


def cookie_findings(browsers) -> list[tuple[str, str]]:
    from .browser import decode_cookie

    found = []
    for browser in browsers:
        for header in browser.set_cookies:
            value = header.split(";")[0].split("=", 1)[-1]
            decoded = decode_cookie(value) if value and "session" in header.split("=")[0] else value
            found += [
                (header.split("=")[0], needle) for needle in NEEDLES if needle in decoded or needle in header
            ]
    return found
