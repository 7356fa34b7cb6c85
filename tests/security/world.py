"""A fully seeded two-clinic world for the security matrix, and what the matrix needs to use it.

Each clinic has an owner, a therapist, a second therapist and a front desk user; two clients (the first
with a versioned health history, a submitted and a pending self-intake link, a signed visit with points,
an addendum and an aftercare link, an unsigned draft of today, appointments); services, opening hours, a
calendar feed, a policy version and an aftercare wording version. Clinic A's free-text fields hold XSS
payloads, each tagged so a leak names its field; clinic B's hold unique plain names, so a cross-clinic
leak is visible.

`fill_url(rule, side)` fills a route's parameters from one clinic's objects by parameter name. A name
nobody mapped fails the test that asked, so a new route cannot escape the matrix unseen.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, text

from clinic.clock import clinic_today
from clinic.extensions import db

PASSWORD = "lantern-orchard-velvet"  # tests/conftest.TEST_PASSWORD; the app's common-password list allows it
# Tables whose rows a read may add (the audit trail, the login throttle's counter).
VOLATILE_TABLES = ("audit_event", "login_attempt", "user_session")
# Columns a read may set: the client's first open of an aftercare link is recorded once, by the GET that
# opens it (clinic/aftercare/public.py). The rest of the row, and every other table, must not change.
VOLATILE_COLUMNS = {"aftercare_link": ("opened_at",)}
# Parameters the screening rule pages take: one rule every clinic can change.
RULE_ID = "fever/D"
STATIC_FILE = "css/app.css"


# --- XSS payloads: one per free-text field, tagged so a leak names the field ---------------------------

XSS_FIELDS: dict[str, str] = {}


def xss(field_name: str) -> str:
    """A markup + template-injection payload for one field, e.g. `<x-xss id="XQ07">{{7*7}}</x-xss>`."""
    tag = XSS_FIELDS.setdefault(field_name, f"XQ{len(XSS_FIELDS) + 1:02d}")
    return f'<x-xss id="{tag}">{{{{7*7}}}}</x-xss>'


def xss_tag(field_name: str) -> str:
    return XSS_FIELDS[field_name]


RAW_MARKER = "<x-xss"  # never in any HTML response
TEMPLATE_MARKER = "{{7*7}}"  # shown literally, never evaluated


@dataclass
class Side:
    """One clinic's seeded objects (ids, plus the two tokens that are shown only once)."""

    name: str
    clinic: int = 0
    owner: int = 0
    therapist: int = 0
    therapist2: int = 0
    frontdesk: int = 0
    emails: dict[str, str] = field(default_factory=dict)
    client: int = 0
    client2: int = 0
    signed_visit: int = 0
    draft_visit: int = 0
    appointment: int = 0
    follow_up: int = 0
    service: int = 0
    service2: int = 0
    feed: int = 0
    feed_token: str = ""
    link_submitted: int = 0
    link_pending: int = 0
    link_token: str = ""
    aftercare_token: str = ""
    check_in: int = 0
    check_in_token: str = ""
    booking_token: str = ""
    awaiting_request: int = 0  # a new client's online booking holding a time for the desk's approval
    public_slug: str = ""
    portal_token: str = ""  # a sign-in link of the client, as its e-mail carries it
    message: int = 0
    mailbox_item: int = 0
    export: int = 0  # a finished whole-clinic export job
    unsubscribe_token: str = ""
    health_versions: int = 0
    document: int = 0  # a document on the client
    visit_document: int = 0  # a document on the signed visit, signed with it
    policy_version: int = 0
    wording_version: int = 0
    client_import: int = 0  # the owner's client list upload, mapped and waiting for its preview

    def user(self, role: str) -> int:
        return {
            "owner": self.owner,
            "therapist": self.therapist,
            "frontdesk": self.frontdesk,
            "therapist2": self.therapist2,
        }[role]


