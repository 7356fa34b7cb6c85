"""The intake questionnaire's layout: docs/clinical-reference.md conditions grouped and worded for people.

Codes and their attributes come from clinic.rules.vocabulary (the one source of truth); this module
only decides the order, the groups and the plain words. A test checks that every condition and
every region appears exactly once.
"""

from dataclasses import dataclass

from ..rules.policy import WINDOWS
from ..rules.vocabulary import CONDITIONS, DATE_REQUIRED, REGION_GROUP_LABELS, REGION_REQUIRED, REGIONS


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    hint: str = ""
    # Staff judge these in the room; a client's own form does not ask them.
    staff_only: bool = False
    date_label: str = "Date"
    # How a saved history names it, when the question's wording reads oddly there.
    short: str = ""

    @property
    def takes(self) -> tuple[str, ...]:
        return CONDITIONS[self.code][1]

    @property
    def region_required(self) -> bool:
        return self.code in REGION_REQUIRED

    @property
    def date_required(self) -> bool:
        return self.code in DATE_REQUIRED


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    public_title: str
    items: tuple[Item, ...]

    def shown(self, public: bool) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not (public and item.staff_only))


GROUPS = (
    Group(
        "acute",
        "Today / acute",
        "Right now or recently",
        (
            Item("fever", "Fever, flu or another infection that could spread"),
            Item(
                "cannot_consent",
                "Unable to give informed consent today",
                "Intoxicated, confused or otherwise unable to decide.",
                staff_only=True,
            ),
            Item(
                "acute_injury",
                "New injury: sprain, strain or bruise",
                f"In the last {WINDOWS['acute_injury']} days.",
                date_label="Date of injury",
                short="Injury: sprain, strain or bruise",
            ),
            Item(
                "recent_surgery",
                # the question asks for what screening uses: a surgery older than its window is not asked
                # for, so it never shows as a finding and "resolved" at once
                f"Surgery in the last {WINDOWS['recent_surgery'] // 7} weeks",
                date_label="Date of surgery",
                short="Surgery",
            ),
            Item(
                "steroid_injection",
                "Steroid (cortisone) injection",
                f"In the last {WINDOWS['steroid_injection']} days.",
                date_label="Date of injection",
            ),
        ),
    ),
    Group(
        "blood",
        "Circulation and blood",
        "Circulation and blood",
        (
            Item(
                "dvt_active",
                "Blood clot now, or suspected",
                "Deep vein thrombosis, thrombophlebitis or a clot in the lung.",
            ),
            Item("dvt_history", "Blood clot in the past, treated"),
            Item("bleeding_disorder", "Bleeding disorder", "Haemophilia, low platelets."),
            Item("varicose_veins", "Varicose veins"),
            Item("lymphedema", "Lymphoedema, or lymph nodes removed", "Mark the limb or area at risk."),
        ),
    ),
    Group(
        "heart",
        "Heart and blood pressure",
        "Heart and blood pressure",
        (
            Item("heart_disease", "Heart disease", "Angina, a heart attack or heart failure."),
            Item("hypertension_uncontrolled", "High blood pressure, not under control"),
            Item("hypertension_controlled", "High blood pressure, under control with treatment"),
        ),
    ),
    Group(
        "pregnancy",
        "Pregnancy",
        "Pregnancy",
        (
            Item("pregnancy", "Pregnant"),
            Item(
                "high_risk_pregnancy",
                "Pregnancy complications",
                "Pre-eclampsia, bleeding, placenta problems or early labour.",
            ),
        ),
    ),
    Group(
        "cancer",
        "Cancer",
        "Cancer",
        (
            Item(
                "cancer_active",
                "Cancer treatment now",
                "Chemotherapy, radiotherapy, surgery or other treatment.",
            ),
            Item("bone_metastasis", "Cancer that has spread to the bones"),
            Item("radiation_site", "Area treated with radiotherapy recently"),
        ),
    ),
    Group(
        "bones",
        "Bones and joints",
        "Bones and joints",
        (
            Item("fracture", "Broken bone that has not fully healed"),
            Item("osteoporosis", "Osteoporosis or thinning bones (osteopenia)"),
        ),
    ),
    Group(
        "nerves",
        "Nerves and skin",
        "Nerves and skin",
        (
            Item("neuropathy", "Numbness or reduced feeling (neuropathy)"),
            Item("epilepsy", "Epilepsy or seizures"),
            Item("skin_lesion", "Open wound, rash, burn, blister or skin infection"),
        ),
    ),
    Group(
        "devices",
        "Devices",
        "Devices",
        (
            Item(
                "pacemaker",
                "Pacemaker, defibrillator (ICD) or other implanted electronic device",
                "Chest, left unless you say otherwise.",
            ),
            Item("insulin_site", "Insulin injection site or insulin pump"),
        ),
    ),
    Group(
        "other",
        "Other",
        "Other conditions",
        (
            Item("diabetes", "Diabetes"),
            Item("kidney_disease", "Kidney disease (including dialysis)"),
            Item("fibromyalgia", "Fibromyalgia"),
        ),
    ),
)

