"""What a note says was performed, and which of its decisions must be fixed: tables of input -> expected."""

import pytest

from clinic.rules.decisions import check_decisions, label, leg_group_for, performed_items, point_path

OK = {"verdict": "ok", "findings": []}
MODIFY = {"verdict": "modify", "findings": [{"message": "Lighter pressure."}]}
REFER = {"verdict": "refer", "findings": [{"message": "Ask the doctor first."}]}
NO = {"verdict": "contraindicated", "findings": [{"message": "Active clot."}, {"message": "Fever."}]}


def plan(technique="hand_pressure", region="calf_l", decision="proceed", reason="", **more):
    return {"technique": technique, "region": region, "decision": decision, "reason": reason, **more}


def point(technique="hand_pressure", region="calf_l"):
    return {"technique": technique, "region": region}


def item(
    technique="hand_pressure", region="calf_l", decision="proceed", reason="", source="plan", share=False
):
    row = {"technique": technique, "region": region, "decision": decision, "reason": reason, "source": source}
    return row | {"share": share} if source == "plan" else row


@pytest.mark.parametrize(
    ("region", "leg"),
    [
        ("calf_l", "leg_l"),
        ("thigh_back_r", "leg_r"),
        ("ankle_foot_l", "leg_l"),
        ("popliteal_r", "leg_r"),
        ("neck_posterior", None),
        ("hip_l", None),  # the hip is not part of the leg a leg massager covers
        ("leg_l", None),  # a group is not a region of a group
        ("nowhere", None),
    ],
)
def test_leg_group_for(region, leg):
    assert leg_group_for(region) == leg


@pytest.mark.parametrize(
    ("plan_items", "points", "expected"),
    [
        # nothing planned, nothing recorded
        ([], [], []),
        # the plan as typed: decision defaults to proceed, reasons trimmed, share kept as a flag
        (
            [{"technique": "massage", "region": "upper_back", "reason": "  light  ", "share": 1}],
            [],
            [item("massage", "upper_back", reason="light", share=True)],
        ),
        ([plan(decision=None)], [], [item()]),
        ([plan(decision="withheld")], [], [item(decision="withheld")]),
        # a point the plan already names adds nothing
        ([plan()], [point()], [item()]),
        # a point the plan lacks is added after the plan, once
        ([plan()], [point("massage"), point("massage")], [item(), item("massage", source="point")]),
        # a leg massager point is planned per leg; a second point on the same leg adds nothing
        (
            [],
            [
                point("leg_massager", "calf_l"),
                point("leg_massager", "thigh_front_l"),
                point("leg_massager", "shin_r"),
            ],
            [item("leg_massager", "leg_l", source="point"), item("leg_massager", "leg_r", source="point")],
        ),
        # ... and a planned leg covers its points
        ([plan("leg_massager", "leg_l")], [point("leg_massager", "knee_l")], [item("leg_massager", "leg_l")]),
        # a point still being typed (unknown technique or region) is not screened
        ([], [point("", "calf_l"), point("massage", ""), point("reiki", "calf_l"), {}], []),
    ],
)
def test_performed_items(plan_items, points, expected):
    assert performed_items(plan_items, points) == expected


@pytest.mark.parametrize(
    ("it", "text"),
    [
        (item(), "Hand pressure (ischemic compression) at Calf, left"),
        (item("leg_massager", "leg_r"), "Leg massager (pneumatic compression) at Right leg"),
        (item("reiki", "aura"), "reiki at aura"),  # unknown codes read as themselves
    ],
)
def test_label(it, text):
    assert label(it) == text


@pytest.mark.parametrize(
    ("it", "points", "path"),
    [
        (item("massage"), [point(), point("massage")], "points-1-technique"),
        (item("massage"), [point("massage"), point("massage")], "points-0-technique"),
        (item("leg_massager", "leg_l"), [point(), point("leg_massager", "shin_l")], "points-1-technique"),
        (item("leg_massager", "leg_l"), [point("leg_massager", "shin_r")], "points"),
        (item("massage"), [point("massage", "")], "points"),  # not screenable: no field to point at
        (item("massage"), [], "points"),
    ],
)
def test_point_path(it, points, path):
    assert point_path(it, points) == path


HP = "Hand pressure (ischemic compression) at Calf, left"
MASSAGE = "Massage at Calf, left"
WITHHOLD = "is contraindicated today: record it as withheld. Active clot.; Fever."
WAS_WITHHELD = "was withheld today and cannot be recorded as performed."
NEEDS_REASON = "needs a reason to go ahead"
TO_THE_PLAN = "add it to the plan with your reason to go ahead."


@pytest.mark.parametrize(
    ("items", "outcomes", "points", "signing", "problems"),
    [
        # all clear
        ([item()], [OK], [point()], True, []),
        # contraindicated and going ahead: record it as withheld, with every finding's message
        (
            [item()],
            [NO],
            [],
            False,
            [
                (
                    "plan_items-0-decision",
                    f"{HP} {WITHHOLD}",
                )
            ],
        ),
        # ... withheld: fine, as long as no point records it
        ([item(decision="withheld")], [NO], [], True, []),
        (
            [item(decision="withheld")],
            [NO],
            [point("massage"), point()],
            False,
            [
                (
                    "points-1-technique",
                    f"Point 2: {HP} {WAS_WITHHELD}",
                )
            ],
        ),
        # ... a contraindicated item a point added names the point's field
        (
            [item(), item("massage", source="point")],
            [OK, NO],
            [point(), point("massage")],
            False,
            [
                (
                    "points-1-technique",
                    f"{MASSAGE} {WITHHOLD}",
                )
            ],
        ),
        # modify / refer without a reason: only signing asks for one
        ([item()], [MODIFY], [], False, []),
        (
            [item()],
            [MODIFY],
            [],
            True,
            [("plan_items-0-reason", f"{HP} {NEEDS_REASON} (modify).")],
        ),
        ([item()], [REFER], [], True, [("plan_items-0-reason", f"{HP} {NEEDS_REASON} (refer).")]),
        ([item(reason="Light pressure")], [REFER], [], True, []),
        ([item(decision="withheld")], [REFER], [], True, []),
        # ... an item a point added is sent to the plan to give its reason
        (
            [item("massage", source="point")],
            [MODIFY],
            [point("massage")],
            True,
            [
                (
                    "points-0-technique",
                    f"{MASSAGE} is screened 'modify': {TO_THE_PLAN}",
                )
            ],
        ),
        # a leg massager point is checked against its leg's plan item
        (
            [item("leg_massager", "leg_l", decision="withheld")],
            [NO],
            [point("leg_massager", "calf_l")],
            True,
            [
                (
                    "points-0-technique",
                    "Point 1: Leg massager (pneumatic compression) at Calf, left was withheld today "
                    "and cannot be recorded as performed.",
                )
            ],
        ),
        # problems come plan first, then points, all in one round
        (
            [item(), item("massage", region="neck_posterior", decision="withheld")],
            [MODIFY, NO],
            [point("massage", "neck_posterior"), {"technique": "massage"}],
            True,
            [
                ("plan_items-0-reason", f"{HP} {NEEDS_REASON} (modify)."),
                (
                    "points-0-technique",
                    "Point 1: Massage at Neck, back was withheld today and cannot be recorded as performed.",
                ),
            ],
        ),
    ],
)
def test_check_decisions(items, outcomes, points, signing, problems):
    assert check_decisions(items, outcomes, points, signing) == problems


def test_check_decisions_needs_one_outcome_per_item():
    with pytest.raises(ValueError):
        check_decisions([item(), item("massage")], [OK], [], True)