@dataclass
class World:
    a: Side
    b: Side
    fields: dict[str, str] = field(default_factory=dict)  # seeded field name -> XSS tag

    def __repr__(self) -> str:  # short, for hypothesis' and pytest's reports
        return f"<World clinics {self.a.clinic} and {self.b.clinic}>"


def _booking_request(clinic, service, therapist) -> str:
    """An online booking request waiting for its confirmation, with the link its e-mail carries."""
    from clinic.booking import requests
    from clinic.rules.scheduling import local_instant

    start = local_instant(
        clinic_today(clinic) + timedelta(days=5), time(9), clinic.tz
    )  # notice and window kept
    details = {"first_name": "Online", "last_name": "Requester", "email": f"online-{clinic.id}@example.test"}
    return requests.issue_link(requests.ask(clinic, service, therapist, start, details))


def _awaiting_request(clinic, client, service, therapist, start) -> int:
    """A confirmed online booking of a new client that the clinic approves first ("approval required")."""
    from clinic.booking import requests
    from clinic.schedule.booking import book

    details = {"first_name": "Held", "last_name": "Online", "email": f"held-{clinic.id}@example.test"}
    request = requests.ask(clinic, service, therapist, start, details)
    request.appointment_id = book(clinic, therapist, client, service, start, notes="Booked online").id
    request.client_id, request.outcome = client.id, "awaiting"
    db.session.flush()
    return request.id


def _export_job(clinic, owner) -> int:
    """A whole-clinic export the worker has finished (its file is not on disk: nothing to stream)."""
    from clinic.models import ExportJob

    done = datetime(2030, 6, 1, 9, tzinfo=UTC)
    job = ExportJob(
        clinic_id=clinic.id,
        requested_by_id=owner.id,
        status="ready",
        done=10,
        total=10,
        size_bytes=2048,
        created_at=done,
        finished_at=done,
        expires_at=done + timedelta(days=3650),
    )
    db.session.add(job)
    db.session.flush()
    return job.id


def _answered_check_in(visit) -> tuple[str, int]:
    """The check-in link of the signed visit, as its message carries it, answered with a bruise that
    needs a call (so it shows on the therapist's home page)."""
    from clinic.checkin import answers, links
    from clinic.models import CheckIn
    from clinic.rules.checkin import RED_FLAGS, Answers

    token = links.issue(visit)
    check_in = db.session.scalars(select(CheckIn).where(CheckIn.visit_id == visit.id)).one()
    regions = answers.treated_regions(visit.id)
    given = Answers({code: False for code in RED_FLAGS}, soreness=4, bruising="large")
    answers.land(check_in, given, answers.assess(given, regions))
    db.session.flush()
    return token, check_in.id


# --- URL parameters by name -------------------------------------------------------------------------

# parameter name -> the object of a clinic it names. Add new parameters here (and seed the object).
SEED_PARAMS = {
    "client_id": lambda s: s.client,
    "visit_id": lambda s: s.signed_visit,
    "appointment_id": lambda s: s.appointment,
    "user_id": lambda s: s.therapist,
    "service_id": lambda s: s.service,
    "feed_id": lambda s: s.feed,
    "link_id": lambda s: s.link_submitted,
    "number": lambda s: 1,  # health history version / aftercare wording version 1 of the clinic
    "rule_id": lambda s: RULE_ID,
    "filename": lambda s: STATIC_FILE,
    "message_id": lambda s: s.message,
    "item_id": lambda s: s.mailbox_item,
    "kind": lambda s: "recall",  # the kinds of message are the same in every clinic
    "check_in_id": lambda s: s.check_in,
    "slug": lambda s: s.public_slug,  # the clinic's portal address
    "request_id": lambda s: s.awaiting_request,
    "name": lambda s: "sources",  # the clinical reference's pages: the same in every clinic
    "document_id": lambda s: s.document,
    "import_id": lambda s: s.client_import,
    "export_id": lambda s: s.export,
}
# (endpoint, parameter) -> object, where one name means different things on different routes.
SEED_PARAMS_BY_ENDPOINT = {
    ("selfintake.form", "token"): lambda s: s.link_token,
    ("feeds.subscribe", "token"): lambda s: s.feed_token,
    ("aftercare_public.sheet", "token"): lambda s: s.aftercare_token,
    ("messages_public.unsubscribe", "token"): lambda s: s.unsubscribe_token,
    ("auth.reset_password", "token"): lambda s: "an-expired-or-unknown-reset-token",
    ("aftercare_public.sheet_pdf", "token"): lambda s: s.aftercare_token,
    ("checkin_public.form", "token"): lambda s: s.check_in_token,
    ("checkin_public.answer", "token"): lambda s: s.check_in_token,
    ("booking_public.confirm", "token"): lambda s: s.booking_token,
    ("booking_public.book", "token"): lambda s: s.booking_token,
    ("portal.open_link", "token"): lambda s: s.portal_token,
}
# Parameters that do not name an object of a clinic (the same value for every clinic).
CLINIC_NEUTRAL_PARAMS = {"number", "rule_id", "filename", "kind", "name"}