# The blood-thinner question sits with the medications, the allergies with the allergies; they are
# still conditions (one source of truth for the screening), only shown in another section.
MEDICATION_ITEMS = (
    Item(
        "anticoagulant",
        "Takes a blood thinner (anticoagulant or antiplatelet medicine)",
        "For example warfarin, apixaban, rivaroxaban, clopidogrel or a daily aspirin.",
        short="Blood thinner (anticoagulant or antiplatelet)",
    ),
)
ALLERGY_ITEMS = (
    Item("lubricant_allergy", "Allergy or sensitivity to nut oils, lotions or fragrance"),
    Item("latex_allergy", "Latex allergy"),
)

ITEMS = {item.code: item for group in GROUPS for item in group.items} | {
    item.code: item for item in MEDICATION_ITEMS + ALLERGY_ITEMS
}
CONDITION_ORDER = {code: position for position, code in enumerate(CONDITIONS)}
GROUP_OF = {item.code: group.key for group in GROUPS for item in group.items}
# Conditions that describe today: on an update they are the first thing to re-ask.
ACUTE = frozenset(item.code for item in GROUPS[0].items)


def plain_label(code: str) -> str:
    """How a saved history names a condition."""
    item = ITEMS.get(code)
    return (item.short or item.label) if item else CONDITIONS.get(code, (code,))[0]


# The region picker: rows of (label, codes) where codes are (left, right) or a single midline code.
# "Whole leg" (a region group) is offered for conditions only: pain is marked on a region.
REGION_SECTIONS: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "Head and neck",
        (
            ("Head", ("head",)),
            ("Face", ("face",)),
            ("Jaw", ("jaw_l", "jaw_r")),
            ("Neck, front", ("neck_anterior",)),
            ("Neck, back", ("neck_posterior",)),
        ),
    ),
    (
        "Shoulders and arms",
        (
            ("Shoulder", ("shoulder_l", "shoulder_r")),
            ("Armpit", ("axilla_l", "axilla_r")),
            ("Upper arm", ("upper_arm_l", "upper_arm_r")),
            ("Elbow", ("elbow_l", "elbow_r")),
            ("Forearm", ("forearm_l", "forearm_r")),
            ("Wrist and hand", ("wrist_hand_l", "wrist_hand_r")),
        ),
    ),
    (
        "Chest, belly and back",
        (
            ("Chest", ("chest_l", "chest_r")),
            ("Abdomen", ("abdomen",)),
            ("Upper back", ("upper_back",)),
            ("Mid back", ("mid_back",)),
            ("Lower back", ("lower_back",)),
        ),
    ),
    (
        "Hips and legs",
        (
            ("Hip", ("hip_l", "hip_r")),
            ("Buttock", ("gluteal_l", "gluteal_r")),
            ("Groin", ("groin_l", "groin_r")),
            ("Thigh, front", ("thigh_front_l", "thigh_front_r")),
            ("Thigh, back", ("thigh_back_l", "thigh_back_r")),
            ("Knee", ("knee_l", "knee_r")),
            ("Back of knee", ("popliteal_l", "popliteal_r")),
            ("Calf", ("calf_l", "calf_r")),
            ("Shin", ("shin_l", "shin_r")),
            ("Ankle and foot", ("ankle_foot_l", "ankle_foot_r")),
        ),
    ),
)
WHOLE_LEG_ROW = ("Whole leg", ("leg_l", "leg_r"))

PAIN_REGIONS = tuple(code for _, rows in REGION_SECTIONS for _, codes in rows for code in codes)
# A condition may sit at one region or at a whole leg (the screening matches either).
CONDITION_REGIONS = PAIN_REGIONS + WHOLE_LEG_ROW[1]
REGION_ORDER = {code: position for position, code in enumerate(CONDITION_REGIONS)}


def region_name(code: str) -> str:
    """ "Knee, right" for a region, "Left leg" for a group."""
    return REGIONS.get(code) or REGION_GROUP_LABELS.get(code) or code


def region_sections(with_groups: bool) -> tuple:
    if not with_groups:
        return REGION_SECTIONS
    return REGION_SECTIONS[:-1] + ((REGION_SECTIONS[-1][0], REGION_SECTIONS[-1][1] + (WHOLE_LEG_ROW,)),)


def groups_for(public: bool) -> list[tuple[Group, tuple[Item, ...]]]:
    """The condition groups with the items a form shows (a client's form skips staff-only items)."""
    return [(group, group.shown(public)) for group in GROUPS]


def template_parts(public: bool) -> dict:
    """What the questionnaire templates need besides the answers (see templates/intake/_form_body.html)."""
    return {
        "groups": groups_for(public),
        "medication_items": MEDICATION_ITEMS,
        "allergy_items": ALLERGY_ITEMS,
        "condition_regions": region_sections(with_groups=True),
        "pain_regions": region_sections(with_groups=False),
    }
