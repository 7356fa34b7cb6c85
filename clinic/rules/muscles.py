"""The muscle catalogue: where each commonly treated muscle lies and where its trigger points refer pain.

Referral zones follow the standard Travell & Simons pain-pattern descriptions (Myofascial Pain and
Dysfunction: The Trigger Point Manual), coarsened to the body-map regions of the reference section 1.
A zone lists every region the usual pattern reaches, not only where it is strongest; patterns vary
between people, so these are the defaults a therapist starts from, not a diagnosis.

Regions are stored as base names: a base that is paired in the vocabulary ("shoulder" for shoulder_l
and shoulder_r) takes the side of the trigger point; a midline base ("neck_posterior") stays as it is.
Sides: "l" and "r" pick one side, "both" gives both sides of every paired base. "midline" is accepted
only for muscles whose regions are all midline (rectus abdominis): every side then gives the same
regions, because a left or right point in a midline muscle still lies and refers in midline regions.
"""

from dataclasses import dataclass
from types import MappingProxyType

from clinic.rules.vocabulary import REGION_GROUPS, REGIONS

SIDES = ("l", "r", "both", "midline")


@dataclass(frozen=True)
class Muscle:
    code: str
    name: str
    lies: tuple[str, ...]  # base regions where the muscle (and so its trigger points) lies
    refers: tuple[str, ...]  # base regions of its usual referral zone
    pattern: str  # the usual referral pattern in words, for the note and the picker


