"""Every cell of the the reference 2.2 table, for every technique of its column, checked through screen().

The expectations are written out here from the reference 2.2 (not read from clinic.rules.policy), in this
file's own notation: "-" no finding; a category alone applies wherever the technique is used; "local"
applies at the condition's region; "local@a,b" applies at the regions a and b; parts are joined by " + ".
"""

import pytest

from clinic.rules.screening import screen

COLUMNS = ("D", "G", "L", "N", "heat", "cold", "S")
TECHNIQUES_OF = {
    "D": ("hand_pressure", "massage", "massage_ball", "foam_roller"),
    "G": ("massage_gun",),
    "L": ("leg_massager",),
    "N": ("acupuncture", "dry_needling"),
    "heat": ("heat",),
    "cold": ("cold",),
    "S": ("stretching",),
}
ABS, REF, PREC, LOC, NO = "absolute", "referral", "precaution", "local", "-"
PREC_LOC = "precaution + local"  # dvt_history: "precaution; local at region (if given)"
PREG_ABD = "precaution + local@abdomen"
PREG_ABD_LB = "precaution + local@abdomen,lower_back"

# the reference 2.2, with the H column split into heat and cold by its notes ("no heat on abdomen",
# "local (heat); cold is fine", "local (heat)").
# fmt: off
EXPECTED = {
    # condition                  D         G            L     N            heat      cold  S
    "fever":                     (ABS,     ABS,         ABS,  ABS,         ABS,      ABS,  ABS),
    "cannot_consent":            (ABS,     ABS,         ABS,  ABS,         ABS,      ABS,  ABS),
    "dvt_active":                (ABS,     ABS,         ABS,  ABS,         ABS,      ABS,  ABS),
    "skin_lesion":               (LOC,     LOC,         LOC,  LOC,         LOC,      LOC,  NO),
    "dvt_history":               (PREC_LOC, PREC_LOC,   REF,  PREC,        NO,       NO,   NO),
    "anticoagulant":             (PREC,    REF,         PREC, PREC,        NO,       NO,   NO),
    "bleeding_disorder":         (REF,     ABS,         REF,  ABS,         NO,       NO,   NO),
    "pregnancy":                 (PREG_ABD, PREG_ABD_LB, REF, PREG_ABD_LB, PREG_ABD, PREC, PREC),
    "high_risk_pregnancy":       (REF,     REF,         REF,  REF,         REF,      REF,  REF),
    "cancer_active":             (REF,     REF,         REF,  REF,         PREC,     PREC, PREC),
    "bone_metastasis":           (LOC,     LOC,         LOC,  LOC,         NO,       NO,   LOC),
    "radiation_site":            (LOC,     LOC,         LOC,  LOC,         LOC,      LOC,  NO),
    "recent_surgery":            (LOC,     LOC,         REF,  LOC,         LOC,      LOC,  LOC),
    "acute_injury":              (LOC,     LOC,         LOC,  LOC,         LOC,      NO,   LOC),
    "fracture":                  (LOC,     LOC,         LOC,  LOC,         NO,       NO,   LOC),
    "osteoporosis":              (PREC,    PREC,        NO,   PREC,        NO,       NO,   PREC),
    "diabetes":                  (PREC,    PREC,        PREC, PREC,        PREC,     PREC, NO),
    "neuropathy":                (PREC,    PREC,        PREC, PREC,        LOC,      LOC,  NO),
    "insulin_site":              (LOC,     LOC,         NO,   LOC,         NO,       NO,   NO),
    "heart_disease":             (REF,     REF,         ABS,  REF,         REF,      REF,  PREC),
    "hypertension_uncontrolled": (REF,     REF,         REF,  PREC,        PREC,     PREC, NO),
    "hypertension_controlled":   (PREC,    PREC,        PREC, PREC,        NO,       NO,   NO),
    "pacemaker":                 (LOC,     LOC,         NO,   PREC,        NO,       NO,   NO),
    "varicose_veins":            (LOC,     LOC,         REF,  LOC,         LOC,      NO,   NO),
    "lymphedema":                (LOC,     LOC,         REF,  LOC,         LOC,      LOC,  NO),
    "steroid_injection":         (LOC,     LOC,         NO,   LOC,         NO,       NO,   NO),
    "epilepsy":                  (PREC,    PREC,        PREC, PREC,        NO,       NO,   NO),
    "lubricant_allergy":         (PREC,    NO,          NO,   NO,          NO,       NO,   NO),
    "latex_allergy":             (PREC,    NO,          NO,   PREC,        NO,       NO,   NO),
    "kidney_disease":            (PREC,    PREC,        REF,  PREC,        NO,       NO,   NO),
    "fibromyalgia":              (PREC,    PREC,        PREC, PREC,        NO,       NO,   NO),
}
# fmt: on
# "lubricant_allergy: precaution (massage, hand_pressure only)"
PER_TECHNIQUE = {("lubricant_allergy", "foam_roller"): NO, ("lubricant_allergy", "massage_ball"): NO}
# Conditions whose region is optional, screened without one: "local at region if given" drops out,
# and neuropathy's heat/cold becomes "else precaution".
WITHOUT_REGION = {
    "dvt_history": (PREC, PREC, REF, PREC, NO, NO, NO),
    "neuropathy": (PREC, PREC, PREC, PREC, PREC, PREC, NO),
}
TAKES_REGION = {
    "skin_lesion", "dvt_history", "bone_metastasis", "radiation_site", "recent_surgery", "acute_injury",
    "fracture", "neuropathy", "insulin_site", "pacemaker", "varicose_veins", "lymphedema",
    "steroid_injection",
}  # fmt: skip
TAKES_DATE = {"recent_surgery", "acute_injury", "steroid_injection"}

