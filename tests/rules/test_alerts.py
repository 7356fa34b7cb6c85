"""standing_alerts(): one line per condition from the policy, worst first; expectations from reference 2."""

from datetime import date, timedelta

import pytest

from clinic.rules.alerts import standing_alerts
from clinic.rules.policy import with_overrides

ON = date(2026, 11, 16)


def alert_for(condition, **kwargs):
    alerts = standing_alerts([condition], ON, **kwargs)
    assert len(alerts) == 1
    return alerts[0]


def days_ago(days):
    return (ON - timedelta(days=days)).isoformat()


# The worst cell of each row of docs/clinical-reference.md 2.2, written out (regions and dates given where the
# condition takes them, dates today so every time window is open).
WORST = {
    "fever": "absolute", "cannot_consent": "absolute", "dvt_active": "absolute", "skin_lesion": "local",
    "dvt_history": "local", "anticoagulant": "referral", "bleeding_disorder": "absolute",
    "pregnancy": "local", "high_risk_pregnancy": "referral", "cancer_active": "referral",
    "bone_metastasis": "local", "radiation_site": "local", "recent_surgery": "local", "acute_injury": "local",
    "fracture": "local", "osteoporosis": "precaution", "diabetes": "precaution", "neuropathy": "local",
    "insulin_site": "local", "heart_disease": "absolute", "hypertension_uncontrolled": "referral",
    "hypertension_controlled": "precaution", "pacemaker": "local", "varicose_veins": "local",
    "lymphedema": "local", "steroid_injection": "local", "epilepsy": "precaution",
    "lubricant_allergy": "precaution", "latex_allergy": "precaution", "kidney_disease": "referral",
    "fibromyalgia": "precaution",
}  # fmt: skip
WITH_REGION = {
    "skin_lesion", "dvt_history", "bone_metastasis", "radiation_site", "recent_surgery", "acute_injury",
    "fracture", "neuropathy", "insulin_site", "varicose_veins", "lymphedema", "steroid_injection",
}  # fmt: skip
DATED = {"recent_surgery", "acute_injury", "steroid_injection"}


@pytest.mark.parametrize("code", sorted(WORST))
def test_every_condition_gets_the_worst_category_of_its_row(code):
    condition = {"code": code}
    if code in WITH_REGION:
        condition["region"] = "calf_l"
    if code in DATED:
        condition["date"] = ON.isoformat()
    alert = alert_for(condition)
    assert alert["severity"] == WORST[code]
    assert alert["condition"] == code and not alert["resolved"]
    assert alert["text"].startswith(alert["label"]) and alert["text"].endswith(".")
    assert alert["badge"] == {"absolute": "contraindicated", "local": "contraindicated", "referral": "refer",
                              "precaution": "modify"}[WORST[code]]  # fmt: skip


def test_anticoagulant_refers_before_the_gun_and_modifies_the_rest():
    alert = alert_for({"code": "anticoagulant"})
    assert alert["text"] == (
        "Anticoagulant or antiplatelet medication: refer before massage gun; "
        "precaution for deep work, leg massager and needling."
    )
    assert [(p["category"], p["techniques"]) for p in alert["parts"]] == [
        ("referral", ["massage_gun"]),
        ("precaution", ["acupuncture", "dry_needling", "foam_roller", "hand_pressure", "leg_massager",
                        "massage", "massage_ball"]),
    ]  # fmt: skip


def test_worst_first_within_a_line():
    # bleeding_disorder: D referral, G absolute, L referral, N absolute (docs/clinical-reference.md 2.2)
    alert = alert_for({"code": "bleeding_disorder"})
    assert alert["detail"] == "no massage gun or needling today; refer before deep work and leg massager."


def test_absolute_everywhere_says_no_treatment():
    assert alert_for({"code": "fever"})["detail"] == "no treatment today."


def test_region_words_and_local_parts():
    alert = alert_for({"code": "fracture", "region": "wrist_hand_r"})
    assert alert["label"] == "Unhealed fracture — right wrist and hand"
    assert (
        "no deep work, massage gun, leg massager, needling or stretching at the right wrist and hand"
        in alert["text"]
    )
    assert "heat" not in alert["text"]  # fracture: no finding for heat/cold


def test_scoped_rules_need_the_condition_region():
    # dvt_history: D and G are "precaution; local at region if given", L referral, N precaution.
    without = alert_for({"code": "dvt_history"})
    assert without["severity"] == "referral" and "at the" not in without["text"]
    with_region = alert_for({"code": "dvt_history", "region": "calf_l"})
    assert with_region["detail"] == (
        "no deep work or massage gun at the left calf; refer before leg massager; "
        "precaution for deep work, massage gun and needling."
    )


def test_pregnancy_is_local_at_abdomen_and_lower_back_and_modified_elsewhere():
    text = alert_for({"code": "pregnancy", "weeks": 24})["text"]
    assert "no deep work or heat at the abdomen" in text
    assert "no massage gun or needling at the abdomen or lower back" in text
    assert "refer before leg massager" in text
    assert "precaution for deep work, massage gun, needling, heat/cold and stretching" in text


