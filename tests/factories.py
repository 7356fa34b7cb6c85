"""One way to make test data: clinics, users, clients with a health history, services and hours,
appointments and visits, each made through the app's own services so it is stored as the app stores it.

Every `create_*` takes the app, commits, and returns the new row's id (or ids). The few `legacy_*`
helpers write rows directly on purpose: each says which state the services cannot make and why a test
needs it. Below them: form data for the note pages and small readers the tests share.

Calendar dates are in 2030, well after any clock a test sets, so free-slot searches find them.
3 June 2030 is a Monday in British Summer Time (UTC+1).
"""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from clinic.extensions import db
from clinic.models import Appointment, AuditEvent, Client, Clinic, Service, User, Visit

TEST_PASSWORD = "lantern-orchard-velvet"
LONDON = ZoneInfo("Europe/London")
MONDAY = date(2030, 6, 3)
CLINIC_HOURS = {**{d: [(time(9), time(18))] for d in range(5)}, 5: [(time(9), time(13))]}


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """A London wall time as a UTC instant (what the database stores)."""
    return datetime.combine(day, time(hh, mm)).replace(tzinfo=LONDON).astimezone(UTC)


# --- clinics and users ---------------------------------------------------------------------------


def create_clinic(app, name: str = "Harbour Test Clinic", timezone: str = "Europe/London") -> int:
    from clinic.auth import services

    with app.app_context():
        clinic = services.create_clinic(name, timezone)
        db.session.commit()
        return clinic.id


def create_user(app, clinic_id: int, role: str, email: str, name: str, password: str = TEST_PASSWORD) -> int:
    """A user of any role: "owner", "therapist" or "frontdesk"."""
    from clinic.auth import services

    with app.app_context():
        user = services.create_user(db.session.get(Clinic, clinic_id), email, name, role, password)
        db.session.commit()
        return user.id


# --- clients and their health history -----------------------------------------------------------


def health_history(
    conditions=(),
    name: str = "Maya Okafor",
    consent: bool = True,
    onset: date | None = None,
    main_complaint: str = "Neck and shoulder pain",
    **answers,
) -> dict:
    """Intake answers as the intake form hands them to the service (consented on 5 January 2026)."""
    return {
        "conditions": list(conditions),
        "consent_name": name if consent else "",
        "consent_date": date(2026, 1, 5) if consent else None,
        "onset_date": onset,
        "main_complaint": main_complaint,
        **answers,
    }


def create_client(
    app,
    clinic_id: int,
    first: str = "Ada",
    last: str = "Quill",
    phone: str = "01632 960 001",
    *,
    history: dict | None = None,
    by: int | None = None,
    **details,
) -> int:
    """A client (clients/services.py sets the search keys); with `history`, its first health record,
    taken by user `by`, through intake/services.py."""
    from clinic.clients import services as clients
    from clinic.intake import services as intake

    with app.app_context():
        client = clients.create_client(
            clinic_id, {"first_name": first, "last_name": last, "phone": phone, **details}
        )
        if history is not None:
            user = db.session.get(User, by) if by is not None else None
            intake.record_from_form(client, user, history, "intake")
        db.session.commit()
        return client.id


def create_clients(app, clinic_id: int, names, phone: str = "01632 960 001", **details) -> list[int]:
    """Many clients in one transaction, one a (first, last) pair: for lists, search and paging."""
    from clinic.clients import services as clients

    with app.app_context():
        made = [
            clients.create_client(
                clinic_id, {"first_name": first, "last_name": last, "phone": phone, **details}
            )
            for first, last in names
        ]
        db.session.commit()
        return [client.id for client in made]


def create_client_with_history(
    app,
    clinic_id: int,
    by: int | None = None,
    conditions=(),
    first: str = "Maya",
    last: str = "Okafor",
    onset: date | None = None,
    consent: bool = True,
    *,
    earlier=(),
    answers: dict | None = None,
    **details,
) -> int:
    """A client (born 1 May 1985 unless told) with a health history taken by user `by` whose current
    version holds `conditions` and `answers`. `earlier`: the conditions of earlier versions, oldest
    first; each later version is a per-visit update, as the note page records it."""
    from clinic.intake import services as intake

    details.setdefault("date_of_birth", date(1985, 5, 1))
    details.setdefault("phone", "")
    versions = [*earlier, conditions]
    history = health_history(versions[0], f"{first} {last}", consent, onset, **(answers or {}))
    client_id = create_client(app, clinic_id, first, last, history=history, by=by, **details)
    if len(versions) > 1:
        with app.app_context():
            client = db.session.get(Client, client_id)
            user = db.session.get(User, by) if by is not None else None
            for later in versions[1:]:
                intake.record_update(client, user, {"conditions": list(later)})
            db.session.commit()
    return client_id


# --- the calendar: services, hours, appointments -------------------------------------------------


def create_calendar(app, clinic_id: int, hours=CLINIC_HOURS) -> dict[int, int]:
    """Services of 30, 60 and 90 minutes and the clinic's opening hours; returns {minutes: service id}."""
    from clinic.schedule import catalogue
    from clinic.schedule import hours as opening

    with app.app_context():
        made = {m: catalogue.create_service(clinic_id, f"Treatment {m}", m).id for m in (30, 60, 90)}
        opening.save(clinic_id, None, hours)
        db.session.commit()
        return made


