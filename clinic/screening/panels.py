"""The screening panels' data for the page being built: the signed-in user's clinic, read once a request.

The client page's alerts and planning panels both need the client's health record, their clinic's
policy and today: they are read once per request here (the record through intake's per-request read,
which the health panel shares). The services below take the clinic and the day as arguments.
"""

from datetime import date
from typing import Any

from flask import g
from flask_login import current_user

from ..access import CLINICAL_ROLES
from ..clock import clinic_today
from ..intake.web import current_record_once
from ..models import Client, HealthRecord
from ..rules.policy import Policy
from .alerts import client_alerts, clinic_alerts
from .services import current_policy


def client_inputs_once(client: Client) -> tuple[HealthRecord | None, Policy, date]:
    """screening.services.client_inputs for this request: read once, whichever panel asks first."""
    record = current_record_once(client.id)
    cache = g.setdefault("screening_inputs", {})
    if client.id not in cache:
        cache[client.id] = (current_policy(client.clinic_id), clinic_today(current_user.clinic))
    policy, on = cache[client.id]
    return record, policy, on


def alerts_for_client(
    client: Client, on: date | None = None, include_resolved: bool = True
) -> list[dict[str, Any]]:
    """The standing alerts of one client of the current user's clinic, worst first."""
    record, policy, today = client_inputs_once(client)
    return client_alerts(client, record, on or today, policy, include_resolved)


def alerts_for_clients(
    client_ids, on: date | None = None, include_resolved: bool = False
) -> dict[int, list[dict[str, Any]]]:
    """alerts.clinic_alerts for the current user's clinic; only owners and therapists see them: anyone
    else gets {} (health data never reaches the front desk)."""
    if current_user.role not in CLINICAL_ROLES:
        return {}
    return clinic_alerts(current_user.clinic_id, client_ids, on, include_resolved)
