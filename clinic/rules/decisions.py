"""What a visit note says was performed, and whether its decisions stand against the screening.

Pure: plan items, points and screening outcomes are the plain dicts of the note form and of
screen() (visits/services.screen_plan screens them, then asks these rules what must be fixed).

- performed_items: the plan, then each technique-at-region a point records that the plan lacks
  (a leg massager is planned per leg, so a point on a calf adds the whole leg).
- check_decisions: a contraindicated item cannot be performed (record it as withheld); going ahead
  against "refer first" or "modify" needs a reason when signing; a point cannot record a technique
  withheld today at its region. Each problem is (form field path, message), as the note form names
  its fields: "plan_items-<n>-decision", "plan_items-<n>-reason", "points-<n>-technique".
"""

from typing import Any

from .vocabulary import REGION_GROUPS, REGIONS, TECHNIQUES, region_label

LEG_GROUPS = ("leg_l", "leg_r")
FROM_A_POINT = {"decision": "proceed", "reason": "", "source": "point"}  # an item a point adds


def leg_group_for(region: str) -> str | None:
    """The leg a single leg region belongs to (a leg massager is planned per leg)."""
    for group in LEG_GROUPS:
        if region in REGION_GROUPS[group]:
            return group
    return None


def screenable(point: dict[str, Any]) -> bool:
    """A point names a known technique and region (a point still being typed may not yet)."""
    return point.get("technique") in TECHNIQUES and point.get("region") in REGIONS


def planned_key(point: dict[str, Any]) -> tuple[str, str]:
    """(technique, region) as the plan names what this point performs: a leg massager by its leg."""
    technique, region = point["technique"], point["region"]
    if technique == "leg_massager":
        region = leg_group_for(region) or region
    return technique, region


def performed_items(plan_items: list[dict[str, Any]], points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan, followed by each technique-at-region a point records that the plan lacks."""
    items = [
        {
            "technique": i["technique"],
            "region": i["region"],
            "decision": i.get("decision") or "proceed",
            "reason": (i.get("reason") or "").strip(),
            "source": "plan",
            "share": bool(i.get("share")),
        }
        for i in plan_items
    ]
    seen = {(i["technique"], i["region"]) for i in items}
    for point in points:
        if not screenable(point):
            continue
        key = planned_key(point)
        if key not in seen:
            seen.add(key)
            technique, region = key
            items.append({"technique": technique, "region": region} | FROM_A_POINT)
    return items


def label(item: dict[str, Any]) -> str:
    """ "Hand pressure at Left calf": the item's technique and region as the therapist reads them."""
    return f"{TECHNIQUES.get(item['technique'], item['technique'])} at {region_label(item['region'])}"


def point_path(item: dict[str, Any], points: list[dict[str, Any]]) -> str:
    """The form path of the first point that performs this technique at this region."""
    for index, point in enumerate(points):
        if screenable(point) and planned_key(point) == (item["technique"], item["region"]):
            return f"points-{index}-technique"
    return "points"


def check_decisions(
    items: list[dict[str, Any]],
    outcomes: list[dict[str, Any]],
    points: list[dict[str, Any]],
    signing: bool,
) -> list[tuple[str, str]]:
    """A contraindicated item cannot be performed; going ahead against refer/modify needs a reason.

    :param items: performed_items() with their decisions and reasons.
    :param outcomes: screen()'s "items", one per item, in the same order.
    :returns: (field path, message) pairs, plan items first, then points.
    """
    problems = []
    verdicts = {}
    for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
        verdicts[(item["technique"], item["region"])] = outcome
        if item["decision"] != "proceed":
            continue
        from_plan = item["source"] == "plan"
        where = f"plan_items-{index}" if from_plan else point_path(item, points)
        if outcome["verdict"] == "contraindicated":
            reasons = "; ".join(f["message"] for f in outcome["findings"])
            problems.append(
                (
                    f"{where}-decision" if from_plan else where,
                    f"{label(item)} is contraindicated today: record it as withheld. {reasons}",
                )
            )
        elif outcome["verdict"] in ("refer", "modify") and signing and not item["reason"]:
            if from_plan:
                message = f"{label(item)} needs a reason to go ahead ({outcome['verdict']})."
                problems.append((f"{where}-reason", message))
            else:
                problems.append(
                    (
                        where,
                        f"{label(item)} is screened '{outcome['verdict']}': add it to the plan "
                        "with your reason to go ahead.",
                    )
                )
    for index, point in enumerate(points):
        if not screenable(point):
            continue
        key = planned_key(point)
        outcome = verdicts.get(key)
        plan_item = next((i for i in items if (i["technique"], i["region"]) == key), None)
        withheld = plan_item is not None and plan_item["decision"] == "withheld"
        if outcome and outcome["verdict"] == "contraindicated" and withheld:
            problems.append(
                (
                    f"points-{index}-technique",
                    f"Point {index + 1}: {label(point)} was withheld today "
                    "and cannot be recorded as performed.",
                )
            )
    return problems