def param_value(endpoint: str, name: str, side: Side):
    getter = SEED_PARAMS_BY_ENDPOINT.get((endpoint, name)) or SEED_PARAMS.get(name)
    if getter is None:
        pytest.fail(
            f"Route {endpoint!r} takes <{name}>, which the security matrix cannot fill. Seed an object "
            "for it "
            f"in tests/security/world.py (seed_world) and map the name in SEED_PARAMS (or "
            f"SEED_PARAMS_BY_ENDPOINT) so the matrix covers the new route."
        )
    return getter(side)


# Query strings that make a GET show seeded data (the appointments are in June 2030).
GET_QUERIES = {
    "schedule_api.list_appointments": "start=2030-06-01&end=2030-06-30",
    "schedule.day": "date=2030-06-03&therapist=all",
    "schedule.week": "date=2030-06-10&therapist=all",
}


def fill_url(rule, side: Side, query: bool = True, **overrides) -> str:
    """The route's URL for one clinic's objects (plus the query string that makes it show them)."""
    values = {name: overrides.get(name, param_value(rule.endpoint, name, side)) for name in rule.arguments}
    url = rule.build(values, append_unknown=False)[1]
    if query and rule.endpoint in GET_QUERIES:
        url += "?" + GET_QUERIES[rule.endpoint]
    return url


def is_object_route(rule) -> bool:
    """Names an object that belongs to one clinic (not a static file, a rule of the shared policy...)."""
    return bool(set(rule.arguments) - CLINIC_NEUTRAL_PARAMS)


def routes(app, methods=("GET", "POST", "PUT", "PATCH", "DELETE")):
    """(rule, method) for every route of the app, in a stable order."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method in methods:
                found.append((rule, method))
    return found


# --- "nothing changed": a content checksum of every table but the audit trail -----------------------


def content_checksum(app, exclude=VOLATILE_TABLES) -> dict[str, str]:
    """sha256 of every row of every table (ordered by primary key), per table."""
    with app.app_context():
        sums = {}
        for table in db.metadata.sorted_tables:
            if table.name in exclude:
                continue
            order = ", ".join(c.name for c in table.primary_key.columns) or "1"
            skipped = VOLATILE_COLUMNS.get(table.name, ())
            columns = ", ".join(c.name for c in table.columns if c.name not in skipped)
            digest = hashlib.sha256()
            for row in db.session.execute(text(f"SELECT {columns} FROM {table.name} ORDER BY {order}")):
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
            sums[table.name] = digest.hexdigest()
        db.session.remove()
        return sums


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def audit_rows_after(app, last_id: int) -> list[dict]:
    with app.app_context():
        rows = [
            dict(r._mapping)
            for r in db.session.execute(
                text(
                    "SELECT id, action, object_type, object_id, client_id, user_id, clinic_id, outcome "
                    "FROM audit_event WHERE id > :last ORDER BY id"
                ),
                {"last": last_id},
            )
        ]
        db.session.remove()
        return rows


def last_audit_id(app) -> int:
    with app.app_context():
        value = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM audit_event"))
        db.session.remove()
        return value


# --- seeding ------------------------------------------------------------------------------------------


B_MARKER = "Bside"  # clinic B's texts all start with it: never on a page of clinic A


def _texts(side_name: str, label: str) -> str:
    """Clinic A: an XSS payload tagged with the field; clinic B: a unique plain word."""
    if side_name == "a":
        return xss(label)
    return f"{B_MARKER}{label.replace('.', '').replace('_', '').title()}"


def seed_world(app) -> World:
    """Seed both clinics through the app's services (each step as the app does it), then commit."""
    with app.app_context():
        a = _seed_side(app, "a")
        b = _seed_side(app, "b")
        db.session.commit()
        db.session.remove()
        return World(a, b, dict(XSS_FIELDS))


