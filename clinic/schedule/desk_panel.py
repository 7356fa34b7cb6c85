"""The front desk's home: today's arrivals by therapist with who is next, and what is waiting on the desk
(questionnaires sent back, clients due for a recall). Counts only where the rows are health data."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..clock import clinic_today, utcnow
from ..extensions import db
from ..intake.awaiting_review import waiting_count  # a count: no answers reach the desk
from ..models import Appointment, Client, User
from ..rules.scheduling import day_start
from ..web.panels import add_panel
from .recall import due_conditions

NEXT_STATUSES = ("booked", "arrived")


@dataclass
class TherapistDay:
    therapist: User
    rows: list[Appointment] = field(default_factory=list)
    next: Appointment | None = None


def today_by_therapist(clinic, now: datetime) -> list[TherapistDay]:
    """Every therapist's appointments today (cancelled left out), and each one's next client: the
    first not yet seen whose end is still ahead (an arrived client in the room counts)."""
    today = clinic_today(clinic)
    start, end = day_start(today, clinic.tz), day_start(today + timedelta(days=1), clinic.tz)
    rows = db.session.scalars(
        select(Appointment)
        .join(Appointment.client)
        .join(Appointment.therapist)
        .join(Appointment.service)
        .options(
            contains_eager(Appointment.client),
            contains_eager(Appointment.therapist),
            contains_eager(Appointment.service),
        )
        .where(
            Appointment.clinic_id == clinic.id,
            Appointment.start_at >= start,
            Appointment.start_at < end,  # 23 or 25 hours on a clock change
            Appointment.status != "cancelled",
        )
        .order_by(User.name, Appointment.start_at)
    ).unique()
    days: dict[int, TherapistDay] = {}
    for row in rows:
        day = days.setdefault(row.therapist_id, TherapistDay(row.therapist))
        day.rows.append(row)
        if day.next is None and row.status in NEXT_STATUSES and row.end_at > now:
            day.next = row
    return list(days.values())


def recall_due(clinic) -> int:
    """Clients the recall list shows, counted up to one page and one more ("100+")."""
    today = clinic_today(clinic)
    cap = current_app.config["RECALL_PAGE_SIZE"]
    due = select(Client.id).where(*due_conditions(clinic.id, clinic.tz, today)).limit(cap + 1)
    return db.session.scalar(select(func.count()).select_from(due.subquery()))


def desk_panel(**_context) -> dict:
    clinic = current_user.clinic
    return {
        "days": today_by_therapist(clinic, utcnow()),
        "today": clinic_today(clinic),
        "intakes": waiting_count(clinic.id),
        "recall": recall_due(clinic),
        "recall_cap": current_app.config["RECALL_PAGE_SIZE"],
    }


add_panel("home", "schedule/_home_desk.html", ("frontdesk",), 0, desk_panel)
