"""Contraindication screening: a session's planned items (technique at region) against a client's conditions.

`screen(payload, rules=None)` is pure: the session date is part of the payload, never read from a clock.
Decisions beyond docs/clinical-reference.md 2 (documented here because the UI and the tests rely on them):
- An item lists only the findings that apply to it: a local finding at another region is not shown.
  Findings are ordered worst first (absolute, local, referral, precaution), then in condition order;
  an identical finding (same rule, region and category) appears once per item.
- Every technique except leg_massager takes one region code. leg_massager takes only a leg group
  (leg_l, leg_r, legs): a sleeve covers the whole leg, so a single leg region is refused rather than
  silently widened. A condition may be recorded at a region or at a group (e.g. varicose veins on
  leg_l); a local finding applies when the condition's regions and the item's regions overlap.
- A condition's attributes are checked against the vocabulary: an attribute it does not take (a
  region on fever, a date on fracture) and unknown fields are refused. None counts as absent.
- Dates may be "YYYY-MM-DD" strings or datetime.date values; `guardian_consent` may be omitted
  (then it is false: a minor without it is not treated). `weeks` is validated but does not change
  the default findings (the table does not vary by trimester).
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .policy import AT_CONDITION, AT_SITES, DEFAULT_POLICY, GATES, Policy, Rule
from .vocabulary import (
    CONDITIONS,
    DATE_REQUIRED,
    DEFAULT_REGIONS,
    REGION_GROUPS,
    REGION_REQUIRED,
    REGIONS,
    TECHNIQUES,
)

VERDICTS = ("contraindicated", "refer", "modify", "ok")  # worst first
ADULT_AGE = 18
MAX_AGE = 130
PREGNANCY_WEEKS = range(1, 46)
WHOLE_LEG = "leg_massager"

_VERDICT_RANK = {"absolute": 0, "local": 0, "referral": 1, "precaution": 2}
_FINDING_RANK = {"absolute": 0, "local": 1, "referral": 2, "precaution": 3}
_COVERS: dict[str, frozenset[str]] = {code: frozenset({code}) for code in REGIONS} | dict(REGION_GROUPS)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PAYLOAD_FIELDS = frozenset({"on", "age", "consent", "guardian_consent", "conditions", "plan"})
_CONDITION_FIELDS = frozenset({"code", "region", "date", "weeks", "cleared"})
_ITEM_FIELDS = frozenset({"technique", "region"})

# (rules for this condition by technique, its region code, the regions it covers, cleared)
_Active = tuple[Mapping[str, tuple[Rule, ...]], str | None, frozenset[str], bool]


def _shown(value: object) -> str:
    return value if isinstance(value, str) and value else repr(value)


def _object(value: object, where: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            prefix = f"{where}." if where != "payload" else ""
            # An odd key is quoted: a message never carries a raw newline or control character.
            name = key if isinstance(key, str) and key.isidentifier() else repr(key)
            raise ValueError(f"{prefix}{name}: unknown field")
    return value


def _list(payload: dict[str, Any], key: str) -> list[Any]:
    if key not in payload:
        raise ValueError(f"{key}: missing (use [] for none)")
    value = payload[key]
    if not isinstance(value, list):
        raise ValueError(f"{key}: expected a list, got {type(value).__name__}")
    return value


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: expected true or false, got {_shown(value)}")
    return value


def _date(value: object, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{where}: {_shown(value)} is not a date (YYYY-MM-DD)")


def _region(value: object, where: str) -> str:
    if not isinstance(value, str) or value not in _COVERS:
        raise ValueError(f"{where}: unknown region {value!r}")
    return value


def _condition(raw: object, where: str, on: date, policy: Policy) -> _Active | None:
    """One condition, validated; None when it is outside its time window (it gives no finding)."""
    entry = _object(raw, where, _CONDITION_FIELDS)
    code = entry.get("code")
    if code is None:
        raise ValueError(f"{where}.code: missing")
    if not isinstance(code, str) or code not in CONDITIONS:
        raise ValueError(f"{where}.code: unknown condition {code!r}")
    takes = CONDITIONS[code][1]
    for attribute in ("region", "date", "weeks"):
        if entry.get(attribute) is not None and attribute not in takes:
            raise ValueError(f"{where}.{attribute}: {code} takes no {attribute}")
    region = entry.get("region")
    if region is None:
        if code in REGION_REQUIRED:
            raise ValueError(f"{where}.region: missing ({code} needs a region)")
        region = DEFAULT_REGIONS.get(code)
    else:
        region = _region(region, f"{where}.region")
    weeks = entry.get("weeks")
    if weeks is not None and (
        isinstance(weeks, bool) or not isinstance(weeks, int) or weeks not in PREGNANCY_WEEKS
    ):
        raise ValueError(f"{where}.weeks: expected a whole number from 1 to 45, got {_shown(weeks)}")
    cleared = entry.get("cleared")
    cleared = False if cleared is None else _bool(cleared, f"{where}.cleared")
    if code in DATE_REQUIRED:
        if entry.get("date") is None:
            raise ValueError(f"{where}.date: missing ({code} needs a date, YYYY-MM-DD)")
        since = _date(entry["date"], f"{where}.date")
        if since > on:
            raise ValueError(f"{where}.date: {since.isoformat()} is after the session date {on.isoformat()}")
        window = policy.windows.get(code)
        # Inclusive of the last day: an injury on the 1st with a 3-day window counts through the 4th.
        if window is not None and (on - since).days > window:
            return None
    covers = _COVERS[region] if region is not None else frozenset()
    return policy.index.get(code, {}), region, covers, cleared


def _item(raw: object, where: str) -> tuple[str, str, frozenset[str]]:
    entry = _object(raw, where, _ITEM_FIELDS)
    technique = entry.get("technique")
    if technique is None:
        raise ValueError(f"{where}.technique: missing")
    if not isinstance(technique, str) or technique not in TECHNIQUES:
        raise ValueError(f"{where}.technique: unknown technique {technique!r}")
    if entry.get("region") is None:
        raise ValueError(f"{where}.region: missing")
    region = _region(entry["region"], f"{where}.region")
    if technique == WHOLE_LEG and region not in REGION_GROUPS:
        groups = ", ".join(REGION_GROUPS)
        raise ValueError(f"{where}.region: {WHOLE_LEG} covers a whole leg; use {groups}, not {region!r}")
    if technique != WHOLE_LEG and region in REGION_GROUPS:
        raise ValueError(f"{where}.region: {region!r} is a group of regions; only {WHOLE_LEG} takes one")
    return technique, region, _COVERS[region]


def _gates(payload: dict[str, Any]) -> list[Rule]:
    age = payload.get("age")
    if age is None:
        raise ValueError("age: missing")
    if isinstance(age, bool) or not isinstance(age, int):
        raise ValueError(f"age: expected a whole number of years, got {_shown(age)}")
    if not 0 <= age <= MAX_AGE:
        raise ValueError(f"age: {age} is out of range (0 to {MAX_AGE})")
    if payload.get("consent") is None:
        raise ValueError("consent: missing")
    consent = _bool(payload["consent"], "consent")
    guardian = payload.get("guardian_consent")
    guardian = False if guardian is None else _bool(guardian, "guardian_consent")
    gates = [] if consent else [GATES["no_consent"]]
    if age < ADULT_AGE and not guardian:
        gates.append(GATES["guardian_consent_missing"])
    return gates


def _finding(rule: Rule, region: str | None, cleared: bool) -> dict[str, Any]:
    # A physician's clearance softens a referral only, never an absolute or local finding.
    softened = cleared and rule.category == "referral"
    return {
        "condition": rule.condition,
        "category": "precaution" if softened else rule.category,
        "message": rule.cleared_message if softened else rule.message,
        "source": rule.source,
        "rule": rule.id,
        "region": region,
    }


def screen(payload: dict[str, Any], rules: Policy | None = None) -> dict[str, Any]:
    """Screen a planned session; raises ValueError naming the field on bad input.

    :param payload: {"on", "age", "consent", "guardian_consent", "conditions", "plan"} (see the reference 2).
    :param rules: the clinic's policy; None for DEFAULT_POLICY.
    :returns: {"verdict", "items": [{"technique", "region", "verdict", "findings"}], "rules_version"};
        each finding is {"condition", "category", "message", "source", "rule", "region"}.
    """
    policy = DEFAULT_POLICY if rules is None else rules
    if not isinstance(policy, Policy):
        raise ValueError(f"rules: expected a Policy or None, got {type(rules).__name__}")
    _object(payload, "payload", _PAYLOAD_FIELDS)
    if payload.get("on") is None:
        raise ValueError("on: missing (the session date, YYYY-MM-DD)")
    on = _date(payload["on"], "on")
    gates = _gates(payload)
    active: list[_Active] = []
    for position, raw in enumerate(_list(payload, "conditions")):
        condition = _condition(raw, f"conditions[{position}]", on, policy)
        if condition is not None and condition[0]:
            active.append(condition)
    plan = [_item(raw, f"plan[{position}]") for position, raw in enumerate(_list(payload, "plan"))]
    # Endangerment sites concern every client: a condition that is always present.
    endangerment = policy.index.get("endangerment_site", {})
    items = []
    worst = len(VERDICTS) - 1
    for technique, region, covers in plan:
        found: dict[tuple[str, str | None, bool], dict[str, Any]] = {}  # one per rule, region, softened
        for gate in gates:
            found[(gate.id, None, False)] = _finding(gate, None, False)
        for by_technique, condition_region, condition_covers, cleared in active:
            for rule in by_technique.get(technique, ()):
                if rule.scope == AT_CONDITION:
                    if condition_covers.isdisjoint(covers):
                        continue
                    where = condition_region
                elif rule.scope == AT_SITES:
                    if rule.sites.isdisjoint(covers):
                        continue
                    where = region
                elif rule.only_without_region and condition_region is not None:
                    continue
                else:
                    where = None
                key = (rule.id, where, cleared and rule.category == "referral")
                if key not in found:
                    found[key] = _finding(rule, where, cleared)
        for rule in endangerment.get(technique, ()):
            if not rule.sites.isdisjoint(covers):
                found[(rule.id, region, False)] = _finding(rule, region, False)
        findings = sorted(found.values(), key=lambda finding: _FINDING_RANK[finding["category"]])
        rank = min((_VERDICT_RANK[finding["category"]] for finding in findings), default=len(VERDICTS) - 1)
        worst = min(worst, rank)
        items.append(
            {"technique": technique, "region": region, "verdict": VERDICTS[rank], "findings": findings}
        )
    return {"verdict": VERDICTS[worst], "items": items, "rules_version": policy.version}