def _seed_side(app, name: str) -> Side:
    from clinic.aftercare import links as aftercare_links
    from clinic.aftercare import wording_store
    from clinic.auth import services as accounts
    from clinic.clients import services as client_services
    from clinic.intake import links
    from clinic.intake import services as intake
    from clinic.models import Appointment, Clinic
    from clinic.schedule import catalogue, ical
    from clinic.schedule import hours as opening
    from clinic.screening import policy_store
    from clinic.visits import services as visits

    side = Side(name)
    t = lambda label: _texts(name, label)  # noqa: E731
    clinic = accounts.create_clinic(f"Clinic {name.upper()} " + t("clinic.name"), "Europe/London")
    clinic.address = t("clinic.address")
    clinic.phone = "+44 23 9200 0140"
    clinic.email = f"hello@{name}.example"
    clinic.logo_png = tiny_png()
    side.clinic = clinic.id
    users = {}
    for role, label in (
        ("owner", "owner"),
        ("therapist", "therapist"),
        ("therapist2", "therapist"),
        ("frontdesk", "frontdesk"),
    ):
        email = f"{role}-{name}@example.test"
        user = accounts.create_user(
            clinic, email, f"Sam {role.title()} {t('user.name.' + role)}", label, PASSWORD
        )
        users[role] = user
        side.emails[role] = email
        setattr(side, role, user.id)
    owner, therapist = users["owner"], users["therapist"]

    service = catalogue.create_service(clinic.id, "Treatment 60 " + t("service.name"), 60)
    service2 = catalogue.create_service(clinic.id, "Treatment 30", 30)
    side.service, side.service2 = service.id, service2.id
    opening.save(clinic.id, None, {d: [(time(8), time(20))] for d in range(7)})
    clinic.settings = {
        **(clinic.settings or {}),
        "online_booking": {"enabled": True, "service_ids": [service.id]},
    }

    client = client_services.create_client(
        clinic.id,
        {
            "first_name": t("client.first_name"),
            "last_name": t("client.last_name"),
            "preferred_name": "",
            "phone": "01632 960 001",
            "email": f"client-{name}@example.test",
            "address": t("client.address"),
            "emergency_contact": t("client.emergency_contact"),
            "referral_source": t("client.referral_source"),
            "notes": t("client.notes"),
            "date_of_birth": date(1980, 4, 2),
        },
    )
    client2 = client_services.create_client(
        clinic.id,
        {
            "first_name": "Second",
            "last_name": f"Client{name.upper()}",
            "preferred_name": t("client.preferred_name"),
            "phone": "01632 960 002",
        },
    )
    side.client, side.client2 = client.id, client2.id
    db.session.flush()

    today = clinic_today(clinic)
    history = {
        "conditions": [
            {"code": "fibromyalgia", "note": t("health.condition_note")},
            {"code": "hypertension_controlled"},
        ],
        "medications": t("health.medications"),
        "allergies": t("health.allergies"),
        "main_complaint": t("health.main_complaint"),
        "goals": t("health.goals"),
        "consent_name": t("health.consent_name"),
        "consent_date": today - timedelta(days=30),
        "pain_areas": ["neck_posterior"],
        "onset_date": today - timedelta(days=90),
        "guardian_name": t("health.guardian_name"),
        "guardian_consent": False,
        "change_note": "",
    }
    intake.record_from_form(client, therapist, history, "intake", today=today)
    intake.record_update(
        client, therapist, {"allergies": t("health.allergies_v2")}, t("health.change_note"), today=today
    )
    intake.record_from_form(client2, therapist, {**history, "conditions": []}, "intake", today=today)

    # a signed visit a week ago, with points and an addendum; an unsigned draft of today
    signed = visits.start_visit(
        client, therapist, [_plan_item(t)], t("visit.changes"), today - timedelta(days=7)
    )
    visits.save_note(signed, therapist, _note(t), None, signing=True)
    side.visit_document = _document(client, therapist, t, "visit", signed)
    visits.sign(signed, therapist)
    side.document = _document(client, therapist, t, "client")
    visits.add_addendum(signed, therapist, t("addendum.reason"), t("addendum.text"))
    draft = visits.start_visit(client, therapist, [_plan_item(t)], "", today)
    visits.save_note(draft, therapist, _note(t, "draft"), None)
    side.signed_visit, side.draft_visit = signed.id, draft.id
    # the client's link to the signed visit's aftercare sheet, as the e-mail after signing carries it
    _aftercare_link, side.aftercare_token = aftercare_links.create_link(signed)
    side.check_in_token, side.check_in = _answered_check_in(signed)
    side.booking_token = _booking_request(clinic, service, therapist)
    from clinic.visits import frequency

    frequency.choose(draft, 7, 4, t("visit.frequency_reason"))
    side.health_versions = 2 + 2  # intake, update, and the two start_visit updates

    # appointments in 2030 (after any real "now"): one booked, one follow-up from the signed visit
    start = datetime(2030, 6, 3, 9, 0, tzinfo=UTC)
    appointment = Appointment(
        clinic_id=clinic.id,
        therapist_id=therapist.id,
        client_id=client.id,
        service_id=service.id,
        start_at=start,
        end_at=start + timedelta(minutes=60),
        notes=t("appointment.notes"),
        created_by_id=owner.id,
    )
    follow_up = Appointment(
        clinic_id=clinic.id,
        therapist_id=therapist.id,
        client_id=client.id,
        service_id=service.id,
        start_at=start + timedelta(days=7),
        end_at=start + timedelta(days=7, minutes=60),
        source_visit_id=signed.id,
        status="cancelled",
        cancel_reason=t("appointment.cancel_reason"),
        created_by_id=owner.id,
    )
    db.session.add_all([appointment, follow_up])
    db.session.flush()
    side.appointment, side.follow_up = appointment.id, follow_up.id
    side.awaiting_request = _awaiting_request(clinic, client2, service, therapist, start + timedelta(days=14))

    # self-intake: one link submitted (waiting for review), then a pending one
    link, _token, _ = links.create_link(client, users["frontdesk"])
    submission = intake.record_data(intake.current_record(client.id))
    submission.update(
        {"main_complaint": t("selfintake.main_complaint"), "goals": t("selfintake.goals"), "change_note": ""}
    )
    assert links.submit(link, submission)
    pending, token, _ = links.create_link(client, users["frontdesk"])
    side.link_submitted, side.link_pending, side.link_token = link.id, pending.id, token

    feed, feed_token = ical.create_feed(therapist)
    side.feed, side.feed_token = feed.id, feed_token

    version = policy_store.change_rule(clinic.id, owner, RULE_ID, "referral", t("policy.reason"), 0)
    side.policy_version = version.number
    wording = wording_store.save(clinic.id, owner, {"closing": "Thank you. " + t("wording.closing")}, 0)
    side.wording_version = wording.number

    # a recall note that could not be sent (the outbox's retry), and a mail kept in the local mailbox
    from clinic.messages.render import unsubscribe_token
    from clinic.models import MailboxItem, Message

    message = Message(
        clinic_id=clinic.id,
        client_id=client.id,
        kind="recall",
        channel="email",
        to_address="client@example.test",
        status="failed",
        status_reason="mail server replied 554 " + t("message.reason"),
        subject=t("message.subject"),
        body=t("message.body"),
    )
    db.session.add(message)
    db.session.flush()
    item = MailboxItem(
        clinic_id=clinic.id,
        message_id=message.id,
        to_address="client@example.test",
        subject=t("mailbox.subject"),
        raw=f"To: client@example.test\nSubject: {t('mailbox.subject')}\n\n{t('mailbox.body')}\n".encode(),
    )
    db.session.add(item)
    db.session.flush()
    side.message, side.mailbox_item, side.unsubscribe_token = message.id, item.id, unsubscribe_token(message)
    from clinic.portal import links as portal_links

    side.public_slug, side.portal_token = clinic.public_slug, portal_links.issue(client)
    side.client_import = _client_import(clinic.id, users["owner"].id, t)
    side.export = _export_job(clinic, users["owner"])
    db.session.flush()
    assert db.session.get(Clinic, clinic.id).phone
    return side


