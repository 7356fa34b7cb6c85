"""screen(): time windows, clearance, consent, endangerment sites, the whole-leg rule, verdicts."""

import copy
import json
from datetime import date, timedelta

import pytest

from clinic.rules.screening import screen

ON = "2026-11-16"
# docs/clinical-reference.md 1, written out rather than imported.
ENDANGERMENT_SITES = [
    "neck_anterior",
    "axilla_l",
    "axilla_r",
    "groin_l",
    "groin_r",
    "popliteal_l",
    "popliteal_r",
]
DEEP_AND_GUN = ["hand_pressure", "massage", "foam_roller", "massage_ball", "massage_gun"]


def payload(conditions=(), plan=(), **fields):
    base = {"on": ON, "age": 40, "consent": True, "guardian_consent": False}
    base.update(fields)
    return {**base, "conditions": list(conditions), "plan": list(plan)}


def item(technique, region):
    return {"technique": technique, "region": region}


def findings_of(result, index=0):
    return [(f["condition"], f["category"]) for f in result["items"][index]["findings"]]


def days_before(on: str, days: int) -> str:
    return (date.fromisoformat(on) - timedelta(days=days)).isoformat()


# --- time windows (the reference 2.3) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "window"), [("recent_surgery", 42), ("acute_injury", 3), ("steroid_injection", 2)]
)
@pytest.mark.parametrize(
    ("offset", "inside"), [(0, True), (1, True), ("last", True), ("first_out", False), (365, False)]
)
def test_time_window_boundaries(condition, window, offset, inside):
    days = {"last": window, "first_out": window + 1}.get(offset, offset)
    conditions = [{"code": condition, "region": "calf_l", "date": days_before(ON, days)}]
    result = screen(payload(conditions, [item("massage", "calf_l")]))
    assert findings_of(result) == ([(condition, "local")] if inside else [])
    assert result["verdict"] == ("contraindicated" if inside else "ok")


@pytest.mark.parametrize(
    ("injured", "session", "verdict"),
    [
        ("2026-05-01", "2026-05-01", "contraindicated"),
        ("2026-05-01", "2026-05-04", "contraindicated"),  # "local through the 4th"
        ("2026-05-01", "2026-05-05", "ok"),  # "from the 5th it has no finding"
        ("2028-02-28", "2028-03-02", "contraindicated"),  # leap year: 28th + 3 days is 2 March
        ("2028-02-28", "2028-03-03", "ok"),
        ("2026-12-30", "2027-01-02", "contraindicated"),  # across a year end
        ("2026-12-30", "2027-01-03", "ok"),
    ],
)
def test_acute_injury_counts_calendar_days(injured, session, verdict):
    conditions = [{"code": "acute_injury", "region": "shin_r", "date": injured}]
    result = screen(payload(conditions, [item("hand_pressure", "shin_r")], on=session))
    assert result["verdict"] == verdict


def test_a_window_covers_every_finding_of_the_condition():
    plan = [item("leg_massager", "leg_r"), item("massage", "upper_back")]
    conditions = [{"code": "recent_surgery", "region": "knee_l", "date": days_before(ON, 42)}]
    assert screen(payload(conditions, plan))["items"][0]["verdict"] == "refer"
    conditions[0]["date"] = days_before(ON, 43)
    assert [i["verdict"] for i in screen(payload(conditions, plan))["items"]] == ["ok", "ok"]


@pytest.mark.parametrize("condition", ["recent_surgery", "acute_injury", "steroid_injection"])
def test_a_date_after_the_session_is_refused(condition):
    tomorrow = (date.fromisoformat(ON) + timedelta(days=1)).isoformat()
    conditions = [{"code": "fever"}, {"code": condition, "region": "calf_l", "date": tomorrow}]
    with pytest.raises(ValueError, match=r"^conditions\[1\]\.date: .*after the session date"):
        screen(payload(conditions, [item("massage", "calf_l")]))


