"""The recall list: clients whose recommended next visit has passed and who have nothing booked.

One query, whatever the number of clients: each client's latest visit with a next-due date (signed or
not), kept when that date is before today, the client is not archived and has no active appointment
from today on.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, select

from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Client, Visit

PAGE_SIZE = 100


@dataclass(frozen=True)
class RecallRow:
    client: Client
    visit_id: int
    last_visit: date
    next_due: date
    phase: str | None

    def days_overdue(self, today: date) -> int:
        return (today - self.next_due).days


def _phase(frequency: dict | None) -> str | None:
    plan = (frequency or {}).get("chosen") or (frequency or {}).get("recommended") or {}
    phase = plan.get("phase") if isinstance(plan, dict) else None
    return phase if isinstance(phase, str) else None


def due_clients(clinic_id: int, tz: ZoneInfo, today: date, page: int = 1) -> tuple[list[RecallRow], bool]:
    """Most overdue first; `more` says whether another page follows."""
    today_start = datetime.combine(today, time()).replace(tzinfo=tz)
    ranked = (
        select(
            Visit.id.label("visit_id"),
            Visit.client_id,
            Visit.visit_date,
            Visit.next_due,
            Visit.frequency,
            func.row_number()
            .over(partition_by=Visit.client_id, order_by=(Visit.visit_date.desc(), Visit.id.desc()))
            .label("rank"),
        )
        .where(Visit.clinic_id == clinic_id, Visit.next_due.is_not(None))
        .subquery()
    )
    booked = exists().where(
        Appointment.client_id == Client.id,
        Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.start_at >= today_start,
    )
    query = (
        select(Client, ranked.c.visit_id, ranked.c.visit_date, ranked.c.next_due, ranked.c.frequency)
        .join(ranked, and_(ranked.c.client_id == Client.id, ranked.c.rank == 1))
        .where(
            Client.clinic_id == clinic_id, Client.archived_at.is_(None), ranked.c.next_due < today, ~booked
        )
        .order_by(ranked.c.next_due, Client.last_key, Client.id)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        RecallRow(client, visit_id, visit_date, next_due, _phase(frequency))
        for client, visit_id, visit_date, next_due, frequency in db.session.execute(query)
    ]
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
