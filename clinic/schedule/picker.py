"""The booking form's client list: recent clients, then A to Z, or the matches of a search."""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from wtforms import SelectChoice

from ..clients.services import search_query
from ..extensions import db
from ..models import Appointment, Client
from ..web.request_numbers import as_id
from .booking import clean_text

RECENT = 12
ALPHABETICAL = 200
MATCHES = 50


def _label(client: Client) -> str:
    name = f"{client.last_name}, {client.first_name}"
    if client.preferred_name:
        name += f" ({client.preferred_name})"
    return f"{name} · {client.phone}" if client.phone else name


def client_choices(clinic_id: int, query: str, selected_id: object, now: datetime) -> list[SelectChoice]:
    """Three queries at most; the selected client is always in the list."""
    choices: list[SelectChoice] = []
    seen: set[int] = set()

    def add(clients, group):
        for client in clients:
            if client.id not in seen:
                seen.add(client.id)
                choices.append(SelectChoice(str(client.id), _label(client), optgroup=group))

    selected_id = as_id(selected_id)
    query = clean_text(query).strip()[:100]
    if query:
        add(db.session.scalars(search_query(clinic_id, query).limit(MATCHES)), f"Matching “{query}”")
    if selected_id and selected_id not in seen:
        add(
            db.session.scalars(
                select(Client).where(
                    Client.clinic_id == clinic_id, Client.id == selected_id, Client.archived_at.is_(None)
                )
            ),
            "Chosen",
        )
    if not query:
        latest = func.max(Appointment.start_at)
        recent = (
            select(Appointment.client_id, latest.label("latest"))
            .where(
                Appointment.clinic_id == clinic_id,
                Appointment.start_at > now - timedelta(days=90),
                Appointment.start_at < now + timedelta(days=60),
            )
            .group_by(Appointment.client_id)
            .order_by(latest.desc())
            .limit(RECENT)
            .subquery()
        )
        add(
            db.session.scalars(
                select(Client)
                .join(recent, recent.c.client_id == Client.id)
                .where(Client.clinic_id == clinic_id, Client.archived_at.is_(None))
                .order_by(recent.c.latest.desc())
            ),
            "Recent",
        )
        add(db.session.scalars(search_query(clinic_id, "").limit(ALPHABETICAL)), "All clients, A to Z")
    return choices