def test_dates_may_be_date_objects():
    conditions = [{"code": "acute_injury", "region": "calf_l", "date": date(2026, 11, 14)}]
    result = screen(payload(conditions, [item("massage", "calf_l")], on=date(2026, 11, 16)))
    assert result["verdict"] == "contraindicated"


# --- cleared (the reference 2.3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "technique", "before", "after"),
    [
        ("anticoagulant", "massage_gun", "referral", "precaution"),
        ("heart_disease", "massage", "referral", "precaution"),
        ("high_risk_pregnancy", "stretching", "referral", "precaution"),
        ("bleeding_disorder", "massage_gun", "absolute", "absolute"),
        ("heart_disease", "leg_massager", "absolute", "absolute"),
        ("fever", "heat", "absolute", "absolute"),
        ("anticoagulant", "massage", "precaution", "precaution"),
    ],
)
def test_cleared_turns_referral_into_precaution_only(condition, technique, before, after):
    region = "leg_l" if technique == "leg_massager" else "calf_l"
    for cleared, category in ((False, before), (True, after)):
        result = screen(payload([{"code": condition, "cleared": cleared}], [item(technique, region)]))
        assert findings_of(result) == [(condition, category)]


def test_cleared_never_softens_local():
    conditions = [{"code": "skin_lesion", "region": "calf_l", "cleared": True}]
    result = screen(payload(conditions, [item("massage", "calf_l")]))
    assert findings_of(result) == [("skin_lesion", "local")]
    assert result["verdict"] == "contraindicated"


def test_a_cleared_referral_says_so():
    result = screen(payload([{"code": "anticoagulant", "cleared": True}], [item("massage_gun", "calf_l")]))
    message = result["items"][0]["findings"][0]["message"]
    assert "clearance on file" in message.lower()
    assert result["items"][0]["verdict"] == "modify"


def test_cleared_applies_only_to_its_own_condition():
    conditions = [{"code": "anticoagulant", "cleared": True}, {"code": "heart_disease"}]
    result = screen(payload(conditions, [item("massage_gun", "calf_l")]))
    assert sorted(findings_of(result)) == [("anticoagulant", "precaution"), ("heart_disease", "referral")]
    assert result["verdict"] == "refer"


# --- consent and minors (the reference 2.3) --------------------------------------------------------


def test_no_consent_contraindicates_every_item():
    plan = [item("stretching", "upper_back"), item("cold", "calf_r"), item("leg_massager", "legs")]
    result = screen(payload([], plan, consent=False))
    assert result["verdict"] == "contraindicated"
    for each in result["items"]:
        assert each["verdict"] == "contraindicated"
        assert ("no_consent", "absolute") in [(f["condition"], f["category"]) for f in each["findings"]]


@pytest.mark.parametrize(
    ("age", "guardian", "missing"),
    [(17, False, True), (17, True, False), (18, False, False), (0, False, True), (0, True, False),
     (45, True, False), (17, None, True)],
)  # fmt: skip
def test_minors_need_guardian_consent(age, guardian, missing):
    fields = {"age": age} | ({"guardian_consent": guardian} if guardian is not None else {})
    data = payload([], [item("massage", "upper_back"), item("cold", "calf_l")], **fields)
    if guardian is None:
        del data["guardian_consent"]
    result = screen(data)
    for each in result["items"]:
        pairs = [(f["condition"], f["category"]) for f in each["findings"]]
        assert (("guardian_consent_missing", "absolute") in pairs) is missing
        assert each["verdict"] == ("contraindicated" if missing else "ok")


def test_consent_findings_come_with_the_clinical_ones():
    result = screen(payload([{"code": "diabetes"}], [item("massage", "upper_back")], consent=False, age=16))
    assert findings_of(result) == [
        ("no_consent", "absolute"),
        ("guardian_consent_missing", "absolute"),
        ("diabetes", "precaution"),
    ]


# --- endangerment sites (the reference 1 and 2.2) ---------------------------------------------------