def _document(client, user, t, where: str, visit=None) -> int:
    """A one-page PDF uploaded as the app takes it; its caption and name carry clinic A's payloads."""
    from clinic.documents import services as documents

    caption = t(f"document.caption.{where}")
    name = t(f"document.filename.{where}")
    # a file name has no "/": the payload's closing tag is left off, its tag still names the field
    name = name.split("</")[0].replace("/", "") + ".pdf"
    checked = documents.check_upload(name, tiny_pdf(caption))
    return documents.add(client, user, checked, caption, visit).id


def tiny_pdf(text: str = "Clearance") -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(200, 200))
    page.drawString(20, 100, text[:40])
    page.save()
    return buffer.getvalue()


def _client_import(clinic_id: int, owner_id: int, t) -> int:
    """A client list the owner uploaded and mapped (its preview shows the rows)."""
    import csv
    import io

    from clinic.client_import import store

    text = io.StringIO()
    csv.writer(text).writerows(
        [["First Name", "Last Name", "Email"], [t("import.first_name"), t("import.last_name"), "i@x.test"]]
    )
    job, _ = store.store_upload(clinic_id, owner_id, text.getvalue().encode())
    job.status, job.date_order = "mapped", "dmy"
    return job.id


def _plan_item(t) -> dict:
    return {
        "technique": "hand_pressure",
        "region": "shoulder_r",
        "decision": "proceed",
        "reason": t("plan.reason"),
    }


def _note(t, stage: str = "signed") -> dict:
    point = {
        "muscle": "upper_trapezius",
        "side": "right",
        "region": "shoulder_r",
        "view": "back",
        "x": 130.0,
        "y": 95.0,
        "kind": "active",
        "taut_band": True,
        "twitch": False,
        "referral": t(f"point.referral.{stage}"),
        "technique": "hand_pressure",
        "tool_detail": t(f"point.tool_detail.{stage}"),
        "pressure": 6,
        "pressure_scale": "felt",
        "hold_seconds": 60,
        "repetitions": 2,
        "pain_before": 7,
        "pain_after": 3,
    }
    return {
        "plan_items": [_plan_item(t)],
        "points": [point],
        **{
            f: t(f"visit.{f}.{stage}")
            for f in (
                "subjective",
                "objective",
                "assessment",
                "plan",
                "adverse_responses",
                "lubricant",
                "aftercare_given",
                "notes",
            )
        },
        "pain_before": 6,
        "pain_after": 3,
    }


def tiny_png() -> bytes:
    """A valid 2x2 grey PNG (the clinic logo)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
