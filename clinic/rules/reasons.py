"""Reasons to go ahead against "modify" or "refer first": given once, shared where the findings match.

Pure: items and outcomes are the plain dicts of the visit's screening (visits/services.screen_plan).
Two items share a reason only when their findings are the same: same verdict and the same conditions
in the same categories. A reason for hand pressure on a blood thinner then covers the other regions
treated on that blood thinner, but never an item that a different (say, local) finding flags.
"""

from typing import Any

NEEDS_REASON = ("refer", "modify")


def finding_key(outcome: dict[str, Any]) -> tuple:
    """What the reason answers: the verdict and every (condition, category) behind it."""
    findings = outcome.get("findings") or []
    return outcome.get("verdict"), frozenset((f.get("condition"), f.get("category")) for f in findings)


def needs_reason(item: dict[str, Any], outcome: dict[str, Any]) -> bool:
    return item.get("decision", "proceed") == "proceed" and outcome.get("verdict") in NEEDS_REASON


def reason_groups(items: list[dict[str, Any]], outcomes: list[dict[str, Any]]) -> dict[int, list[int]]:
    """{first item index: [indexes of every item with the same findings]} of items that need a reason.

    The first item of a group (in plan order) is where one reason for all of them is typed."""
    by_key: dict[tuple, list[int]] = {}
    for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
        if needs_reason(item, outcome):
            by_key.setdefault(finding_key(outcome), []).append(index)
    return {members[0]: members for members in by_key.values()}


def share_reasons(items: list[dict[str, Any]], outcomes: list[dict[str, Any]]) -> None:
    """Fill reasons in place: the "same reason for all" of a group, and the reasons of tapped points.

    - A plan item marked `share` (the first of its group) gives its reason to every item of the
      group; with its own reason empty, the group's first reason given is shared instead.
    - An item a tapped point created (source "point") and still without a reason takes the reason
      already given for the same findings: the same technique's first, else any technique's.
    """
    for members in reason_groups(items, outcomes).values():
        leader = items[members[0]]
        if not leader.get("share") or len(members) < 2:
            continue
        given = next((items[i]["reason"] for i in members if items[i].get("reason")), "")
        if given:
            for index in members:
                items[index]["reason"] = given
    given_for: dict[tuple, str] = {}
    for item, outcome in zip(items, outcomes, strict=True):
        if needs_reason(item, outcome) and item.get("reason") and item.get("source") != "point":
            key = finding_key(outcome)
            given_for.setdefault((item.get("technique"), key), item["reason"])
            given_for.setdefault((None, key), item["reason"])
    for item, outcome in zip(items, outcomes, strict=True):
        if item.get("source") == "point" and not item.get("reason") and needs_reason(item, outcome):
            key = finding_key(outcome)
            item["reason"] = given_for.get((item.get("technique"), key)) or given_for.get((None, key), "")
