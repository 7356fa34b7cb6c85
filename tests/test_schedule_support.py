"""Shared set-up for the calendar tests (no tests here): services, hours, clients, appointments, visits.

Dates are in 2030, well after any real "now", so free-slot searches from now on find them. 3 June 2030 is
a Monday in British Summer Time (UTC+1).
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from clinic.clients import services as client_services
from clinic.extensions import db
from clinic.models import Appointment, AuditEvent, Service, Visit
from clinic.schedule import hours as opening

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2030, 6, 3)
CLINIC_HOURS = {**{d: [(time(9), time(18))] for d in range(5)}, 5: [(time(9), time(13))]}


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """A London wall time as a UTC instant (what the database stores)."""
    return datetime.combine(day, time(hh, mm)).replace(tzinfo=LONDON).astimezone(UTC)


def set_up_calendar(app, clinic_id: int) -> dict[int, int]:
    """Services of 30, 60 and 90 minutes and the clinic's hours; returns {minutes: service id}."""
    with app.app_context():
        made = {}
        for minutes in (30, 60, 90):
            service = Service(clinic_id=clinic_id, name=f"Treatment {minutes}", duration_minutes=minutes)
            db.session.add(service)
            db.session.flush()
            made[minutes] = service.id
        opening.save(clinic_id, None, CLINIC_HOURS)
        db.session.commit()
        return made


def add_client(
    app, clinic_id: int, first: str = "Ada", last: str = "Quill", phone: str = "01632 960 001", **extra
) -> int:
    with app.app_context():
        client = client_services.create_client(
            clinic_id, {"first_name": first, "last_name": last, "phone": phone, **extra}
        )
        db.session.commit()
        return client.id


def add_appointment(
    app,
    clinic_id,
    therapist_id,
    client_id,
    service_id,
    start: datetime,
    minutes: int = 60,
    status: str = "booked",
    **extra,
) -> int:
    with app.app_context():
        appointment = Appointment(
            clinic_id=clinic_id,
            therapist_id=therapist_id,
            client_id=client_id,
            service_id=service_id,
            start_at=start,
            end_at=start + timedelta(minutes=minutes),
            status=status,
            **extra,
        )
        db.session.add(appointment)
        db.session.commit()
        return appointment.id


def add_visit(
    app, clinic_id, client_id, therapist_id, visit_date: date, frequency=None, next_due=None, **extra
) -> int:
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