ON = "2026-11-16"
CONDITION_REGION = "calf_l"  # on the left leg, not an endangerment site, not abdomen or lower back
# probe region -> does it cover the condition's region?
PROBES = {"calf_l": True, "upper_arm_r": False, "abdomen": False, "lower_back": False}
LEG_PROBES = {"leg_l": True, "leg_r": False}


def expected_categories(cell: str, probe: str, covers_condition: bool, cleared: bool) -> list[str]:
    categories = []
    for part in [] if cell == NO else cell.split(" + "):
        category, _, regions = part.partition("@")
        if category == LOC and regions:
            applies = probe in regions.split(",")
        elif category == LOC:
            applies = covers_condition
        else:
            applies = True
        if applies:
            categories.append(PREC if cleared and category == REF else category)
    return sorted(categories)


def expected_verdict(categories: list[str]) -> str:
    if ABS in categories or LOC in categories:
        return "contraindicated"
    if REF in categories:
        return "refer"
    return "modify" if PREC in categories else "ok"


def cases(table: dict[str, tuple[str, ...]], with_region: bool) -> list:
    return [
        pytest.param(condition, technique, PER_TECHNIQUE.get((condition, technique), cell), with_region,
                     id=f"{condition}-{technique}-{'region' if with_region else 'no-region'}")
        for condition, cells in table.items()
        for column, cell in zip(COLUMNS, cells, strict=True)
        for technique in TECHNIQUES_OF[column]
    ]  # fmt: skip


def test_the_expected_table_covers_every_condition_and_technique():
    from clinic.rules.vocabulary import CONDITIONS, TECHNIQUES

    assert set(EXPECTED) == set(CONDITIONS)
    assert sorted(t for techniques in TECHNIQUES_OF.values() for t in techniques) == sorted(TECHNIQUES)


@pytest.mark.parametrize("cleared", [False, True], ids=["not-cleared", "cleared"])
@pytest.mark.parametrize(
    ("condition", "technique", "cell", "with_region"),
    cases(EXPECTED, with_region=True) + cases(WITHOUT_REGION, with_region=False),
)
def test_cell(condition, technique, cell, with_region, cleared):
    entry = {"code": condition, "cleared": cleared}
    if condition in TAKES_REGION and with_region:
        entry["region"] = CONDITION_REGION
    if condition in TAKES_DATE:
        entry["date"] = ON
    probes = LEG_PROBES if technique == "leg_massager" else PROBES
    payload = {
        "on": ON,
        "age": 40,
        "consent": True,
        "guardian_consent": False,
        "conditions": [entry],
        "plan": [{"technique": technique, "region": probe} for probe in probes],
    }
    result = screen(payload)
    assert [item["region"] for item in result["items"]] == list(probes)
    for item, (probe, covers) in zip(result["items"], probes.items(), strict=True):
        expected = expected_categories(cell, probe, covers and with_region, cleared)
        got = sorted(finding["category"] for finding in item["findings"])
        assert got == expected, f"{condition} / {technique} at {probe}"
        assert item["verdict"] == expected_verdict(expected)
        for finding in item["findings"]:
            assert finding["condition"] == condition
            assert finding["message"].strip() and finding["source"].strip()
