"""The aftercare sheet's standard wording as data, and a clinic's versioned override of it.

Source: docs/clinical-reference.md section 5 and docs/clinical-sources.md section 4.

A clinic may replace the text of any block in EDITABLE_KEYS. It cannot edit the red flags,
the precautions or the headings: those are safety content that every sheet carries as written
here (a clinic can't remove a red flag). Texts are plain text, never markup; a blank line starts
a new paragraph; "{muscles}" in a self-care text is replaced by the muscles treated (a plain
replace, never str.format, so an owner's text cannot reach Python attributes).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

MAX_TEXT_LENGTH = 2000
MUSCLES_PLACEHOLDER = "{muscles}"

_STANDARD_TEXTS = {
    "what_to_expect": (
        "Some soreness or tenderness in the treated muscles is normal, a bit like after exercise. "
        "It usually eases within 24 to 72 hours. You may also feel tired or a little light-headed "
        "today: get up slowly from lying or sitting."
    ),
    "what_to_expect_needling": (
        "After needling, the spots where the needles went in often feel sore or bruised. "
        "This eases in the same way, usually within 24 to 72 hours."
    ),
    "hydration": (
        "Drink normally through the day, to thirst: water, or drinks with electrolytes if you "
        "sweat a lot. There is no need to force down extra water."
    ),
    "cold_compress": (
        "On a sore spot you can use a cold compress: wrap an ice pack or a bag of frozen peas in a "
        "thin cloth (never put ice straight on the skin) and hold it there for up to 15 to 20 "
        "minutes at a time. Let the skin warm up again in between. You can do this several times a "
        "day for the first 48 hours."
    ),
    "rest": (
        "Avoid strenuous use of the treated muscles for 24 to 48 hours: no heavy lifting, hard "
        "training or long runs that load them. Gentle everyday movement and walking are good."
    ),
    "self_care_massage_ball": (
        "Place a tennis or massage ball between a wall (or the floor) and your {muscles}. Lean in "
        "gently and stay on a tender spot for 30 to 90 seconds, until it eases. It may feel tender "
        "but never sharp. Once or twice a day."
    ),
    "self_care_foam_roller": (
        "Roll slowly over your {muscles} for 30 seconds to 2 minutes per muscle, "
        "pausing on tender spots and breathing out. Keep off bones and joints, and do not roll "
        "your lower back."
    ),
    "self_care_stretching": (
        "For your {muscles}: move gently into the stretch until you feel mild tension, "
        "hold for 20 to 30 seconds while breathing calmly, and repeat 2 or 3 times, once or twice "
        "a day. Never bounce, and never stretch into pain."
    ),
    "self_care_massage_gun": (
        "If you have one, use the lowest speed and a soft attachment on your "
        "{muscles}, keep it moving, no more than 60 seconds on one spot and about 2 minutes per "
        "muscle group. Keep it off bones, joints, the front of the neck, the armpit, the groin and "
        "the back of the knee."
    ),
    "self_care_general": (
        "Gentle movement of the treated area through the day helps. There is nothing else you need "
        "to do at home."
    ),
    "closing": (
        "Thank you for visiting us today. If anything here is unclear, or you are unsure whether "
        "something is normal, call us: we are happy to help."
    ),
}
EDITABLE_KEYS = frozenset(_STANDARD_TEXTS)
# Said (in self_care_general) only when true: no advice, no self-care, no precaution (sheet.py).
NOTHING_ELSE = "There is nothing else you need to do at home."
THERAPIST_ADVICE_LEAD = "Your therapist's advice"

# Self-care per technique code: (bold lead, text key). Techniques not listed get no home advice.
# The techniques in the client's words (the vocabulary's labels are for therapists).
CLIENT_TECHNIQUES = MappingProxyType(
    {
        "hand_pressure": "Steady hand pressure on tight spots",
        "massage": "Massage",
        "foam_roller": "Foam roller",
        "massage_ball": "Massage ball",
        "massage_gun": "Massage gun",
        "leg_massager": "Leg compression sleeves",
        "acupuncture": "Acupuncture",
        "dry_needling": "Dry needling",
        "stretching": "Stretching",
        "heat": "Heat",
        "cold": "Cold",
    }
)

SELF_CARE = MappingProxyType(
    {
        "massage_ball": ("Massage ball against a wall", "self_care_massage_ball"),
        "foam_roller": ("Foam roller", "self_care_foam_roller"),
        "stretching": ("Gentle stretches", "self_care_stretching"),
        "massage_gun": ("Massage gun at home", "self_care_massage_gun"),
    }
)

HEADINGS = MappingProxyType(
    {
        "treated": "What we did today",
        "what_to_expect": "What to expect",
        "hydration": "Hydration",
        "cold_compress": "Cold compress",
        "rest": "Rest",
        "self_care": "Self-care at home",
        "precautions": "Precautions for you",
        "when_to_call": "When to call",
        "appointments": "Your next appointments",
        "contact": "How to reach us",
    }
)
CALL_CLINIC_HEADING = "Call the clinic"
URGENT_HEADING = "Seek urgent care"

# Every red flag of the reference 5 (plus sudden one-sided weakness, research 4.2), on every sheet.
# True = seek urgent care or emergency services; False = call the clinic.
RED_FLAGS: tuple[tuple[str, str, bool], ...] = (
    (
        "clot",
        "Pain, swelling, warmth or redness in your calf or leg, usually on one side: this can be a "
        "blood clot. Seek urgent medical care today.",
        True,
    ),
    ("chest", "Chest pain or sudden breathlessness: call emergency services now.", True),
    (
        "stroke",
        "Sudden weakness, numbness or drooping of the face, an arm or a leg on one side, or sudden "
        "trouble speaking or seeing: call emergency services now.",
        True,
    ),
    (
        "infection",
        "Fever, or signs of infection at a needling site (redness, warmth, swelling or pus where a "
        "needle went in): see a doctor the same day.",
        True,
    ),
    ("numbness", "Numbness, tingling or weakness that does not go away.", False),
    ("pain", "Severe pain, or pain that is getting worse or still there after 72 hours.", False),
    ("bruising", "Large or spreading bruising.", False),
)

# Client-facing precautions by condition code. Conditions not listed never reach the sheet: the
# sheet carries only what the client needs to act on, and names no diagnosis they need not show.
# Codes sharing a key ("sensation", "fluids", ...) give one bullet. Never advice on medication.
PRECAUTION_KEYS = MappingProxyType(
    {
        "acute_injury": "acute_injury",
        "anticoagulant": "anticoagulant",
        "bleeding_disorder": "bleeding_disorder",
        "dvt_history": "dvt_history",
        "diabetes": "sensation",
        "neuropathy": "sensation",
        "pregnancy": "pregnancy",
        "varicose_veins": "varicose_veins",
        "osteoporosis": "osteoporosis",
        "lymphedema": "lymphedema",
        "recent_surgery": "recent_surgery",
        "fracture": "fracture",
        "skin_lesion": "skin_lesion",
        "radiation_site": "radiation_site",
        "bone_metastasis": "protected_area",
        "steroid_injection": "steroid_injection",
        "insulin_site": "insulin_site",
        "pacemaker": "pacemaker",
        "lubricant_allergy": "allergy",
        "latex_allergy": "allergy",
        "kidney_disease": "fluids",
        "heart_disease": "fluids",
        "hypertension_controlled": "blood_pressure",
        "hypertension_uncontrolled": "blood_pressure",
    }
)
PRECAUTION_TEXTS = MappingProxyType(
    {
        "acute_injury": "No heat on your recent injury in the first 48 to 72 hours (no hot packs, "
        "hot baths or saunas on it): use the cold compress instead.",
        "anticoagulant": "You may bruise more easily because of your blood-thinning medication: "
        "tell us if you see large or spreading bruises.",
        "bleeding_disorder": "You may bruise more easily because of your bleeding condition: "
        "tell us if you see large or spreading bruises.",
        "dvt_history": "Because you have had a blood clot before, watch for the signs of a new one "
        "(pain, swelling, warmth or redness in one leg) and seek urgent care if you notice them.",
        "sensation": "Where your skin has less feeling you may not notice if cold is too strong: "
        "keep cold packs wrapped, use them for shorter times and check your skin afterwards.",
        "pregnancy": "No heat packs on your belly. Contact your midwife or doctor straight away if "
        "you have bleeding, fluid leaking, cramps or contractions, a severe headache, changes in "
        "your vision or sudden swelling.",
        "varicose_veins": "Do not press, roll or use a massage device or heat on your varicose veins.",
        "osteoporosis": "Use only gentle pressure with any ball or roller, and do not roll over your "
        "spine or ribs.",
        "lymphedema": "On your at-risk arm, leg or area, avoid firm pressure, rolling, massage "
        "devices and heat, and tell us about any new swelling.",
        "recent_surgery": "Keep pressure, rolling, massage devices and heat away from the area of "
        "your surgery until your surgeon says it has healed.",
        "fracture": "Keep pressure, rolling and massage devices away from the area of your fracture.",
        "skin_lesion": "Keep pressure, rolling, heat and cold off any broken or irritated skin.",
        "radiation_site": "Keep pressure, rolling, heat and cold off the skin of your treatment area.",
        "protected_area": "Keep balls, rollers and massage devices away from any area your doctor "
        "has asked you to protect.",
        "steroid_injection": "Protect the area of your recent injection for about 48 hours: no "
        "pressure, rolling or massage device on it.",
        "insulin_site": "Keep balls, rollers and massage devices away from your insulin injection "
        "sites or pump.",
        "pacemaker": "Keep balls, rollers and massage devices away from the area over your implanted device.",
        "allergy": "If you notice a rash, itching or swelling where products touched your skin, "
        "wash the area and tell us. Swelling of the lips or face, or trouble breathing: call "
        "emergency services now.",
        "fluids": "If your doctor has given you a limit on fluids, keep to it: the advice on "
        "drinking here does not change it.",
        "blood_pressure": "Treatment can lower your blood pressure for a while: get up slowly and "
        "sit down if you feel dizzy.",
    }
)

# Plain words for the frequency phases of docs/clinical-reference.md 3; "{interval}" is e.g. "once a week".
FREQUENCY_TEXTS = MappingProxyType(
    {
        "acute": "Because your pain started recently, we recommend a session {interval} for now, "
        "then less often as it settles.",
        "chronic": "Because your pain has been there for a while, we recommend a session {interval} "
        "for the next 4 to 8 weeks, and we will check your progress every 4 sessions.",
        "widespread": "We recommend a session {interval} for now, and we will check your progress "
        "every 4 sessions.",
        "maintenance": "To keep the benefits, we recommend a session {interval}, and no more than a "
        "month between visits.",
        "review": "We will look at your plan together at your next visit and decide the next steps.",
        # clinic/visits/frequency.choose() names the phase "chosen" when the therapist set a rhythm
        # without a recommendation (no pain score yet).
        "chosen": "We recommend a session {interval} for now, and we will review the plan with you as we go.",
    }
)


@dataclass(frozen=True)
class Wording:
    """A complete set of editable texts and the version the sheet records."""

    version: str
    texts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(dict(_STANDARD_TEXTS)))

    def text(self, key: str) -> str:
        return self.texts[key]


DEFAULT_WORDING = Wording(version="standard-1", texts=MappingProxyType(dict(_STANDARD_TEXTS)))


def make_wording(overrides: Mapping[str, str], version: str, base: Wording = DEFAULT_WORDING) -> Wording:
    """A clinic's wording: base texts with `overrides` (key -> plain text) replaced.

    Raises ValueError for an unknown key (red flags and precautions are not editable), an empty
    or overlong text, a missing version, or a claim the sheet must not make ("toxins").
    """
    if not isinstance(version, str) or not version.strip():
        raise ValueError("wording version: a non-empty version string is required")
    texts = dict(base.texts)
    for key, text in overrides.items():
        if key not in EDITABLE_KEYS:
            editable = ", ".join(sorted(EDITABLE_KEYS))
            raise ValueError(f"wording key {key!r}: unknown or not editable (editable: {editable})")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"wording {key!r}: the text must be a non-empty string")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"wording {key!r}: the text is longer than {MAX_TEXT_LENGTH} characters")
        if "toxin" in text.lower():
            raise ValueError(f"wording {key!r}: the sheet must not claim that anything flushes toxins")
        texts[key] = text.strip()
    return Wording(version=version.strip(), texts=MappingProxyType(texts))
