"""The policy as data: rule listing for the settings page, clinic overrides and the rules version."""

import re

import pytest

from clinic.rules.policy import DEFAULT_POLICY, Policy, default_rules, with_overrides
from clinic.rules.screening import screen
from clinic.rules.vocabulary import CONDITIONS, TECHNIQUES

ANTICOAGULANT_GUN = {
    "on": "2026-11-16",
    "age": 40,
    "consent": True,
    "conditions": [{"code": "anticoagulant"}],
    "plan": [
        {"technique": "massage_gun", "region": "upper_back"},
        {"technique": "massage", "region": "upper_back"},
    ],
}


def verdicts(result):
    return [item["verdict"] for item in result["items"]]


# --- default_rules(): what an owner's settings page lists ------------------------------------------


def test_every_rule_is_listed_with_what_a_settings_page_needs():
    rules = default_rules()
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule["category"] in {"absolute", "local", "referral", "precaution"}
        assert rule["techniques"] and set(rule["techniques"]) <= set(TECHNIQUES)
        assert rule["message"].strip() and rule["source"].strip() and rule["applies"].strip()
        assert rule["category"] == rule["default_category"]
    assert {rule["condition"] for rule in rules} >= set(CONDITIONS) | {"endangerment_site", "no_consent"}


def test_rule_ids_follow_the_table_and_are_stable():
    by_id = {rule["id"]: rule for rule in default_rules()}
    assert by_id["anticoagulant/G"]["category"] == "referral"
    assert by_id["anticoagulant/G"]["techniques"] == ["massage_gun"]
    assert by_id["pregnancy/D/at-abdomen"]["category"] == "local"
    assert by_id["pregnancy/D/at-abdomen"]["regions"] == ["abdomen"]
    assert by_id["lubricant_allergy/D"]["techniques"] == ["hand_pressure", "massage"]
    assert by_id["acute_injury/H"]["techniques"] == ["heat"]
    assert by_id["recent_surgery/L"]["window_days"] == 42
    assert by_id["acute_injury/D"]["window_days"] == 3
    assert by_id["steroid_injection/N"]["window_days"] == 2
    assert by_id["fever/S"]["window_days"] is None


def test_the_consent_gates_are_listed_but_not_overridable():
    gates = [rule for rule in default_rules() if not rule["overridable"]]
    assert sorted(rule["condition"] for rule in gates) == ["guardian_consent_missing", "no_consent"]
    assert all(rule["category"] == "absolute" and rule["allowed"] == [] for rule in gates)


def test_no_message_advises_changing_medication():
    # docs/clinical-reference.md 2.3: never advise a client to stop or change medication.
    pattern = re.compile(
        r"\b(stop|change|skip|pause|reduce|hold)\w*\b.{0,40}\b(medic|drug|dose|thinner|insulin)", re.I
    )
    for rule in default_rules():
        assert not pattern.search(rule["message"]), rule["id"]


# --- overrides ------------------------------------------------------------------------------------


def test_the_default_version_is_reported():
    assert screen(ANTICOAGULANT_GUN)["rules_version"] == DEFAULT_POLICY.version == "default-2026.11"


def test_an_override_changes_the_verdict_and_the_version():
    clinic = with_overrides({"anticoagulant/G": "precaution"}, "clinic-7-v3")
    result = screen(ANTICOAGULANT_GUN, clinic)
    assert verdicts(result) == ["modify", "modify"]
    assert result["rules_version"] == "clinic-7-v3"
    assert "clearance" not in result["items"][0]["findings"][0]["message"].lower()
    # the default is untouched
    default = screen(ANTICOAGULANT_GUN)
    assert verdicts(default) == ["refer", "modify"]
    assert default["rules_version"] == "default-2026.11"


def test_none_switches_a_rule_off():
    clinic = with_overrides({"anticoagulant/D": "none"}, "clinic-7-v4")
    assert verdicts(screen(ANTICOAGULANT_GUN, clinic)) == ["refer", "ok"]
    listed = {rule["id"]: rule for rule in clinic.describe()}
    assert listed["anticoagulant/D"]["category"] == "none"
    assert listed["anticoagulant/D"]["default_category"] == "precaution"


