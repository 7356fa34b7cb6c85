"""The demo clinic: realistic staff and clients to explore locally. Loaded by `flask demo`."""

from collections.abc import Callable

from sqlalchemy import select

from .auth import services as accounts
from .clock import clinic_today
from .extensions import db
from .models import Clinic, User

DEMO_CLINIC = "Harbour Street Trigger Point Clinic"
DEMO_TIMEZONE = "Europe/London"
DEMO_PASSWORD = "quiet-harbour-morning"  # noqa: S105  # documented in the README; local trials only
DEMO_STAFF = (
    ("owner@demo.knotwork.test", "Ingrid Solberg", "owner"),
    ("maya@demo.knotwork.test", "Maya Okafor", "therapist"),
    ("tom@demo.knotwork.test", "Tomás Herrera", "therapist"),
    ("desk@demo.knotwork.test", "Priya Raman", "frontdesk"),
)

DemoStep = Callable[[Clinic, dict[str, list[User]], int], dict]


def demo_steps() -> list[DemoStep]:
    """Each feature's demo data, in order: fn(clinic, staff_by_role, clients) -> counts of rows added."""
    from .clients.demo import demo_clients
    from .intake.demo import demo_health_histories
    from .screening.demo import demo_policy
    from .visits.demo import demo_visits

    return [demo_clients, demo_policy, demo_health_histories, demo_visits, _demo_calendar]


def _demo_calendar(clinic: Clinic, staff: dict[str, list[User]], count: int) -> dict:
    from .models import Client
    from .schedule.demo import add_calendar

    clients = list(
        db.session.scalars(select(Client).where(Client.clinic_id == clinic.id).order_by(Client.id))
    )
    return {"appointments": add_calendar(clinic, staff, clients, clinic_today(clinic))}


def load_demo(clients: int = 40) -> dict:
    """Create the demo clinic and its data, or leave it as it is when it exists (idempotent)."""
    clinic = db.session.scalar(select(Clinic).where(Clinic.name == DEMO_CLINIC))
    created = clinic is None
    if created:
        clinic = accounts.create_clinic(DEMO_CLINIC, DEMO_TIMEZONE)
        clinic.address = "14 Harbour Street, Portsmouth PO1 2AB"
        clinic.phone = "+44 23 9200 0140"
        clinic.email = "hello@harbourstreet.example"
        for email, name, role in DEMO_STAFF:
            accounts.create_user(clinic, email, name, role, DEMO_PASSWORD)
        db.session.flush()
    staff: dict[str, list[User]] = {}
    for user in db.session.scalars(select(User).where(User.clinic_id == clinic.id).order_by(User.id)):
        staff.setdefault(user.role, []).append(user)
    summary = {"clinic": clinic.name, "logins": [(e, r) for e, _, r in DEMO_STAFF]}
    if created:
        for step in demo_steps():
            summary.update({k: summary.get(k, 0) + v for k, v in step(clinic, staff, clients).items()})
    return summary
