"""Visit panels on the client page and the home page, each loaded with a fixed number of queries."""

from datetime import date, timedelta
from typing import NamedTuple

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import CLINICAL_ROLES
from ..clock import utcnow
from ..extensions import db
from ..models import CheckIn, Client, Clinic, TriggerPoint, User, Visit
from ..rules.checkin import LEVEL_LABELS
from ..rules.vocabulary import region_label
from ..web.panels import add_panel
from . import charts


class Therapist(NamedTuple):
    name: str


class VisitSummary(NamedTuple):
    """What the history table shows of a visit (the rows of the page, not whole notes)."""

    id: int
    visit_date: date
    pain_before: int | None
    pain_after: int | None
    is_signed: bool
    therapist: Therapist


def client_visits(client: Client) -> dict:
    """The client's visit history with regions and verdicts: one query, whatever the count.

    Only the columns the table and charts show: loading whole notes (SOAP text, the plan, the
    screening and frequency snapshots as JSON) for a regular's hundred visits took most of the page.
    """
    visits: dict[int, VisitSummary] = {}
    points: dict[int, list[tuple[str, int | None]]] = {}
    verdicts: dict[int, str | None] = {}
    rows = db.session.execute(
        select(
            Visit.id,
            Visit.visit_date,
            Visit.pain_before,
            Visit.pain_after,
            Visit.signed_at,
            User.name,
            Visit.screening["verdict"].as_string(),
            TriggerPoint.region,
            TriggerPoint.pain_before,
        )
        .join(User, User.id == Visit.therapist_id)
        .outerjoin(TriggerPoint, TriggerPoint.visit_id == Visit.id)
        .where(Visit.clinic_id == client.clinic_id, Visit.client_id == client.id)
        .order_by(Visit.visit_date.desc(), Visit.id.desc(), TriggerPoint.number)
    )
    for id_, day, before, after, signed_at, name, verdict, region, point_pain in rows:
        if id_ not in visits:
            visits[id_] = VisitSummary(id_, day, before, after, signed_at is not None, Therapist(name))
            verdicts[id_] = verdict
        if region is not None:
            points.setdefault(id_, []).append((region, point_pain))
    history = list(visits.values())
    table = []
    for visit in history:
        regions = sorted({region for region, _ in points.get(visit.id, ())}, key=region_label)
        table.append(
            {"visit": visit, "regions": [region_label(r) for r in regions], "verdict": verdicts[visit.id]}
        )
    check_ins = _check_ins(client)
    session = charts.session_chart(
        [(v.visit_date, v.pain_before, v.pain_after) for v in reversed(history)],
        [(day, soreness) for day, soreness, _ in check_ins.values() if soreness is not None],
    )
    for row in table:
        row["check_in"] = check_ins.get(row["visit"].id)
    regions = charts.region_chart(
        [(v.visit_date, region, pain) for v in history for region, pain in points.get(v.id, ())]
    )
    return {"rows": table, "session_chart": session, "region_chart": regions, "check_in_labels": LEVEL_LABELS}


def _check_ins(client: Client) -> dict[int, tuple[date, int | None, str]]:
    """Visit id -> (day answered, soreness overall, triage level) of the client's answered check-ins."""
    rows = db.session.execute(
        select(CheckIn.visit_id, CheckIn.answered_at, CheckIn.answers, CheckIn.level).where(
            CheckIn.clinic_id == client.clinic_id,
            CheckIn.client_id == client.id,
            CheckIn.answered_at.is_not(None),
        )
    )
    tz = db.session.get(Clinic, client.clinic_id).tz  # the page's clinic: already in the session
    return {
        visit_id: (answered.astimezone(tz).date(), (answers or {}).get("soreness"), level)
        for visit_id, answered, answers, level in rows
    }


def unsigned_notes(clinic_id: int, therapist_id: int) -> dict | None:
    """The therapist's notes left unsigned for more than 24 hours."""
    cutoff = utcnow() - timedelta(hours=24)
    visits = db.session.scalars(
        select(Visit)
        .where(
            Visit.clinic_id == clinic_id,
            Visit.therapist_id == therapist_id,
            Visit.signed_at.is_(None),
            Visit.created_at < cutoff,
        )
        .options(selectinload(Visit.client))
        .order_by(Visit.visit_date)
    ).all()
    return {"visits": visits}


def standing_alerts(client: Client, **_) -> dict:
    from ..screening.panels import alerts_for_client

    return {"alerts": alerts_for_client(client)}


def register() -> None:
    add_panel("alerts", "screening/_alerts_panel.html", CLINICAL_ROLES, 0, standing_alerts)
    add_panel("client", "visits/_client_visits.html", CLINICAL_ROLES, 30, client_visits)
    add_panel(
        "home",
        "visits/_home_unsigned.html",
        CLINICAL_ROLES,
        20,
        lambda **_: unsigned_notes(current_user.clinic_id, current_user.id),
    )