def create_appointment(
    app,
    clinic_id: int,
    therapist_id: int,
    client_id: int,
    service_id: int,
    start: datetime,
    status: str = "booked",
    cancel_reason: str = "",
    **booking,
) -> int:
    """Booked through schedule/booking.py (as long as the service; the database refuses an overlap),
    then moved to `status` the way the desk does. Opening hours are not checked: tests book where
    they like. `booking`: notes, created_by (a user id), source_visit_id."""
    from clinic.schedule import booking as bookings

    with app.app_context():
        created_by = booking.pop("created_by", None)
        appointment = bookings.book(
            db.session.get(Clinic, clinic_id),
            db.session.get(User, therapist_id),
            db.session.get(Client, client_id),
            db.session.get(Service, service_id),
            start,
            created_by=db.session.get(User, created_by) if created_by else None,
            check_hours=False,
            **booking,
        )
        if status != "booked":
            bookings.set_status(appointment, status, seen_version=None, reason=cancel_reason or "Cancelled")
        db.session.commit()
        return appointment.id


# --- visits ----------------------------------------------------------------------------------------


def create_visit(
    app,
    client_id: int,
    therapist_id: int,
    on: date,
    *,
    plan=(),
    points=(),
    signed: bool = False,
    appointment_id: int | None = None,
    **note,
) -> int:
    """A note started, saved (and with `signed`, signed) through visits/services.py, as the note pages
    do it. The client needs a health history. `plan`: {"technique", "region", "decision"?, "reason"?};
    `points`: trigger point fields with typed values; `note`: text fields and pain_before/pain_after."""
    from clinic.visits import services as visits

    with app.app_context():
        client = db.session.get(Client, client_id)
        therapist = db.session.get(User, therapist_id)
        appointment = db.session.get(Appointment, appointment_id) if appointment_id else None
        items = [{"technique": i["technique"], "region": i["region"]} for i in plan]
        visit = visits.start_visit(client, therapist, items, "", on, appointment)
        plan_items = [{"decision": "proceed", "reason": "", **item} for item in plan]
        data = {"plan_items": plan_items, "points": [dict(p) for p in points], **note}
        visits.save_note(visit, therapist, data, None, signing=signed)
        if signed:
            visits.sign(visit, therapist)
        db.session.commit()
        return visit.id


def legacy_visit_row(
    app, clinic_id, client_id, therapist_id, visit_date: date, frequency=None, next_due=None, **extra
) -> int:
    """A visit row written directly, bypassing the services on purpose: the recall list, the due
    date and the follow-up tests need a visit with a given frequency plan and next due date (and
    clients with no health history, which start_visit refuses). The frequency rules that would
    compute those have their own tests; here they are the input."""
    with app.app_context():
        visit = Visit(
            clinic_id=clinic_id,
            client_id=client_id,
            therapist_id=therapist_id,
            visit_date=visit_date,
            frequency=frequency,
            next_due=next_due,
            **extra,
        )
        db.session.add(visit)
        db.session.commit()
        return visit.id


# --- form data for the note pages ------------------------------------------------------------------


def point(**overrides) -> dict:
    """One trigger point as the note form posts it."""
    values = {
        "muscle": "upper_trapezius",
        "side": "right",
        "region": "shoulder_r",
        "view": "back",
        "x": "130",
        "y": "95",
        "kind": "active",
        "technique": "hand_pressure",
        "pressure": "6",
        "pressure_scale": "felt",
        "hold_seconds": "60",
        "repetitions": "2",
        "pain_before": "7",
        "pain_after": "3",
        "referral": "temple",
        "tool_detail": "",
        "taut_band": "y",
    }
    values.update(overrides)
    return values


def note_data(points=(), plan=(), **fields) -> dict:
    """The note form's post: the SOAP text, session pain, plan items and points."""
    data = {
        "subjective": "Stiff neck after long drives",
        "objective": "Taut band right upper trapezius",
        "assessment": "Active TrP",
        "plan": "Weekly",
        "pain_before": "6",
        "pain_after": "3",
        "version": "",
    }
    data.update(fields)
    for n, item in enumerate(plan):
        for key, value in item.items():
            data[f"plan_items-{n}-{key}"] = value
    for n, values in enumerate(points):
        for key, value in values.items():
            data[f"points-{n}-{key}"] = value
    return data


# --- readers -----------------------------------------------------------------------------------------


def visit_row(app, visit_id) -> Visit:
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        db.session.expunge_all()
        return visit


def appointments(app, **where) -> list[Appointment]:
    with app.app_context():
        query = select(Appointment).order_by(Appointment.start_at, Appointment.id)
        for name, value in where.items():
            query = query.where(getattr(Appointment, name) == value)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def audit_actions(app, prefix: str = "") -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.action).where(AuditEvent.action.like(prefix + "%")).order_by(AuditEvent.id)
            )
        )


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)))


def csrf_token_from(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
