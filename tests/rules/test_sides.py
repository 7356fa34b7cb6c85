"""The side of a tapped point: paired regions name it, midline regions take it from the tap."""

import pytest

from clinic.rules.sides import MIDLINE_BAND, region_side, side_of_tap
from clinic.rules.vocabulary import REGIONS

# The midline regions and the views that show them, written out (not read back from the module).
MIDLINE_REGIONS = {
    "head": ("front", "back"),
    "face": ("front",),
    "neck_anterior": ("front",),
    "neck_posterior": ("back",),
    "upper_back": ("back",),
    "mid_back": ("back",),
    "lower_back": ("back",),
    "abdomen": ("front",),
}
PAIRED = sorted(code for code in REGIONS if code.endswith(("_l", "_r")))

# (view, x of the tap, expected side) for any midline region: on the front the client faces us.
MIDLINE_TAPS = [
    ("back", 112.0, "right"),  # the issue: right of the spine on the upper back
    ("back", 88.0, "left"),
    ("back", 100.0, "midline"),
    ("back", 100 + MIDLINE_BAND, "midline"),
    ("back", 100 - MIDLINE_BAND, "midline"),
    ("back", 100 + MIDLINE_BAND + 0.1, "right"),
    ("back", 100 - MIDLINE_BAND - 0.1, "left"),
    ("front", 112.0, "left"),
    ("front", 88.0, "right"),
    ("front", 100.0, "midline"),
    ("front", 100 + MIDLINE_BAND + 0.1, "left"),
    ("front", 100 - MIDLINE_BAND - 0.1, "right"),
]


def test_the_table_covers_every_region():
    assert set(MIDLINE_REGIONS) | set(PAIRED) == set(REGIONS)


@pytest.mark.parametrize(
    ("view", "region", "x", "expected"),
    [
        (view, region, x, side)
        for region, views in MIDLINE_REGIONS.items()
        for view in views
        for v, x, side in MIDLINE_TAPS
        if v == view
    ],  # fmt: skip
)
def test_a_tap_in_a_midline_region_takes_the_side_of_the_tap(view, region, x, expected):
    assert side_of_tap(view, x, region) == expected


@pytest.mark.parametrize("region", PAIRED)
@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize("x", [20.0, 99.0, 100.0, 101.0, 180.0])
def test_a_paired_region_names_its_side_wherever_the_tap_is(region, view, x):
    # A paired region's drawing lies wholly on its side; the name decides even on an edge tap.
    expected = "left" if region.endswith("_l") else "right"
    assert side_of_tap(view, x, region) == expected
    assert region_side(region) == expected


@pytest.mark.parametrize("region", sorted(MIDLINE_REGIONS))
def test_region_side_of_a_midline_region_is_none(region):
    assert region_side(region) is None


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("side", 100.0, "head"), "view"),
        (("back", "112", "upper_back"), "x"),
        (("back", None, "upper_back"), "x"),
        (("back", float("nan"), "upper_back"), "x"),
        (("back", True, "upper_back"), "x"),
        (("back", 112.0, "spleen"), "region"),
        (("back", 112.0, "leg_l"), "region"),  # a group is not a tapped region
    ],
)
def test_bad_input_names_the_field(args, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        side_of_tap(*args)
