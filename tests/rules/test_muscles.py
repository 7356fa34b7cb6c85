"""Tests for clinic.rules.muscles: the catalogue is consistent with the vocabulary, sides expand correctly."""

import re

import pytest

from clinic.rules import muscles
from clinic.rules.muscles import MUSCLES, muscle_label, muscles_for_region, referral_for, regions_for
from clinic.rules.vocabulary import REGIONS

# The muscles the brief names (with the codes chosen for them); each must be in the catalogue.
NAMED = [
    "upper_trapezius",
    "middle_trapezius",
    "lower_trapezius",
    "levator_scapulae",
    "sternocleidomastoid",
    "scalenes",
    "suboccipitals",
    "splenius_capitis",
    "splenius_cervicis",
    "masseter",
    "temporalis",
    "pterygoids",
    "infraspinatus",
    "supraspinatus",
    "teres_minor",
    "teres_major",
    "subscapularis",
    "rhomboids",
    "serratus_anterior",
    "pectoralis_major",
    "pectoralis_minor",
    "latissimus_dorsi",
    "deltoid",
    "biceps_brachii",
    "triceps_brachii",
    "forearm_extensors",
    "forearm_flexors",
    "thoracic_paraspinals",
    "lumbar_paraspinals",
    "multifidus",
    "quadratus_lumborum",
    "rectus_abdominis",
    "iliopsoas",
    "gluteus_maximus",
    "gluteus_medius",
    "gluteus_minimus",
    "piriformis",
    "tensor_fasciae_latae",
    "adductors",
    "rectus_femoris",
    "vastus_lateralis",
    "vastus_medialis",
    "hamstrings",
    "gastrocnemius",
    "soleus",
    "tibialis_anterior",
    "peroneals",
    "foot_intrinsics",
]


def test_catalogue_size_and_codes() -> None:
    assert len(MUSCLES) >= 40
    assert len({m.code for m in MUSCLES.values()}) == len(MUSCLES)
    assert len(muscles._TABLE) == len(MUSCLES)  # no row silently overwritten by a duplicate code
    for code, muscle in MUSCLES.items():
        assert code == muscle.code
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code), code
        assert muscle.name and muscle.pattern


@pytest.mark.parametrize("code", NAMED)
def test_named_muscle_has_regions_and_a_referral_zone(code: str) -> None:
    muscle = MUSCLES[code]
    assert muscle.lies and muscle.refers
    assert len(set(muscle.lies)) == len(muscle.lies) and len(set(muscle.refers)) == len(muscle.refers)


@pytest.mark.parametrize("code", sorted(MUSCLES))
@pytest.mark.parametrize("side", ["l", "r", "both"])
def test_every_expanded_region_exists(code: str, side: str) -> None:
    for region in regions_for(code, side) + referral_for(code, side):
        assert region in REGIONS, (code, side, region)


def test_every_stored_base_is_a_region_or_a_paired_base() -> None:
    for muscle in MUSCLES.values():
        for base in muscle.lies + muscle.refers:
            # a base must be usable as is (midline) or with a side, never both and never neither
            assert (base in REGIONS) != (f"{base}_l" in REGIONS and f"{base}_r" in REGIONS), base


# --- spot checks against the Travell & Simons patterns ------------------------------------------------


def test_upper_trapezius_refers_up_the_side_of_the_neck_to_the_head() -> None:
    # the classic "tension headache" pattern: posterolateral neck, mastoid, temple, angle of the jaw
    zone = referral_for("upper_trapezius", "r")
    assert {"neck_posterior", "head", "jaw_r"} <= set(zone)
    assert "jaw_l" not in zone  # referral is same-side
    assert "shoulder_r" in regions_for("upper_trapezius", "r")


def test_piriformis_lies_in_the_buttock_and_refers_down_the_back_of_the_thigh() -> None:
    # piriformis syndrome: buttock, back of the hip, down the back of the thigh (sciatica-like)
    assert regions_for("piriformis", "l") == ("gluteal_l",)
    assert "thigh_back_l" in referral_for("piriformis", "l")


