"""Calendar panels on shared pages: today's schedule on the home page, appointments on the client page."""

from datetime import timedelta

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..access import ALL_ROLES, CLINICAL_ROLES
from ..clock import clinic_today, utcnow
from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Client
from ..rules.scheduling import day_start
from ..web.panels import add_panel
from .calendar import appointments_between

UPCOMING_SHOWN = 5  # in view; the rest of the list folds under "N more" (same query, no extra page)
UPCOMING_MOST = 100  # a guard, far above any real client's diary: beyond it the calendar is the place


def _standing_alerts(client_ids, on):
    """The screening feature's batch loader (two queries); clinical roles only, {} for anyone else."""
    try:
        from ..screening.panels import alerts_for_clients
    except ImportError:  # the screening feature is optional for the calendar
        return {}
    return alerts_for_clients(client_ids, on=on)


def today_panel(**_context) -> dict:
    """The current user's appointments today (time, client, service, status), with standing alerts."""
    tz = current_user.clinic.tz
    today = clinic_today(current_user.clinic)
    start = day_start(today, tz)
    end = day_start(today + timedelta(days=1), tz)  # 23 or 25 h on a clock change
    rows = [
        appointment
        for appointment in appointments_between(current_user.clinic_id, start, end, [current_user.id])
        if appointment.status != "cancelled"
    ]
    alerts = _standing_alerts({a.client_id for a in rows}, today) if rows else {}
    return {"rows": rows, "alerts": alerts, "today": today}


def client_panel(client: Client, **_context) -> dict:
    """Every upcoming appointment of the client (the first few in view) and a button to book one."""
    now = utcnow()
    upcoming = list(
        db.session.scalars(
            select(Appointment)
            .join(Appointment.service)
            .join(Appointment.therapist)
            .options(contains_eager(Appointment.service), contains_eager(Appointment.therapist))
            .where(
                Appointment.clinic_id == client.clinic_id,
                Appointment.client_id == client.id,
                Appointment.status.in_(ACTIVE_STATUSES),
                Appointment.end_at > now,
            )
            .order_by(Appointment.start_at)
            .limit(UPCOMING_MOST + 1)
        ).unique()
    )
    return {
        "upcoming": upcoming[:UPCOMING_SHOWN],
        "more": upcoming[UPCOMING_SHOWN:UPCOMING_MOST],
        "beyond": len(upcoming) > UPCOMING_MOST,
        "client": client,
        "column": "side",
    }


add_panel("home", "schedule/_home_today.html", CLINICAL_ROLES, 10, today_panel)
add_panel("client", "schedule/_client_panel.html", ALL_ROLES, 5, client_panel)
