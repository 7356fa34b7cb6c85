"""Helpers of the security tests: plausible form bodies, header checks, cross-clinic reference checks."""

import re

from sqlalchemy import text

from clinic.extensions import db

# A body that most forms of the app would accept in part: so a route that checked scoping only after
# validating its form would still be caught writing.
GENERIC_FORM = {
    "first_name": "Mallory",
    "last_name": "Probe",
    "phone": "01632 960 999",
    "reason": "probe reason",
    "text": "probe text",
    "role": "owner",
    "status": "arrived",
    "version": "",
    "based_on": "",
    "name": "Probe service",
    "duration_minutes": "60",
    "category": "precaution",
    "interval_days": "7",
    "sessions": "4",
    "subjective": "probe",
    "pain_before": "5",
    "main_complaint": "probe",
    "date": "2030-06-10",
    "time": "10:00",
    "therapist": "1",
    "service": "1",
    "client": "1",
    "start": "y",
    "changes": "",
    "plan-0-technique": "massage",
    "plan-0-region": "upper_back",
    "no_change": "1",
    "rows": "0",
    "email": "probe@example.test",
    "password": "probe-password-long-enough",
}
JSON_BODY = {"therapist_id": 1, "client_id": 1, "service_id": 1, "start": "2030-06-10T10:00"}

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
CSP_PARTS = (
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def header_problems(response, cacheable: bool = False) -> list[str]:
    """What is missing from a response's security headers (empty when all is well)."""
    problems = []
    for name, value in EXPECTED_HEADERS.items():
        if response.headers.get(name) != value:
            problems.append(f"{name}={response.headers.get(name)!r}")
    csp = response.headers.get("Content-Security-Policy", "")
    problems += [f"CSP lacks {part}" for part in CSP_PARTS if part not in csp]
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows unsafe-*")
    if not cacheable and "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control={response.headers.get('Cache-Control')!r}")
    return problems


def cross_clinic_references(app) -> list[str]:
    """Rows that point at another clinic's row (e.g. clinic B's appointment for clinic A's client)."""
    problems = []
    with app.app_context():
        tables = {t.name: t for t in db.metadata.sorted_tables}
        for table in tables.values():
            if "clinic_id" not in table.c:
                continue
            for fk in table.foreign_keys:
                target = fk.column.table
                if target.name == "clinic" or "clinic_id" not in target.c or fk.parent.name == "clinic_id":
                    continue
                sql = (
                    f"SELECT count(*) FROM {table.name} t JOIN {target.name} r ON t.{fk.parent.name} = r.id "
                    f"WHERE t.clinic_id <> r.clinic_id"
                )
                count = db.session.scalar(text(sql))
                if count:
                    problems.append(
                        f"{table.name}.{fk.parent.name}: {count} row(s) point into another clinic"
                    )
        count = db.session.scalar(
            text(
                "SELECT count(*) FROM addendum a JOIN visit v ON a.visit_id = v.id JOIN user_account u "
                "ON a.author_id = u.id WHERE v.clinic_id <> u.clinic_id"
            )
        )
        if count:
            problems.append(f"addendum.author_id: {count} row(s) by another clinic's user")
        db.session.remove()
    return problems


# Clinic A's tagged texts (world.py: XQ01, XQ02, ...) as whole words: the random tokens on a page
# (the CSRF token, a new calendar-feed link) are base64url (with dots) and hold "XQ" now and then by chance.
CLINIC_A_TAG = re.compile(r"(?<![A-Za-z0-9_.-])XQ\d\d(?![A-Za-z0-9_.-])")


def shows_clinic_a(text: str) -> bool:
    return CLINIC_A_TAG.search(text) is not None


def page_text(response) -> str:
    if response.mimetype in ("text/html", "application/json", "text/calendar", "text/plain"):
        return response.get_data(as_text=True)
    return ""


def location(response) -> str:
    return response.headers.get("Location", "")


def forms_on(html: str) -> list[dict]:
    """The forms of a page as a browser would submit them untouched:
    [{"action", "method", "fields": {name: value or [values]}}] (a tiny HTML form reader)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.forms: list[dict] = []
            self.select: dict | None = None
            self.textarea: list | None = None
            self.template_depth = 0  # fields inside <template> are not submitted

        def add(self, name, value):
            pair = [name, value]
            self.forms[-1]["pairs"].append(pair)
            return pair

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "template":
                self.template_depth += 1
            if self.template_depth:
                return
            if tag == "form":
                self.forms.append(
                    {
                        "action": a.get("action") or "",
                        "method": (a.get("method") or "get").upper(),
                        "pairs": [],
                    }
                )
                return
            if not self.forms or "disabled" in a:
                return
            if tag == "input" and a.get("name"):
                kind = (a.get("type") or "text").lower()
                if kind in ("checkbox", "radio"):
                    if "checked" in a:
                        self.add(a["name"], a.get("value", "on"))
                elif kind not in ("submit", "button", "file", "image", "reset"):
                    self.add(a["name"], a.get("value") or "")
            elif tag == "textarea" and a.get("name"):
                self.textarea = self.add(a["name"], "")
            elif tag == "select" and a.get("name"):
                self.select = {"name": a["name"], "multiple": "multiple" in a, "first": None, "chosen": []}
            elif tag == "option" and self.select is not None:
                value = a.get("value", "")
                if self.select["first"] is None:
                    self.select["first"] = value
                if "selected" in a:
                    self.select["chosen"].append(value)

        def handle_endtag(self, tag):
            if tag == "template":
                self.template_depth -= 1
            elif tag == "select" and self.select is not None:
                chosen = self.select["chosen"]
                if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                    chosen = [self.select["first"]]
                for value in chosen if self.select["multiple"] else chosen[-1:]:
                    self.add(self.select["name"], value)
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea is not None:
                if not self.textarea[1]:
                    data = (
                        data[2:] if data.startswith("\r\n") else data[1:] if data.startswith("\n") else data
                    )
                self.textarea[1] += data

    reader = Reader()
    reader.feed(html)
    forms = []
    for form in reader.forms:
        fields: dict = {}
        for name, value in form["pairs"]:
            if name in fields:
                fields[name] = (fields[name] if isinstance(fields[name], list) else [fields[name]]) + [value]
            else:
                fields[name] = value
        forms.append({"action": form["action"], "method": form["method"], "fields": fields})
    return forms


def form_for(html: str, action: str) -> dict | None:
    """The fields of the page's form that posts to `action` (its path; a form without an action posts
    to the page itself, which is `action` here)."""
    for form in forms_on(html):
        target = form["action"].split("?")[0].split("#")[0] or action
        if form["method"] == "POST" and target == action:
            return dict(form["fields"])
    return None


def csrf_token(html: str) -> str | None:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html
    )
    return match.group(1) if match else None
