"""Which side of the client a tap on the body map marks: the client's own left, right or midline (pure)."""

from clinic.rules.vocabulary import REGIONS

MIDLINE_X = 100.0  # the spine and the sternum, in body-map viewBox units (200 wide)
# A tap this close to the midline marks the midline itself: about a fingertip on a 10-inch tablet,
# and narrower than the spine's muscles (erector spinae lie a thumb's width either side).
MIDLINE_BAND = 4.0
VIEWS = ("front", "back")
SIDES = ("left", "right", "midline")


def region_side(region: str) -> str | None:
    """The side a paired region names ("knee_l" is left), or None for a midline region."""
    if region not in REGIONS:
        raise ValueError(f"region: unknown region {region!r}")
    if region.endswith("_l"):
        return "left"
    if region.endswith("_r"):
        return "right"
    return None


def side_of_tap(view: str, x: float, region: str) -> str:
    """The client's side of a tap at viewBox x in a region of a view.

    A paired region names its side. In a midline region (upper back, abdomen, head...) the tap
    decides: the front view faces us, so the viewer's left is the client's right; the back view
    shows the client's left on the viewer's left. A tap within MIDLINE_BAND of the midline is midline.
    """
    if view not in VIEWS:
        raise ValueError(f"view: expected one of {', '.join(VIEWS)}, got {view!r}")
    if isinstance(x, bool) or not isinstance(x, int | float) or x != x:
        raise ValueError(f"x: must be a number, got {x!r}")
    named = region_side(region)
    if named is not None:
        return named
    if abs(x - MIDLINE_X) <= MIDLINE_BAND:
        return "midline"
    viewers_left = x < MIDLINE_X
    if view == "front":
        return "right" if viewers_left else "left"
    return "left" if viewers_left else "right"