def test_infraspinatus_refers_to_the_front_of_the_shoulder() -> None:
    # deep pain in the front of the shoulder joint is its hallmark; it lies on the back of the scapula
    assert "shoulder_l" in referral_for("infraspinatus", "l")
    assert "upper_back" in regions_for("infraspinatus", "l")


def test_other_spot_checks() -> None:
    # sternocleidomastoid: headache and face pain, lies in the front of the neck (an endangerment site)
    assert regions_for("sternocleidomastoid", "l") == ("neck_anterior",)
    assert {"head", "face"} <= set(referral_for("sternocleidomastoid", "l"))
    # gluteus minimus: "pseudo-sciatica" reaching the ankle
    assert "ankle_foot_r" in referral_for("gluteus_minimus", "r")
    # soleus refers to the heel; rectus femoris to the knee
    assert "ankle_foot_l" in referral_for("soleus", "l")
    assert "knee_r" in referral_for("rectus_femoris", "r")


# --- sides -------------------------------------------------------------------------------------------


def test_side_expansion() -> None:
    # paired bases take the side; midline bases stay as they are
    assert regions_for("upper_trapezius", "l") == ("neck_posterior", "shoulder_l")
    assert regions_for("upper_trapezius", "both") == ("neck_posterior", "shoulder_l", "shoulder_r")
    assert referral_for("quadratus_lumborum", "r") == ("lower_back", "gluteal_r", "hip_r", "groin_r")


def test_midline_muscle_is_the_same_on_every_side() -> None:
    assert muscles.is_midline("rectus_abdominis")
    expected = ("abdomen",)
    for side in ("l", "r", "both", "midline"):
        assert regions_for("rectus_abdominis", side) == expected
        assert referral_for("rectus_abdominis", side) == ("abdomen", "mid_back", "lower_back")


def test_midline_side_is_refused_for_a_one_sided_muscle() -> None:
    assert not muscles.is_midline("upper_trapezius")
    with pytest.raises(ValueError, match="^side:"):
        regions_for("upper_trapezius", "midline")


@pytest.mark.parametrize("side", ["left", "L", "", None, "lr"])
def test_unknown_side(side: object) -> None:
    with pytest.raises(ValueError, match="^side:"):
        referral_for("deltoid", side)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["trapezius", "", None, ["deltoid"]])
def test_unknown_muscle(code: object) -> None:
    with pytest.raises(ValueError, match="^muscle_code:"):
        regions_for(code, "l")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^muscle_code:"):
        referral_for(code, "l")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^muscle_code:"):
        muscles.is_midline(code)  # type: ignore[arg-type]


# --- picker filter -----------------------------------------------------------------------------------


def test_muscles_for_region() -> None:
    gluteal = muscles_for_region("gluteal_l")
    assert {"gluteus_maximus", "gluteus_medius", "gluteus_minimus", "piriformis"} == set(gluteal)
    assert muscles_for_region("gluteal_r") == gluteal == muscles_for_region("gluteal")
    assert "upper_trapezius" in muscles_for_region("neck_posterior")
    assert "sternocleidomastoid" not in muscles_for_region("neck_posterior")
    # a group covers all its regions: the whole leg holds thigh, calf and foot muscles
    leg = muscles_for_region("leg_l")
    assert {"hamstrings", "gastrocnemius", "foot_intrinsics"} <= set(leg)
    assert "piriformis" not in leg


def test_every_muscle_is_found_in_the_regions_where_it_lies() -> None:
    for code, muscle in MUSCLES.items():
        for region in regions_for(code, "both"):
            assert code in muscles_for_region(region), (code, region)
        assert muscle.lies


@pytest.mark.parametrize("region", ["shoulders", "shoulder_x", "", None])
def test_unknown_region(region: object) -> None:
    with pytest.raises(ValueError, match="^region_code:"):
        muscles_for_region(region)  # type: ignore[arg-type]


def test_muscle_label() -> None:
    assert muscle_label("piriformis") == "Piriformis"
    assert muscle_label("no_such_muscle") == "no_such_muscle"
