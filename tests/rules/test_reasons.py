"""One reason for every item with the same findings; tapped points take the reason already given."""

import pytest

from clinic.rules.reasons import reason_groups, share_reasons

THINNER = {"verdict": "modify", "findings": [{"condition": "anticoagulant", "category": "precaution"}]}
THINNER_GUN = {"verdict": "refer", "findings": [{"condition": "anticoagulant", "category": "referral"}]}
KNEE = {"verdict": "modify", "findings": [{"condition": "recent_surgery", "category": "precaution"}]}
OK = {"verdict": "ok", "findings": []}


def item(technique="hand_pressure", reason="", source="plan", share=False, decision="proceed"):
    return {"technique": technique, "reason": reason, "source": source, "share": share, "decision": decision}


@pytest.mark.parametrize(
    ("items", "outcomes", "reasons"),
    [
        # "same reason for all": the first item's reason covers the group
        ([item(reason="broad", share=True), item(), item("massage")], [THINNER] * 3, ["broad"] * 3),
        # ... not when the box is left unticked
        ([item(reason="broad"), item(), item("massage")], [THINNER] * 3, ["broad", "", ""]),
        # ... and never across different findings, or to an item withheld today
        (
            [item(reason="broad", share=True), item(), item(decision="withheld"), item()],
            [THINNER, KNEE, THINNER, THINNER_GUN],
            ["broad", "", "", ""],
        ),
        # ticked, with the reason typed on a later item of the group: that one is shared
        ([item(share=True), item(reason="light")], [THINNER] * 2, ["light", "light"]),
        # ticked: one reason for all, even where another was typed before
        ([item(reason="new", share=True), item(reason="old")], [THINNER] * 2, ["new", "new"]),
        # a tapped point takes the reason given for the same findings, same technique first
        (
            [item(reason="hands"), item("massage_ball", reason="ball"), item("massage_ball", source="point")],
            [THINNER] * 3,
            ["hands", "ball", "ball"],
        ),
        # ... else any technique's; a point with other findings or no finding gets none
        (
            [
                item(reason="hands"),
                item("foam_roller", source="point"),
                item(source="point"),
                item(source="point"),
            ],
            [THINNER, THINNER, KNEE, OK],
            ["hands", "hands", "", ""],
        ),
        # a point's own reason is kept
        ([item(reason="hands"), item(reason="mine", source="point")], [THINNER] * 2, ["hands", "mine"]),
    ],
)
def test_reasons_are_shared_only_where_the_findings_match(items, outcomes, reasons):
    share_reasons(items, outcomes)
    assert [i["reason"] for i in items] == reasons


def test_groups_are_keyed_by_their_first_item_and_skip_items_needing_no_reason():
    items = [item(), item(), item(), item(decision="withheld"), item()]
    outcomes = [OK, THINNER, KNEE, THINNER, THINNER]
    assert reason_groups(items, outcomes) == {1: [1, 4], 2: [2]}
