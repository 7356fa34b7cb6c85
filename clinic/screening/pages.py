"""What the screening pages show: the planning panel's data, the policy as one table, one rule's page."""

import json
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Client, PolicyVersion
from ..rules.alerts import region_words
from ..rules.policy import AT_CONDITION, AT_SITES, COLUMN_LABELS, COLUMNS, GATES, OFF, Policy, Rule
from ..rules.screening import WHOLE_LEG
from ..rules.vocabulary import (
    CONDITIONS,
    ENDANGERMENT_SITES,
    REGION_GROUP_LABELS,
    REGION_GROUPS,
    REGIONS,
    TECHNIQUES,
)
from . import policy_store, services
from .forms import PlanForm
from .panels import client_inputs_once

CATEGORY_LABELS = {
    "absolute": "Absolute", "local": "Local", "referral": "Referral", "precaution": "Precaution", OFF: "None",
}  # fmt: skip
# The badge class (colour) of each category: the verdict it leads to.
CATEGORY_BADGES = {
    "absolute": "contraindicated", "local": "contraindicated", "referral": "refer", "precaution": "modify",
    OFF: "",
}  # fmt: skip
VERDICTS = {
    "contraindicated": {"label": "Contraindicated", "text": "Do not do the marked items today."},
    "refer": {"label": "Refer first", "text": "Needs physician clearance before the marked items."},
    "modify": {"label": "Modify", "text": "Go ahead, modified as noted."},
    "ok": {"label": "OK", "text": "No findings for this plan."},
}
EXTRA_CONDITIONS = {
    "endangerment_site": "Endangerment site (every client)",
    "no_consent": "Consent",
    "guardian_consent_missing": "Guardian's consent",
}
CONDITION_LABELS = {code: label for code, (label, _) in CONDITIONS.items()} | EXTRA_CONDITIONS
# What the planning script needs to write results as the server does (no clinical data here).
LABELS = {
    "conditions": CONDITION_LABELS,
    "regions": {**REGIONS, **REGION_GROUP_LABELS},
    "techniques": dict(TECHNIQUES),
    "categories": {code: CATEGORY_LABELS[code] for code in ("absolute", "local", "referral", "precaution")},
    "verdicts": VERDICTS,
    "leg_groups": sorted(REGION_GROUPS),
    "whole_leg": WHOLE_LEG,
}
# The same text `|tojson` writes with Flask's JSON defaults (sorted keys, ASCII, HTML-safe), made once:
# serialising the whole vocabulary on every client page cost more than the rest of the panel's data.
# A test compares it with the filter's output.
LABELS_JSON = htmlsafe_json_dumps(LABELS, dumps=json.dumps, sort_keys=True)
# Lookups the policy pages use to write rule ids as words.
LOOKUPS = {
    "rules": policy_store.RULES_BY_ID, "condition_labels": CONDITION_LABELS, "column_labels": COLUMN_LABELS,
    "category_labels": CATEGORY_LABELS, "category_badges": CATEGORY_BADGES,
}  # fmt: skip


def plan_context(client: Client, form: PlanForm) -> dict[str, Any]:
    """The planning panel's data: today in the clinic, the client's payload base, the clinic's policy.

    Without a health history the plan is still screened (no consent: every item contraindicated), and
    the caveats say why, so the therapist sees the same answer the visit note will.
    """
    record, policy, on = client_inputs_once(client)
    base = services.jsonable(services.payload_base(client, record, on))
    problem = None
    try:
        services.screen_with({**base, "plan": []}, policy)
    except ValueError as error:
        problem = f"The health history cannot be screened ({error}). Correct it in the health history."
    return {
        "client": client, "form": form, "base": base, "on": on, "policy": policy, "problem": problem,
        "caveats": services.screening_caveats(client, record, on), "results": {}, "session": None,
        "labels": LABELS, "labels_json": LABELS_JSON,
    }  # fmt: skip


def qualifier(rule: Rule) -> str:
    """Where and to what a rule applies, when its category alone does not say it."""
    parts = []
    if rule.scope == AT_CONDITION and rule.category != "local":
        parts.append("at the condition's region")
    elif rule.scope == AT_SITES:
        where = (
            "endangerment sites"
            if rule.sites == ENDANGERMENT_SITES
            else " or ".join(sorted(region_words(code) for code in rule.sites))
        )
        parts.append(f"at {where}")
    if rule.only_without_region:
        parts.append("when no region is recorded")
    column = COLUMNS.get(rule.column)
    if column is not None and rule.techniques != column:
        names = [TECHNIQUES[t].split(" (")[0].lower() for t in TECHNIQUES if t in rule.techniques]
        parts.append(f"{' and '.join(names)} only")
    return "; ".join(parts)


def rule_view(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "category": rule.category, "label": CATEGORY_LABELS[rule.category],
        "badge": CATEGORY_BADGES[rule.category], "default": rule.default_category,
        "default_label": CATEGORY_LABELS[rule.default_category],
        "changed": rule.category != rule.default_category,
        "qualifier": qualifier(rule), "message": rule.message, "note": rule.note, "source": rule.source,
        "overridable": bool(rule.allowed),
    }  # fmt: skip


def policy_table(policy: Policy) -> dict[str, Any]:
    """Conditions (rows, in the reference order) x technique groups (columns): each cell its rules."""
    rows: dict[str, dict[str, Any]] = {}
    for rule in policy.rules:
        row = rows.get(rule.condition)
        if row is None:
            window = rule.window_days
            row = rows[rule.condition] = {
                "code": rule.condition, "label": CONDITION_LABELS[rule.condition],
                "window": window, "cells": {column: [] for column in COLUMNS}, "changed": False,
            }  # fmt: skip
        row["cells"][rule.column].append(rule_view(rule))
        row["changed"] = row["changed"] or rule.category != rule.default_category
    columns = [
        {"code": code, "label": COLUMN_LABELS[code], "techniques": sorted(COLUMNS[code])} for code in COLUMNS
    ]
    gates = [rule_view(gate) | {"label_condition": CONDITION_LABELS[code]} for code, gate in GATES.items()]
    return {"columns": columns, "rows": list(rows.values()), "gates": gates}


def rule_context(clinic_id: int, rule_id: str) -> dict[str, Any] | None:
    """One rule as the clinic has it now, its default, and the versions that changed it; None if unknown."""
    policy = policy_store.current_policy(clinic_id)
    current = next((rule for rule in policy.rules if rule.id == rule_id), None)
    if current is None:
        gate = next((gate for gate in GATES.values() if gate.id == rule_id), None)
        if gate is None:
            return None
        current = gate
    latest = policy_store.latest_version(clinic_id)
    versions = db.session.scalars(
        select(PolicyVersion)
        .options(joinedload(PolicyVersion.created_by))
        .where(PolicyVersion.clinic_id == clinic_id, PolicyVersion.rule_id == rule_id)
        .order_by(PolicyVersion.number.desc())
    ).all()
    return {
        "rule": current, "view": rule_view(current), "category": current.category,
        "condition_label": CONDITION_LABELS.get(current.condition, current.condition),
        "column_label": COLUMN_LABELS[current.column], "number": latest.number if latest else 0,
        "policy": policy, "versions": versions, "category_labels": CATEGORY_LABELS,
        "category_badges": CATEGORY_BADGES,
    }  # fmt: skip