def test_acute_injury_heat_only_cold_is_fine():
    text = alert_for({"code": "acute_injury", "region": "ankle_foot_l", "date": days_ago(1)})["text"]
    assert "heat" in text and "cold" not in text


def test_lubricant_allergy_names_the_techniques_not_the_group():
    assert alert_for({"code": "lubricant_allergy"})["detail"] == "precaution for hand pressure and massage."


def test_neuropathy_local_at_region_else_precaution_for_heat():
    assert (
        "no heat/cold at the left ankle and foot"
        in alert_for({"code": "neuropathy", "region": "ankle_foot_l"})["text"]
    )
    assert (
        "precaution for deep work, massage gun, leg massager, needling and heat/cold"
        in alert_for({"code": "neuropathy"})["text"]
    )


def test_pacemaker_defaults_to_the_left_chest():
    alert = alert_for({"code": "pacemaker"})
    assert alert["region"] == "chest_l" and "at the left chest" in alert["text"]


@pytest.mark.parametrize(
    ("code", "window"), [("recent_surgery", 42), ("acute_injury", 3), ("steroid_injection", 2)]
)
def test_time_windows_inclusive_then_resolved(code, window):
    inside = alert_for({"code": code, "region": "knee_r", "date": days_ago(window)})
    assert inside["severity"] == "local" and not inside["resolved"]
    outside = alert_for({"code": code, "region": "knee_r", "date": days_ago(window + 1)})
    assert outside["resolved"] and outside["severity"] is None and "resolved" in outside["text"]


def test_resolved_conditions_come_last():
    alerts = standing_alerts(
        [{"code": "recent_surgery", "region": "knee_r", "date": days_ago(60)}, {"code": "osteoporosis"}], ON
    )
    assert [a["condition"] for a in alerts] == ["osteoporosis", "recent_surgery"]


def test_clearance_softens_referral_only():
    cleared = alert_for({"code": "high_risk_pregnancy", "cleared": True})
    assert cleared["severity"] == "precaution" and "clearance on file" in cleared["text"]
    assert alert_for({"code": "fever", "cleared": True})["severity"] == "absolute"
    assert alert_for({"code": "fracture", "region": "calf_l", "cleared": True})["severity"] == "local"
    anticoagulant = alert_for({"code": "anticoagulant", "cleared": True})
    assert anticoagulant["severity"] == "precaution" and "refer" not in anticoagulant["detail"]


@pytest.mark.parametrize(
    ("consent", "age", "guardian", "expected"),
    [
        (True, 40, False, []),
        (False, 40, False, ["no_consent"]),
        (True, 16, False, ["guardian_consent_missing"]),
        (True, 16, True, []),
        (False, 12, False, ["no_consent", "guardian_consent_missing"]),
        (True, 18, False, []),
    ],
)
def test_consent_alerts(consent, age, guardian, expected):
    alerts = standing_alerts([], ON, consent=consent, age=age, guardian_consent=guardian)
    assert [a["condition"] for a in alerts] == expected
    assert all(a["severity"] == "absolute" for a in alerts)


def test_order_is_worst_first_with_consent_on_top():
    conditions = [
        {"code": "osteoporosis"},
        {"code": "anticoagulant"},
        {"code": "fracture", "region": "shin_l"},
        {"code": "fever"},
    ]
    alerts = standing_alerts(conditions, ON, consent=False, age=40)
    assert [a["condition"] for a in alerts] == [
        "no_consent",
        "fever",
        "fracture",
        "anticoagulant",
        "osteoporosis",
    ]


def test_the_clinics_policy_changes_the_alert():
    policy = with_overrides({"anticoagulant/G": "absolute", "anticoagulant/L": "none"}, "clinic-1-v2")
    alert = alert_for({"code": "anticoagulant"}, policy=policy)
    assert alert["severity"] == "absolute"
    assert alert["detail"] == "no massage gun today; precaution for deep work and needling."


def test_a_condition_whose_rules_are_all_off_says_so():
    policy = with_overrides({"osteoporosis/D": "none", "osteoporosis/G": "none", "osteoporosis/N": "none",
                             "osteoporosis/S": "none"}, "clinic-1-v5")  # fmt: skip
    alert = alert_for({"code": "osteoporosis"}, policy=policy)
    assert alert["severity"] is None and "no restriction" in alert["text"]


def test_bad_data_never_raises():
    alerts = standing_alerts(
        [{"code": "made_up"}, {"code": "recent_surgery", "region": "knee_l", "date": "not a date"}, "junk"],
        ON,
    )
    assert [a["condition"] for a in alerts] == ["recent_surgery", "made_up"]
    assert "check the health history" in alerts[1]["text"]


def test_date_objects_are_accepted():
    alert = alert_for({"code": "steroid_injection", "region": "shoulder_r", "date": ON - timedelta(days=5)})
    assert alert["resolved"]
