"""The body map as data: views, outline, region shapes, hit-testing and an accessible SVG (pure)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from clinic.bodymap.shapes import Polygon, Pt, area_centroid, build, contains, label_point
from clinic.rules.vocabulary import REGIONS, region_label

VIEWS = ("front", "back")
VIEW_LABELS = {"front": "Front", "back": "Back"}
VIEWBOX = (0, 0, 200, 440)
MARKER_RADIUS = 7.0

# One palette for the page and the printed sheet (the PDF draws with the same colours).
PALETTE = {
    "region": "#f7f4ef",
    "region_edge": "#b8b0a6",
    "referral": "#f3c3b3",
    "referral_edge": "#c9735c",
    "outline": "#4f5b61",
    "marker": "#b3261e",
    "marker_text": "#ffffff",
    "faded": "#8a9499",
    "caption": "#6b767c",
}
# Presentation attributes, not CSS: the app's CSP forbids inline styles, and page CSS still wins.
_JOIN = 'stroke-linejoin="round"'
_REGION_ATTRS = f'fill="{PALETTE["region"]}" stroke="{PALETTE["region_edge"]}" stroke-width="0.6" {_JOIN}'
_REFERRAL_ATTRS = (
    f'fill="{PALETTE["referral"]}" stroke="{PALETTE["referral_edge"]}" stroke-width="0.8" {_JOIN}'
)
_OUTLINE_ATTRS = f'fill="none" stroke="{PALETTE["outline"]}" stroke-width="1.5" {_JOIN} pointer-events="none"'
_MARKER_ATTRS = f'fill="{PALETTE["marker"]}" stroke="#ffffff" stroke-width="1.5"'
_FADED_ATTRS = f'fill="#ffffff" stroke="{PALETTE["faded"]}" stroke-width="1.2" stroke-dasharray="2 1.5"'
_TEXT_ATTRS = 'text-anchor="middle" dominant-baseline="central" font-family="Arial, Helvetica, sans-serif"'


@dataclass(frozen=True)
class Point:
    """A marked point. x and y may be None (added from the list, not the map): then it sits at
    the centre of its region."""

    view: str
    x: float | None
    y: float | None
    number: int
    label: str = ""
    region: str | None = None


def _check_view(view: str) -> str:
    if view not in VIEWS:
        raise ValueError(f"view: unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    return view


@cache
def _geometry(view: str) -> tuple[tuple[Polygon, ...], tuple[tuple[str, Polygon], ...]]:
    outlines, shapes = build(view)
    return tuple(outlines), tuple(shapes)


def outline(view: str) -> list[Polygon]:
    """The body silhouette of a view as closed polygons (first point not repeated at the end)."""
    return list(_geometry(_check_view(view))[0])


def region_shapes(view: str) -> list[tuple[str, Polygon]]:
    """(region code, polygon) for every region visible in a view; together they tile the outline."""
    return list(_geometry(_check_view(view))[1])


def view_regions(view: str) -> list[str]:
    """The region codes visible in a view, in drawing order."""
    return [code for code, _ in region_shapes(view)]


def views_for_region(region: str) -> tuple[str, ...]:
    """The views showing a region: front first, so a point without a view lands on the front."""
    return tuple(v for v in VIEWS if region in view_regions(v))


def region_at(view: str, x: float, y: float) -> str | None:
    """The region under a point, or None off the body. On an edge shared by two regions the one
    drawn first (earlier in region_shapes) wins, so the answer is always the same."""
    for code, polygon in region_shapes(view):
        if contains(polygon, x, y):
            return code
    return None


@cache
def _centroids(view: str) -> dict[str, Pt]:
    by_code: dict[str, Polygon] = {}
    for code, polygon in region_shapes(view):
        # A code drawn as several shapes is labelled in its largest one.
        if code not in by_code or area_centroid(polygon)[0] > area_centroid(by_code[code])[0]:
            by_code[code] = polygon
    return {code: label_point(polygon) for code, polygon in by_code.items()}


def region_centroid(view: str, region: str) -> Pt | None:
    """A point inside the region where a marker or label can go, or None if the view lacks it."""
    return _centroids(_check_view(view)).get(region)


def validate_point(view: Any, x: Any, y: Any) -> tuple[str, float, float]:
    """Check a posted point and return it normalised; ValueError names the bad field."""
    if not isinstance(view, str):
        raise ValueError("view: must be 'front' or 'back'")
    _check_view(view)
    _, _, width, height = VIEWBOX
    out = []
    for field, value, high in (("x", x, width), ("y", y, height)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{field}: must be a number, got {value!r}") from None
        if not (VIEWBOX[0] <= number <= high):  # also refuses NaN
            raise ValueError(f"{field}: must be between 0 and {high}, got {value!r}")
        out.append(number)
    return view, out[0], out[1]


def as_point(value: Point | Mapping[str, Any] | Any) -> Point:
    """A checked Point from a Point, a mapping or an object with view, x, y, number (label, region).

    A point has x and y, or only a region (then it sits at the region's centre). ValueError names
    the bad field."""
    if isinstance(value, Mapping):
        get = value.get
    else:

        def get(key: str) -> Any:
            return getattr(value, key, None)

    view, x, y, region, label = get("view") or "", get("x"), get("y"), get("region") or None, get("label")
    number = get("number")
    if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).isdigit():
        raise ValueError(f"number: must be a whole number from 1, got {number!r}")
    if int(number) < 1:
        raise ValueError(f"number: must be a whole number from 1, got {number!r}")
    if region is not None and region not in REGIONS:
        raise ValueError(f"region: unknown region {region!r}")
    label = "" if label is None else str(label)
    if x in (None, "") and y in (None, ""):
        if region is None:
            raise ValueError("x: a point needs x and y, or a region")
        if view and region not in view_regions(_check_view(view)):
            raise ValueError(f"region: {region!r} is not on the {view} view")
        return Point(view, None, None, int(number), label, region)
    view, fx, fy = validate_point(view, x, y)
    return Point(view, fx, fy, int(number), label, region)


def point_position(view: str, point: Point | Mapping[str, Any] | Any) -> Pt | None:
    """Where a point is drawn on a view, or None when it belongs to the other view.

    A point without coordinates sits at its region's centre, on its view or else the first view
    showing the region."""
    _check_view(view)
    p = as_point(point)
    if p.x is not None and p.y is not None:
        return (p.x, p.y) if p.view == view else None
    assert p.region is not None  # as_point guarantees x/y or a region
    if (p.view or views_for_region(p.region)[0]) != view:
        return None
    return region_centroid(view, p.region)


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def path_data(polygon: Polygon) -> str:
    head, *rest = polygon
    return f"M{_num(head[0])} {_num(head[1])}" + "".join(f"L{_num(x)} {_num(y)}" for x, y in rest) + "Z"


def _marker(point: Point, pos: Pt, faded: bool) -> str:
    x, y = _num(pos[0]), _num(pos[1])
    region = point.region or region_at(point.view, *pos) or ""
    name = f"Point {point.number}" + (f": {point.label}" if point.label else "")
    if region:
        name += f" ({region_label(region)})"
    if faded:
        name = "Previous visit, " + name[0].lower() + name[1:]
    # A faded (previous visit) marker lets taps through to the region under it.
    group = 'class="bodymap-point faded" pointer-events="none"' if faded else 'class="bodymap-point"'
    return (
        f'<g {group} data-number="{point.number}" data-region="{escape(region)}">'
        f"<title>{escape(name)}</title>"
        f'<circle cx="{x}" cy="{y}" r="{_num(MARKER_RADIUS)}" {_FADED_ATTRS if faded else _MARKER_ATTRS}/>'
        f'<text x="{x}" y="{y}" {_TEXT_ATTRS} font-size="8.5" font-weight="bold" '
        f'fill="{PALETTE["outline"] if faded else PALETTE["marker_text"]}">{point.number}</text></g>'
    )


@cache
def _static_markup(
    view: str, outline_href: str | None = None
) -> tuple[tuple[tuple[str, str, str], ...], str]:
    """The parts of a view's figure that never change: each region as (code, plain, highlighted)
    markup, and the outline and captions. Formatting every polygon point took about a third of the
    signed note's time when it was done on every render (docs/performance.md).

    With `outline_href` (the URL of outline_asset() as a static file) the outline and captions are a
    <use> of that file, which the browser fetches once and keeps, instead of 12 KB a view inlined in
    every note; the regions stay inline (the page's script and screen readers work on them)."""
    centres = _centroids(view)
    regions = []
    for code, polygon in region_shapes(view):
        cx, cy = centres[code]
        head = f'data-region="{code}" data-cx="{_num(cx)}" data-cy="{_num(cy)}" d="{path_data(polygon)}"'
        tail = f"<title>{escape(region_label(code))}</title></path>"
        plain = f'<path class="bodymap-region" {head} {_REGION_ATTRS}>{tail}'
        referral = f'<path class="bodymap-region referral" {head} {_REFERRAL_ATTRS}>{tail}'
        regions.append((code, plain, referral))
    if outline_href is not None:
        fixed = f'<use href="{escape(outline_href)}#bodymap-outline-{view}" pointer-events="none"/>'
    else:
        fixed = _outline_markup(view)
    return tuple(regions), "</g>" + fixed


def _outline_markup(view: str) -> str:
    near, far = ("R", "L") if view == "front" else ("L", "R")
    parts = []
    for polygon in outline(view):
        parts.append(f'<path class="bodymap-outline" d="{path_data(polygon)}" {_OUTLINE_ATTRS}/>')
    parts.append(
        f'<g class="bodymap-captions" aria-hidden="true" pointer-events="none" {_TEXT_ATTRS} '
        f'fill="{PALETTE["caption"]}" font-size="11">'
        f'<text x="12" y="104">{near}</text><text x="188" y="104">{far}</text>'
        f'<text x="6" y="12" text-anchor="start" font-size="10">{VIEW_LABELS[view]}</text></g>'
    )
    return "".join(parts)


OUTLINE_ASSET = "img/bodymap-outline.svg"  # under clinic/static/, written by write_outline_asset()


def outline_asset() -> str:
    """The outline and captions of both views as one SVG file, each view a <g id> that a page's
    figure <use>s: the same markup render_svg inlines."""
    groups = "".join(f'<g id="bodymap-outline-{view}">{_outline_markup(view)}</g>' for view in VIEWS)
    return f'<svg xmlns="http://www.w3.org/2000/svg">{groups}</svg>\n'


def write_outline_asset() -> None:
    """Rewrite the static file after a change of the outline (a test says when it is out of date)."""
    from pathlib import Path

    (Path(__file__).parent.parent / "static" / OUTLINE_ASSET).write_text(outline_asset(), encoding="utf-8")


def _figure(
    view: str,
    points: Iterable[Any],
    faded_points: Iterable[Any],
    highlight: set[str],
    outline_href: str | None = None,
) -> str:
    regions, static = _static_markup(view, outline_href)
    parts = ['<g class="bodymap-regions">']
    parts += [referral if code in highlight else plain for code, plain, referral in regions]
    parts.append(static)
    parts.append('<g class="bodymap-points" data-bodymap-markers="">')
    for group, faded in ((faded_points, True), (points, False)):
        for raw in group:
            point = as_point(raw)
            pos = point_position(view, point)
            if pos is not None:
                parts.append(_marker(Point(view, *pos, point.number, point.label, point.region), pos, faded))
    parts.append("</g>")
    return "".join(parts)


def render_svg(
    view: str,
    points: Iterable[Any] = (),
    faded_points: Iterable[Any] = (),
    highlight_regions: Iterable[str] = (),
    title: str | None = None,
    outline_href: str | None = None,
) -> str:
    """A standalone SVG of one view: regions (data-region), outline and numbered markers.

    Points on the other view are skipped, so the same list can be passed to both views. With
    `outline_href`, the outline is a <use> of the static file outline_asset() (pages that show the
    map often); without, it is inlined (a sheet, a preview)."""
    _check_view(view)
    highlight = set(highlight_regions)
    unknown = sorted(highlight - set(REGIONS))
    if unknown:
        raise ValueError(f"highlight_regions: unknown region {unknown[0]!r}")
    label = title or f"Body map, {view} view"
    vb = " ".join(str(v) for v in VIEWBOX)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{vb}" class="bodymap-svg" data-view="{view}" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f"{_figure(view, list(points), list(faded_points), highlight, outline_href)}</svg>"
    )


def render_pair_svg(
    points: Iterable[Any] = (),
    faded_points: Iterable[Any] = (),
    highlight_regions: Iterable[str] = (),
    title: str = "Body map, front and back",
) -> str:
    """Front and back side by side in one SVG (each an inner <svg data-view>)."""
    points, faded, highlight = list(points), list(faded_points), list(highlight_regions)
    _, _, width, height = VIEWBOX
    inner = "".join(
        render_svg(view, points, faded, highlight, f"Body map, {view} view").replace(
            "<svg ", f'<svg x="{i * (width + 10)}" y="0" width="{width}" height="{height}" ', 1
        )
        for i, view in enumerate(VIEWS)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * width + 10} {height}" '
        f'class="bodymap-pair" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"{inner}</svg>"
    )
