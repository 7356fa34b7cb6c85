"""Standing alerts for the client page and the calendar: current health records, the clinic's policy.

The calendar shows alerts on many appointments at once, so the batch loader reads every client's
current health record in one query (plus one for the clinic's policy), whatever the number of clients.
Who may see them, and for which clinic, the caller says (screening/panels.py, for the signed-in user).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select

from ..clock import clinic_today
from ..extensions import db
from ..models import Client, Clinic, HealthRecord
from ..rules.alerts import standing_alerts
from ..rules.policy import Policy
from .services import current_policy, payload_base

NO_HISTORY = {
    "condition": "no_health_history", "label": "Health history", "region": None, "severity": "absolute",
    "badge": "contraindicated", "resolved": False, "parts": [],
    "detail": "none on file, so no consent either: complete the intake before treating.",
    "text": "Health history: none on file, so no consent either: complete the intake before treating.",
}  # fmt: skip


def client_alerts(
    client: Client, record: HealthRecord | None, on: date, policy: Policy, include_resolved: bool
) -> list[dict[str, Any]]:
    """The standing alerts of one client on `on`, worst first (no history on file is an alert too)."""
    if record is None:
        return [dict(NO_HISTORY)]
    base = payload_base(client, record, on)
    alerts = standing_alerts(
        base.get("conditions") or [], on, policy, consent=bool(base.get("consent")), age=base.get("age"),
        guardian_consent=bool(base.get("guardian_consent")),
    )  # fmt: skip
    return alerts if include_resolved else [alert for alert in alerts if not alert["resolved"]]


def clinic_alerts(
    clinic_id: int, client_ids: Iterable[int], on: date | None = None, include_resolved: bool = False
) -> dict[int, list[dict[str, Any]]]:
    """Alerts for many clients of one clinic in two queries: {client_id: [alert, ...]}.

    Ids of another clinic, or unknown, are left out: use `.get(client_id, [])`.
    :param on: the day the alerts are for (default: today in the clinic's time zone); pass an
        appointment's day to count time windows (a recent surgery) to that day.
    :param include_resolved: keep conditions past their time window, marked "resolved": True.
    """
    ids = sorted({int(client_id) for client_id in client_ids})
    if not ids:
        return {}
    on = on or clinic_today(db.session.get(Clinic, clinic_id))
    latest = (
        select(HealthRecord.client_id, func.max(HealthRecord.number).label("number"))
        .where(HealthRecord.clinic_id == clinic_id, HealthRecord.client_id.in_(ids))
        .group_by(HealthRecord.client_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Client, HealthRecord)
        .outerjoin(latest, latest.c.client_id == Client.id)
        .outerjoin(
            HealthRecord,
            and_(HealthRecord.client_id == latest.c.client_id, HealthRecord.number == latest.c.number),
        )
        .where(Client.clinic_id == clinic_id, Client.id.in_(ids))
    ).all()
    policy = current_policy(clinic_id)
    return {client.id: client_alerts(client, record, on, policy, include_resolved) for client, record in rows}
