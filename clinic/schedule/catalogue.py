"""The clinic's services (what a client books: a name and a duration). Deactivated, never deleted."""

from sqlalchemy import select

from ..extensions import db
from ..models import Service
from .booking import clean_text


def all_services(clinic_id: int) -> list[Service]:
    return list(
        db.session.scalars(
            select(Service)
            .where(Service.clinic_id == clinic_id)
            .order_by(Service.active.desc(), Service.duration_minutes, Service.name)
        )
    )


def active_services(clinic_id: int) -> list[Service]:
    return [service for service in all_services(clinic_id) if service.active]


def create_service(clinic_id: int, name: str, duration_minutes: int) -> Service:
    service = Service(
        clinic_id=clinic_id, name=clean_text(name).strip(), duration_minutes=duration_minutes, active=True
    )
    db.session.add(service)
    db.session.flush()
    return service


def update_service(service: Service, name: str, duration_minutes: int) -> None:
    """Rename or change the duration; appointments already booked keep their own end times."""
    service.name = clean_text(name).strip()
    service.duration_minutes = duration_minutes
    db.session.flush()


def set_active(service: Service, active: bool) -> None:
    service.active = active
    db.session.flush()


def default_service(services: list[Service], prefer_minutes: int = 60) -> Service | None:
    """The one to preselect: a 60-minute service if there is one, else the first."""
    active = [s for s in services if s.active]
    return next((s for s in active if s.duration_minutes == prefer_minutes), active[0] if active else None)
