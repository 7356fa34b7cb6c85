"""Visit panels on the client page and the home page, each loaded with a fixed number of queries."""

from datetime import timedelta

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..database import utcnow
from ..extensions import db
from ..models import Client, Visit
from ..panels import add_panel
from ..rules.vocabulary import region_label
from . import charts

CLINICAL = ("owner", "therapist")


def client_visits(client: Client) -> dict:
    """The client's visit history with regions and verdicts: two queries, whatever the count."""
    visits = db.session.scalars(
        select(Visit)
        .where(Visit.clinic_id == client.clinic_id, Visit.client_id == client.id)
        .options(selectinload(Visit.points), selectinload(Visit.therapist))
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
    ).all()
    rows = []
    for visit in visits:
        regions = sorted({p.region for p in visit.points}, key=region_label)
        rows.append(
            {
                "visit": visit,
                "regions": [region_label(r) for r in regions],
                "verdict": (visit.screening or {}).get("verdict"),
            }
        )
    session = charts.session_chart([(v.visit_date, v.pain_before, v.pain_after) for v in reversed(visits)])
    regions = charts.region_chart([(v.visit_date, p.region, p.pain_before) for v in visits for p in v.points])
    return {"rows": rows, "session_chart": session, "region_chart": regions}


def unsigned_notes() -> dict | None:
    """The therapist's notes left unsigned for more than 24 hours."""
    cutoff = utcnow() - timedelta(hours=24)
    visits = db.session.scalars(
        select(Visit)
        .where(
            Visit.clinic_id == current_user.clinic_id,
            Visit.therapist_id == current_user.id,
            Visit.signed_at.is_(None),
            Visit.created_at < cutoff,
        )
        .options(selectinload(Visit.client))
        .order_by(Visit.visit_date)
    ).all()
    return {"visits": visits}


def standing_alerts(client: Client, **_) -> dict:
    from ..screening.alerts import alerts_for_client

    return {"alerts": alerts_for_client(client)}


def register() -> None:
    add_panel("alerts", "screening/_alerts_panel.html", CLINICAL, 0, standing_alerts)
    add_panel("client", "visits/_client_visits.html", CLINICAL, 30, client_visits)
    add_panel("home", "visits/_home_unsigned.html", CLINICAL, 20, lambda **_: unsigned_notes())