# code, name, lies in (base regions), refers to (base regions), the usual pattern in words
_TABLE: tuple[tuple[str, str, str, str, str], ...] = (
    # head and neck
    (
        "upper_trapezius",
        "Upper trapezius",
        "neck_posterior shoulder",
        "neck_posterior head jaw",
        "side and back of the neck, behind the ear, temple, angle of the jaw",
    ),
    (
        "middle_trapezius",
        "Middle trapezius",
        "upper_back",
        "upper_back shoulder",
        "between the shoulder blades, top of the shoulder (acromion)",
    ),
    (
        "lower_trapezius",
        "Lower trapezius",
        "upper_back mid_back",
        "neck_posterior upper_back shoulder",
        "high back of the neck and mastoid, above the shoulder blade, acromion",
    ),
    (
        "levator_scapulae",
        "Levator scapulae",
        "neck_posterior upper_back",
        "neck_posterior upper_back shoulder",
        "angle of the neck, inner edge of the shoulder blade, back of the shoulder",
    ),
    (
        "sternocleidomastoid",
        "Sternocleidomastoid",
        "neck_anterior",
        "head face neck_anterior",
        "back and top of the head, forehead, ear, cheek, around the eye, throat",
    ),
    (
        "scalenes",
        "Scalenes",
        "neck_anterior",
        "chest upper_back upper_arm forearm wrist_hand",
        "chest, inner edge of the shoulder blade, thumb side of the arm to thumb and index finger",
    ),
    ("suboccipitals", "Suboccipitals", "neck_posterior", "head", "band from the back of the head to the eye"),
    ("splenius_capitis", "Splenius capitis", "neck_posterior", "head", "top of the head"),
    (
        "splenius_cervicis",
        "Splenius cervicis",
        "neck_posterior upper_back",
        "head neck_posterior",
        "inside the head behind the eye, angle of the neck",
    ),
    ("masseter", "Masseter", "jaw", "jaw face", "molars, jaw, cheek, eyebrow, deep in the ear"),
    ("temporalis", "Temporalis", "head", "head face", "temple, eyebrow, upper teeth"),
    (
        "pterygoids",
        "Pterygoids (lateral and medial)",
        "jaw",
        "jaw face neck_anterior",
        "jaw joint, cheek (maxillary sinus), mouth and throat, below the ear",
    ),
    # shoulder girdle
    (
        "infraspinatus",
        "Infraspinatus",
        "upper_back shoulder",
        "shoulder upper_arm forearm wrist_hand",
        "deep in the front of the shoulder, front and side of the arm, thumb side of the hand",
    ),
    (
        "supraspinatus",
        "Supraspinatus",
        "upper_back shoulder",
        "shoulder upper_arm elbow forearm",
        "middle of the deltoid, outer elbow (lateral epicondyle)",
    ),
    (
        "teres_minor",
        "Teres minor",
        "shoulder",
        "shoulder upper_arm",
        "back of the shoulder, just above the deltoid insertion",
    ),
    (
        "teres_major",
        "Teres major",
        "shoulder upper_back",
        "shoulder upper_arm forearm",
        "back of the shoulder, back of the arm, back of the forearm",
    ),
    (
        "subscapularis",
        "Subscapularis",
        "axilla shoulder",
        "shoulder upper_back upper_arm wrist_hand",
        "back of the shoulder and shoulder blade, back of the arm, band around the wrist",
    ),
    ("rhomboids", "Rhomboids", "upper_back", "upper_back", "inner edge of the shoulder blade"),
    (
        "serratus_anterior",
        "Serratus anterior",
        "chest axilla",
        "chest mid_back upper_arm wrist_hand",
        "side of the chest, below the shoulder blade, inner arm to the ring and little fingers",
    ),
    (
        "pectoralis_major",
        "Pectoralis major",
        "chest",
        "chest shoulder upper_arm elbow forearm wrist_hand",
        "chest, front of the shoulder, inner arm and elbow to the ring and little fingers",
    ),
    (
        "pectoralis_minor",
        "Pectoralis minor",
        "chest",
        "chest shoulder upper_arm elbow forearm wrist_hand",
        "front of the shoulder, chest, inner arm to the three fingers on the little-finger side",
    ),
    (
        "latissimus_dorsi",
        "Latissimus dorsi",
        "mid_back lower_back axilla",
        "mid_back shoulder upper_arm forearm wrist_hand",
        "below the shoulder blade, back of the shoulder, inner arm to the ring and little fingers",
    ),
    ("deltoid", "Deltoid", "shoulder", "shoulder upper_arm", "over the deltoid itself"),
    # arm
    (
        "biceps_brachii",
        "Biceps brachii",
        "upper_arm",
        "shoulder upper_arm elbow",
        "front of the shoulder, front of the arm, elbow crease",
    ),
    (
        "triceps_brachii",
        "Triceps brachii",
        "upper_arm",
        "shoulder upper_arm elbow forearm wrist_hand",
        "back of the shoulder and arm, elbow, back of the forearm to the ring and little fingers",
    ),
    (
        "forearm_extensors",
        "Forearm extensors (wrist, fingers, brachioradialis)",
        "forearm",
        "elbow forearm wrist_hand",
        "outer elbow, back of the forearm, back of the hand and fingers",
    ),
    (
        "forearm_flexors",
        "Forearm flexors (wrist and fingers)",
        "forearm",
        "forearm wrist_hand",
        "palm side of the forearm and wrist, palm and fingers",
    ),
    # trunk
    (
        "thoracic_paraspinals",
        "Erector spinae, thoracic",
        "upper_back mid_back",
        "upper_back mid_back lower_back abdomen",
        "up and down the back beside the spine, around into the abdomen",
    ),
    ("lumbar_paraspinals", "Erector spinae, lumbar", "lower_back", "lower_back gluteal", "low back, buttock"),
    (
        "multifidus",
        "Multifidus (lumbar)",
        "lower_back",
        "lower_back gluteal abdomen",
        "beside the spine, sacrum and tailbone, front of the abdomen",
    ),
    (
        "quadratus_lumborum",
        "Quadratus lumborum",
        "lower_back",
        "lower_back gluteal hip groin",
        "sacroiliac joint, lower buttock, outer hip, lower abdomen and groin",
    ),
    (
        "rectus_abdominis",
        "Rectus abdominis",
        "abdomen",
        "abdomen mid_back lower_back",
        "abdomen, band across the mid and low back",
    ),
    (
        "iliopsoas",
        "Iliopsoas",
        "abdomen groin",
        "lower_back gluteal groin thigh_front",
        "down the low back to the sacrum, groin, upper front of the thigh",
    ),
    # hip and buttock
    ("gluteus_maximus", "Gluteus maximus", "gluteal", "gluteal lower_back", "buttock, sacrum, tailbone"),
    (
        "gluteus_medius",
        "Gluteus medius",
        "gluteal hip",
        "lower_back gluteal hip",
        "along the iliac crest, sacrum, buttock, outer hip",
    ),
    (
        "gluteus_minimus",
        "Gluteus minimus",
        "gluteal hip",
        "gluteal hip thigh_back thigh_front knee calf shin ankle_foot",
        'buttock, down the side or back of the leg to the ankle ("pseudo-sciatica")',
    ),
    (
        "piriformis",
        "Piriformis",
        "gluteal",
        "gluteal hip thigh_back lower_back",
        "sacroiliac joint, buttock, back of the hip, back of the thigh",
    ),
    (
        "tensor_fasciae_latae",
        "Tensor fasciae latae",
        "hip",
        "hip thigh_front",
        "outer hip, down the side of the thigh toward the knee",
    ),
    (
        "adductors",
        "Adductors (longus, brevis, magnus)",
        "groin thigh_front",
        "groin thigh_front knee shin",
        "groin, inner thigh, inner knee, down the shin",
    ),
    # thigh
    (
        "rectus_femoris",
        "Rectus femoris",
        "thigh_front",
        "thigh_front knee",
        "front of the thigh, around and deep in the kneecap",
    ),
    ("vastus_lateralis", "Vastus lateralis", "thigh_front", "thigh_front knee", "outer thigh, outer knee"),
    (
        "vastus_medialis",
        "Vastus medialis",
        "thigh_front",
        "thigh_front knee",
        "front and inner side of the knee, inner thigh",
    ),
    (
        "hamstrings",
        "Hamstrings",
        "thigh_back",
        "gluteal thigh_back popliteal calf",
        "buttock crease, back of the thigh and knee, upper calf",
    ),
    # leg and foot
    ("gastrocnemius", "Gastrocnemius", "calf", "popliteal calf ankle_foot", "back of the knee, calf, instep"),
    ("soleus", "Soleus", "calf", "calf ankle_foot", "heel, Achilles tendon, calf"),
    (
        "tibialis_anterior",
        "Tibialis anterior",
        "shin",
        "shin ankle_foot",
        "front of the shin and ankle, big toe",
    ),
    (
        "peroneals",
        "Peroneals (fibularis longus and brevis)",
        "shin calf",
        "shin ankle_foot",
        "outside of the lower leg, outer ankle, side of the foot",
    ),
    ("foot_intrinsics", "Foot intrinsics (plantar)", "ankle_foot", "ankle_foot", "sole, heel, toes"),
)