def test_an_override_can_make_a_rule_stricter():
    clinic = with_overrides({"anticoagulant/D": "absolute"}, "strict-1")
    result = screen(ANTICOAGULANT_GUN, clinic)
    assert verdicts(result) == ["refer", "contraindicated"]
    assert result["items"][1]["findings"][0]["message"].startswith("Do not use today.")


def test_a_region_rule_keeps_its_region_when_its_category_changes():
    clinic = with_overrides({"skin_lesion/D": "precaution"}, "clinic-2")
    data = {
        "on": "2026-11-16",
        "age": 40,
        "consent": True,
        "conditions": [{"code": "skin_lesion", "region": "calf_l"}],
        "plan": [{"technique": "massage", "region": "calf_l"}, {"technique": "massage", "region": "calf_r"}],
    }
    assert verdicts(screen(data)) == ["contraindicated", "ok"]
    assert verdicts(screen(data, clinic)) == ["modify", "ok"]


def test_endangerment_rules_can_be_softened():
    clinic = with_overrides({"endangerment_site/D": "precaution"}, "clinic-3")
    data = {
        "on": "2026-11-16",
        "age": 40,
        "consent": True,
        "conditions": [],
        "plan": [
            {"technique": "massage", "region": "neck_anterior"},
            {"technique": "massage_gun", "region": "groin_l"},
        ],
    }
    assert verdicts(screen(data, clinic)) == ["modify", "contraindicated"]


def test_cleared_applies_to_a_rule_overridden_to_referral():
    clinic = with_overrides({"diabetes/D": "referral"}, "clinic-4")
    data = {**ANTICOAGULANT_GUN, "conditions": [{"code": "diabetes"}], "plan": ANTICOAGULANT_GUN["plan"][1:]}
    assert verdicts(screen(data, clinic)) == ["refer"]
    data["conditions"] = [{"code": "diabetes", "cleared": True}]
    assert verdicts(screen(data, clinic)) == ["modify"]


def test_overrides_stack_on_a_clinic_policy():
    first = with_overrides({"anticoagulant/G": "precaution"}, "clinic-7-v1")
    second = first.with_overrides({"anticoagulant/D": "none"}, "clinic-7-v2")
    assert verdicts(screen(ANTICOAGULANT_GUN, second)) == ["modify", "ok"]
    assert isinstance(second, Policy) and second.version == "clinic-7-v2"


@pytest.mark.parametrize(
    ("overrides", "version", "message"),
    [
        ({"anticoagulant/X": "precaution"}, "v1", r"^overrides\['anticoagulant/X'\]: unknown rule id"),
        ({"flu/D": "absolute"}, "v1", r"^overrides\['flu/D'\]: unknown rule id"),
        ({"fever/D": "maybe"}, "v1", r"^overrides\['fever/D'\]: unknown category 'maybe'"),
        ({"fever/D": "Absolute"}, "v1", r"^overrides\['fever/D'\]: unknown category"),
        ({"fever/D": None}, "v1", r"^overrides\['fever/D'\]: unknown category"),
        ({"anticoagulant/D": "local"}, "v1", r"^overrides\['anticoagulant/D'\]: 'local' needs a region"),
        ({"skin_lesion/D": "absolute"}, "v1", r"^overrides\['skin_lesion/D'\]: .*only at a region"),
        ({"consent/no_consent": "none"}, "v1", r"^overrides\['consent/no_consent'\]: a consent gate"),
        ({"consent/guardian_consent_missing": "precaution"}, "v1", r"consent gate"),
        ({"fever/D": "none"}, "", r"^version:"),
        ({"fever/D": "none"}, None, r"^version:"),
        ([("fever/D", "none")], "v1", r"^overrides:"),
    ],
)
def test_bad_overrides_are_refused(overrides, version, message):
    with pytest.raises(ValueError, match=message):
        with_overrides(overrides, version)


def test_a_failed_override_changes_nothing():
    with pytest.raises(ValueError):
        with_overrides({"anticoagulant/G": "precaution", "nope/D": "none"}, "clinic-9")
    assert verdicts(screen(ANTICOAGULANT_GUN)) == ["refer", "modify"]
