"""The clinical vocabulary of docs/clinical-reference.md section 1: techniques, regions and conditions.

Codes are stable: they are stored, exported and used in the API. Labels are what people read.
Source: docs/clinical-reference.md, section 1.
"""

from types import MappingProxyType

TECHNIQUES = MappingProxyType(
    {
        "hand_pressure": "Hand pressure (ischemic compression)",
        "massage": "Massage",
        "foam_roller": "Foam roller",
        "massage_ball": "Massage ball",
        "massage_gun": "Massage gun (percussive device)",
        "leg_massager": "Leg massager (pneumatic compression)",
        "acupuncture": "Acupuncture",
        "dry_needling": "Dry needling",
        "stretching": "Stretching",
        "heat": "Heat",
        "cold": "Cold",
    }
)

DEEP_TECHNIQUES = frozenset({"hand_pressure", "massage", "foam_roller", "massage_ball", "massage_gun"})
NEEDLING = frozenset({"acupuncture", "dry_needling"})


def _paired(code: str, label: str) -> dict[str, str]:
    return {f"{code}_l": f"{label}, left", f"{code}_r": f"{label}, right"}


REGIONS = MappingProxyType(
    {
        "head": "Head",
        "face": "Face",
        **_paired("jaw", "Jaw"),
        "neck_anterior": "Neck, front",
        "neck_posterior": "Neck, back",
        **_paired("shoulder", "Shoulder"),
        "upper_back": "Upper back",
        "mid_back": "Mid back",
        "lower_back": "Lower back",
        **_paired("chest", "Chest"),
        "abdomen": "Abdomen",
        **_paired("axilla", "Armpit"),
        **_paired("upper_arm", "Upper arm"),
        **_paired("elbow", "Elbow"),
        **_paired("forearm", "Forearm"),
        **_paired("wrist_hand", "Wrist and hand"),
        **_paired("hip", "Hip"),
        **_paired("gluteal", "Buttock"),
        **_paired("groin", "Groin"),
        **_paired("thigh_front", "Thigh, front"),
        **_paired("thigh_back", "Thigh, back"),
        **_paired("knee", "Knee"),
        **_paired("popliteal", "Back of knee"),
        **_paired("calf", "Calf"),
        **_paired("shin", "Shin"),
        **_paired("ankle_foot", "Ankle and foot"),
    }
)

_LEG_PARTS = ("thigh_front", "thigh_back", "knee", "popliteal", "calf", "shin", "ankle_foot")

# Groups name several regions at once; leg_massager is planned on a group, not a single region.
REGION_GROUPS = MappingProxyType(
    {
        "leg_l": frozenset(f"{part}_l" for part in _LEG_PARTS),
        "leg_r": frozenset(f"{part}_r" for part in _LEG_PARTS),
        "legs": frozenset(f"{part}_{side}" for part in _LEG_PARTS for side in "lr"),
    }
)
REGION_GROUP_LABELS = MappingProxyType({"leg_l": "Left leg", "leg_r": "Right leg", "legs": "Both legs"})

ENDANGERMENT_SITES = frozenset(
    {"neck_anterior", "axilla_l", "axilla_r", "groin_l", "groin_r", "popliteal_l", "popliteal_r"}
)

# code -> (label, attributes it may carry). Every condition may also carry "cleared".
CONDITIONS = MappingProxyType(
    {
        "fever": ("Fever, acute infection or contagious illness", ()),
        "skin_lesion": ("Open wound, local infection, rash, burn or blister", ("region",)),
        "dvt_active": ("Active or suspected deep vein thrombosis", ()),
        "dvt_history": ("Past blood clot, treated", ("region",)),
        "anticoagulant": ("Anticoagulant or antiplatelet medication", ()),
        "bleeding_disorder": ("Bleeding disorder (haemophilia, low platelets)", ()),
        "pregnancy": ("Pregnancy", ("weeks",)),
        "high_risk_pregnancy": ("High-risk pregnancy", ()),
        "cancer_active": ("In active cancer treatment", ()),
        "bone_metastasis": ("Bone metastasis", ("region",)),
        "radiation_site": ("Current or recent radiation field", ("region",)),
        "recent_surgery": ("Recent surgery", ("region", "date")),
        "acute_injury": ("Acute injury (sprain, strain, contusion)", ("region", "date")),
        "fracture": ("Unhealed fracture", ("region",)),
        "osteoporosis": ("Osteoporosis or osteopenia", ()),
        "diabetes": ("Diabetes", ()),
        "neuropathy": ("Neuropathy (numbness, reduced sensation)", ("region",)),
        "insulin_site": ("Insulin injection site or pump", ("region",)),
        "heart_disease": ("Heart disease (unstable angina, recent MI, heart failure)", ()),
        "hypertension_uncontrolled": ("High blood pressure, uncontrolled", ()),
        "hypertension_controlled": ("High blood pressure, controlled", ()),
        "pacemaker": ("Pacemaker, ICD or implanted electronic device", ("region",)),
        "varicose_veins": ("Varicose veins", ("region",)),
        "lymphedema": ("Lymphoedema or lymph-node removal", ("region",)),
        "steroid_injection": ("Corticosteroid injection", ("region", "date")),
        "epilepsy": ("Epilepsy", ()),
        "lubricant_allergy": ("Allergy to nut oils, lotions or fragrance", ()),
        "latex_allergy": ("Latex allergy", ()),
        "kidney_disease": ("Kidney disease (incl. dialysis)", ()),
        "fibromyalgia": ("Fibromyalgia", ()),
        "cannot_consent": ("Unable to give informed consent today", ()),
    }
)

# Conditions whose region is required (others take it optionally or not at all).
REGION_REQUIRED = frozenset(
    {
        "skin_lesion",
        "bone_metastasis",
        "radiation_site",
        "recent_surgery",
        "acute_injury",
        "fracture",
        "insulin_site",
        "varicose_veins",
        "lymphedema",
        "steroid_injection",
    }
)
DATE_REQUIRED = frozenset({"recent_surgery", "acute_injury", "steroid_injection"})
DEFAULT_REGIONS = MappingProxyType({"pacemaker": "chest_l"})


def region_label(code: str) -> str:
    """The readable name of a region or region group code."""
    return REGIONS.get(code) or REGION_GROUP_LABELS.get(code) or code


def condition_label(code: str) -> str:
    """The readable name of a condition code."""
    entry = CONDITIONS.get(code)
    return entry[0] if entry else code