@pytest.mark.parametrize("site", ENDANGERMENT_SITES)
@pytest.mark.parametrize("technique", DEEP_AND_GUN)
def test_deep_techniques_at_an_endangerment_site_are_local(site, technique):
    result = screen(payload([], [item(technique, site)]))
    assert findings_of(result) == [("endangerment_site", "local")]
    assert result["items"][0]["findings"][0]["region"] == site
    assert result["verdict"] == "contraindicated"


@pytest.mark.parametrize("site", ENDANGERMENT_SITES)
@pytest.mark.parametrize("technique", ["acupuncture", "dry_needling"])
def test_needling_at_an_endangerment_site_is_a_precaution(site, technique):
    # Not in the reference 2.2; the research brief (2.6 needle danger zones, 2.9, 5.3) flags needling there.
    result = screen(payload([], [item(technique, site)]))
    assert findings_of(result) == [("endangerment_site", "precaution")]
    assert result["verdict"] == "modify"


@pytest.mark.parametrize("site", ENDANGERMENT_SITES)
@pytest.mark.parametrize("technique", ["stretching", "heat", "cold"])
def test_non_deep_techniques_at_an_endangerment_site_are_fine(site, technique):
    assert screen(payload([], [item(technique, site)]))["verdict"] == "ok"


@pytest.mark.parametrize("region", ["neck_posterior", "calf_l", "upper_back", "knee_r", "thigh_back_l"])
def test_deep_techniques_elsewhere_are_fine(region):
    assert screen(payload([], [item("massage", region), item("massage_gun", region)]))["verdict"] == "ok"


@pytest.mark.parametrize("group", ["leg_l", "leg_r", "legs"])
def test_the_leg_massager_is_not_an_endangerment_technique(group):
    assert screen(payload([], [item("leg_massager", group)]))["verdict"] == "ok"


# --- the whole-leg rule (the reference 2.1) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "lesion", "verdict"),
    [
        ("leg_l", "calf_l", "contraindicated"),
        ("leg_l", "thigh_front_l", "contraindicated"),
        ("leg_l", "ankle_foot_l", "contraindicated"),
        ("leg_l", "calf_r", "ok"),
        ("leg_l", "legs", "contraindicated"),
        ("leg_l", "leg_r", "ok"),
        ("leg_r", "calf_r", "contraindicated"),
        ("legs", "calf_r", "contraindicated"),
        ("legs", "popliteal_l", "contraindicated"),
        ("legs", "upper_arm_l", "ok"),
        ("legs", "hip_l", "ok"),  # the hip is not part of the leg group
    ],
)
def test_leg_massager_covers_the_whole_leg(group, lesion, verdict):
    result = screen(payload([{"code": "skin_lesion", "region": lesion}], [item("leg_massager", group)]))
    assert result["verdict"] == verdict


def test_a_condition_on_a_leg_group_applies_to_single_regions_of_that_leg():
    conditions = [{"code": "varicose_veins", "region": "leg_r"}]
    plan = [item("massage", "calf_r"), item("massage", "calf_l"), item("heat", "thigh_back_r")]
    result = screen(payload(conditions, plan))
    assert [i["verdict"] for i in result["items"]] == ["contraindicated", "ok", "contraindicated"]


def test_a_local_finding_elsewhere_is_not_listed():
    conditions = [{"code": "skin_lesion", "region": "calf_l"}]
    result = screen(payload(conditions, [item("massage", "calf_r"), item("massage", "calf_l")]))
    assert result["items"][0]["findings"] == []
    assert findings_of(result, 1) == [("skin_lesion", "local")]


def test_pacemaker_region_defaults_to_the_left_chest():
    plan = [item("massage", "chest_l"), item("massage", "chest_r"), item("massage_gun", "chest_l")]
    result = screen(payload([{"code": "pacemaker"}], plan))
    assert [i["verdict"] for i in result["items"]] == ["contraindicated", "ok", "contraindicated"]
    assert result["items"][0]["findings"][0]["region"] == "chest_l"