MUSCLES = MappingProxyType(
    {row[0]: Muscle(row[0], row[1], tuple(row[2].split()), tuple(row[3].split()), row[4]) for row in _TABLE}
)


def _is_paired(base: str) -> bool:
    return f"{base}_l" in REGIONS


def _get(muscle_code: str) -> Muscle:
    try:
        return MUSCLES[muscle_code]
    except (KeyError, TypeError):
        raise ValueError(f"muscle_code: unknown muscle {muscle_code!r}") from None


def is_midline(muscle_code: str) -> bool:
    """True when every region of the muscle is a midline region (the side changes nothing)."""
    muscle = _get(muscle_code)
    return not any(_is_paired(base) for base in muscle.lies + muscle.refers)


def _expand(bases: tuple[str, ...], muscle_code: str, side: str) -> tuple[str, ...]:
    if side not in SIDES:
        raise ValueError(f"side: expected one of {', '.join(SIDES)}, got {side!r}")
    if side == "midline" and not is_midline(muscle_code):
        raise ValueError(f"side: {muscle_code} lies on one side; use l, r or both")
    suffixes = ("l", "r") if side == "both" else (side,)
    out: list[str] = []
    for base in bases:
        for region in [f"{base}_{s}" for s in suffixes] if _is_paired(base) else [base]:
            if region not in out:
                out.append(region)
    return tuple(out)


def regions_for(muscle_code: str, side: str) -> tuple[str, ...]:
    """The concrete region codes where the muscle lies on that side ("l", "r", "both" or "midline")."""
    return _expand(_get(muscle_code).lies, muscle_code, side)


def referral_for(muscle_code: str, side: str) -> tuple[str, ...]:
    """The concrete region codes of the muscle's usual referral zone on that side (same-side referral)."""
    return _expand(_get(muscle_code).refers, muscle_code, side)


def muscles_for_region(region_code: str) -> tuple[str, ...]:
    """Codes of the muscles that lie in a region (a region code, a paired base or a group), table order."""
    if not isinstance(region_code, str):
        raise ValueError(f"region_code: unknown region {region_code!r}")
    if region_code in REGIONS:
        bases = {region_code[:-2] if region_code.endswith(("_l", "_r")) else region_code}
    elif region_code in REGION_GROUPS:
        bases = {r[:-2] for r in REGION_GROUPS[region_code]}
    elif _is_paired(region_code):
        bases = {region_code}
    else:
        raise ValueError(f"region_code: unknown region {region_code!r}")
    return tuple(code for code, muscle in MUSCLES.items() if bases.intersection(muscle.lies))


def muscle_label(code: str) -> str:
    """The readable name of a muscle code (the code itself if unknown, like vocabulary.region_label)."""
    muscle = MUSCLES.get(code)
    return muscle.name if muscle else code
