"""Screening with the clinic's policy: for the live preview, the planning panel and the visit note."""

from datetime import date, datetime
from typing import Any

from ..clock import clinic_today
from ..intake.services import current_record, screening_caveats, screening_payload_base
from ..models import Client, Clinic, HealthRecord
from ..rules.policy import Policy
from ..rules.screening import screen
from .policy_store import current_policy

__all__ = [
    "current_policy",
    "jsonable",
    "payload_base",
    "screen_for_client",
    "screening_caveats",
]

MAX_PLAN_ITEMS = 40
MAX_CONDITIONS = 100


def client_inputs(client: Client, clinic: Clinic) -> tuple[HealthRecord | None, Policy, date]:
    """The client's current health record, their clinic's policy and today in the clinic.

    Needs no request: a command or a job calls it as a page does. The client page, whose alerts and
    planning panels both need them, reads them once per request (screening/panels.client_inputs_once).
    """
    return current_record(client.id), current_policy(clinic.id), clinic_today(clinic)


def payload_base(client: Client, record: HealthRecord | None, on: date) -> dict[str, Any]:
    """The client's side of a screening payload (no plan), from the intake feature's one definition."""
    return screening_payload_base(client, record, on)


def check_size(payload: dict[str, Any]) -> None:
    """Refuse payloads far larger than any session, before the engine spends time on them."""
    for key, limit in (("plan", MAX_PLAN_ITEMS), ("conditions", MAX_CONDITIONS)):
        value = payload.get(key)
        if isinstance(value, list) and len(value) > limit:
            raise ValueError(f"{key}: at most {limit} entries")


def screen_with(payload: dict[str, Any], policy: Policy) -> dict[str, Any]:
    check_size(payload)
    return screen(payload, policy)


def screen_for_client(
    client: Client, record: HealthRecord | None, plan: list[dict], on: date
) -> dict[str, Any]:
    """screen() for this client's health record and plan, with their clinic's current policy.

    :param plan: [{"technique", "region"}] in vocabulary codes.
    :returns: the screen() result, whose "rules_version" names the policy version used.
    :raises ValueError: naming the field, as screen() does.
    """
    payload = {**payload_base(client, record, on), "plan": list(plan)}
    return screen_with(payload, current_policy(client.clinic_id))


def jsonable(value: Any) -> Any:
    """Dates as YYYY-MM-DD all the way down, so a payload survives JSON as screen() expects it."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value