def test_a_recorded_pacemaker_region_replaces_the_default():
    plan = [item("massage", "chest_l"), item("massage", "chest_r")]
    result = screen(payload([{"code": "pacemaker", "region": "chest_r"}], plan))
    assert [i["verdict"] for i in result["items"]] == ["ok", "contraindicated"]


# --- verdicts, order, duplicates ------------------------------------------------------------------


def test_empty_plan_is_ok():
    result = screen(payload([{"code": "fever"}], []))
    assert result == {"verdict": "ok", "items": [], "rules_version": "default-2026.11"}


@pytest.mark.parametrize(
    ("plan", "item_verdicts", "session"),
    [
        ([("stretching", "upper_back")], ["ok"], "ok"),
        ([("stretching", "upper_back"), ("massage", "upper_back")], ["ok", "modify"], "modify"),
        ([("massage", "upper_back"), ("massage_gun", "upper_back")], ["modify", "refer"], "refer"),
        ([("massage_gun", "upper_back"), ("massage", "neck_anterior"), ("cold", "calf_r")],
         ["refer", "contraindicated", "ok"], "contraindicated"),
        ([("cold", "calf_r"), ("cold", "calf_r")], ["ok", "ok"], "ok"),
    ],
)  # fmt: skip
def test_session_verdict_is_the_worst_item_and_items_keep_plan_order(plan, item_verdicts, session):
    # anticoagulant: D precaution, G referral, heat/cold and stretching nothing (the reference 2.2)
    result = screen(payload([{"code": "anticoagulant"}], [item(t, r) for t, r in plan]))
    assert [(i["technique"], i["region"]) for i in result["items"]] == plan
    assert [i["verdict"] for i in result["items"]] == item_verdicts
    assert result["verdict"] == session


def test_findings_are_listed_worst_first():
    conditions = [
        {"code": "diabetes"},
        {"code": "heart_disease"},
        {"code": "skin_lesion", "region": "calf_l"},
    ]
    result = screen(payload(conditions, [item("massage", "calf_l")]))
    assert [f["category"] for f in result["items"][0]["findings"]] == ["local", "referral", "precaution"]


def test_duplicate_conditions_give_one_finding_per_item():
    conditions = [{"code": "anticoagulant"}, {"code": "anticoagulant"}]
    conditions += [{"code": "skin_lesion", "region": "calf_l"}] * 2
    result = screen(payload(conditions, [item("massage", "calf_l")]))
    assert sorted(findings_of(result)) == [("anticoagulant", "precaution"), ("skin_lesion", "local")]


def test_the_same_condition_at_two_regions_lists_both():
    conditions = [
        {"code": "skin_lesion", "region": "calf_l"},
        {"code": "skin_lesion", "region": "thigh_front_l"},
    ]
    result = screen(payload(conditions, [item("leg_massager", "leg_l")]))
    assert sorted(f["region"] for f in result["items"][0]["findings"]) == ["calf_l", "thigh_front_l"]


def test_every_finding_has_a_message_and_a_source():
    conditions = [{"code": code} for code in ("fever", "anticoagulant", "pregnancy", "heart_disease")]
    result = screen(
        payload(conditions, [item("massage", "abdomen"), item("leg_massager", "legs")], consent=False)
    )
    findings = [f for i in result["items"] for f in i["findings"]]
    assert len(findings) >= 8
    for finding in findings:
        assert set(finding) >= {"condition", "category", "message", "source"}
        assert len(finding["message"]) > 20 and len(finding["source"]) > 5


def test_the_result_is_plain_data_and_the_payload_is_untouched():
    data = payload([{"code": "pregnancy", "weeks": 30}], [item("massage", "abdomen")])
    before = copy.deepcopy(data)
    result = screen(data)
    assert data == before
    assert json.loads(json.dumps(result)) == result
