"""The body map geometry and SVG: every region drawn, sides right, hit-testing and escaping."""

import math
import re
import xml.etree.ElementTree as ET
from html import escape

import pytest

from clinic import bodymap as bm
from clinic.bodymap.shapes import contains
from clinic.rules.vocabulary import REGIONS

SVG = "{http://www.w3.org/2000/svg}"


def _both(*bases: str) -> set[str]:
    return {f"{b}_{s}" for b in bases for s in "lr"}


# The regions each view must show, written out from the brief (not read back from the module).
FRONT = {"head", "face", "neck_anterior", "abdomen"} | _both(
    "jaw",
    "shoulder",
    "chest",
    "axilla",
    "upper_arm",
    "elbow",
    "forearm",
    "wrist_hand",
    "hip",
    "groin",
    "thigh_front",
    "knee",
    "shin",
    "ankle_foot",
)
BACK = {"head", "neck_posterior", "upper_back", "mid_back", "lower_back"} | _both(
    "shoulder",
    "upper_arm",
    "elbow",
    "forearm",
    "wrist_hand",
    "gluteal",
    "thigh_back",
    "popliteal",
    "calf",
    "ankle_foot",
)
VIEW_CODES = [(view, code) for view, codes in (("front", FRONT), ("back", BACK)) for code in sorted(codes)]


def _bbox(polygon):
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def _mirrored(polygon):
    return {(round(200 - x, 2), y) for x, y in polygon}


def test_every_vocabulary_region_is_on_some_view():
    drawn = set(bm.view_regions("front")) | set(bm.view_regions("back"))
    assert drawn == set(REGIONS)


@pytest.mark.parametrize(("view", "expected"), [("front", FRONT), ("back", BACK)])
def test_each_view_shows_exactly_its_regions(view, expected):
    assert set(bm.view_regions(view)) == expected
    assert expected <= set(REGIONS)  # the brief's lists use vocabulary codes only


def test_views_for_region():
    assert bm.views_for_region("face") == ("front",)
    assert bm.views_for_region("calf_l") == ("back",)
    assert bm.views_for_region("shoulder_r") == ("front", "back")
    assert bm.views_for_region("nowhere") == ()


def test_front_view_shows_the_clients_left_on_the_viewers_right():
    assert bm.region_centroid("front", "knee_l")[0] > 100
    assert bm.region_centroid("front", "knee_r")[0] < 100


def test_back_view_shows_the_clients_left_on_the_viewers_left():
    assert bm.region_centroid("back", "calf_l")[0] < 100
    assert bm.region_centroid("back", "calf_r")[0] > 100


@pytest.mark.parametrize(("view", "code"), [vc for vc in VIEW_CODES if vc[1].endswith("_l")])
def test_every_left_region_is_on_the_correct_side(view, code):
    polygons = [p for c, p in bm.region_shapes(view) if c == code]
    xs = [x for polygon in polygons for x, _ in polygon]
    if view == "front":
        assert min(xs) >= 100
    else:
        assert max(xs) <= 100


@pytest.mark.parametrize("view", bm.VIEWS)
def test_the_chart_is_symmetric(view):
    shapes = dict(bm.region_shapes(view))
    for code, polygon in shapes.items():
        if code.endswith("_l"):
            assert _mirrored(polygon) == set(shapes[code[:-1] + "r"])
        elif not code.endswith("_r"):  # a midline region is its own mirror image
            assert _mirrored(polygon) == set(polygon)
    (silhouette,) = bm.outline(view)
    assert _mirrored(silhouette) == set(silhouette)


@pytest.mark.parametrize(("view", "code"), VIEW_CODES)
def test_region_at_the_centroid_is_that_region(view, code):
    x, y = bm.region_centroid(view, code)
    assert bm.region_at(view, x, y) == code


def test_region_centroid_is_none_when_the_view_lacks_the_region():
    assert bm.region_centroid("back", "face") is None
    assert bm.region_centroid("front", "calf_l") is None
    with pytest.raises(ValueError, match="^view"):
        bm.region_centroid("side", "face")


@pytest.mark.parametrize("view", bm.VIEWS)
@pytest.mark.parametrize(
    ("x", "y"),
    [(1, 1), (199, 439), (100, 3), (60, 30), (100, 300), (63, 170), (137, 170), (10, 250), (100, 439.5)],
)
def test_points_off_the_body_have_no_region(view, x, y):
    # Corners, above and beside the head, between the legs, between arm and trunk, beyond the hands.
    assert bm.region_at(view, x, y) is None


@pytest.mark.parametrize("view", bm.VIEWS)
def test_regions_tile_the_outline_without_gaps_or_overlaps(view):
    (silhouette,) = bm.outline(view)
    shapes = [(code, polygon, _bbox(polygon)) for code, polygon in bm.region_shapes(view)]
    inside = 0
    for i in range(50):
        for j in range(110):
            x, y = 0.37 + i * 4, 0.23 + j * 4  # off any round coordinate, so never on an edge
            near = [(c, p) for c, p, (x0, y0, x1, y1) in shapes if x0 <= x <= x1 and y0 <= y <= y1]
            hits = [c for c, p in near if contains(p, x, y)]
            on_body = contains(silhouette, x, y)
            inside += on_body
            assert len(hits) == (1 if on_body else 0), (x, y, hits)
    assert inside > 1000  # the grid really sampled the body


@pytest.mark.parametrize("view", bm.VIEWS)
def test_points_on_a_shared_edge_go_to_the_region_drawn_first(view):
    shapes = bm.region_shapes(view)
    order = {code: i for i, (code, _) in enumerate(shapes)}
    owners: dict[frozenset, list[str]] = {}
    for code, polygon in shapes:
        for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True):
            owners.setdefault(frozenset((a, b)), []).append(code)
    shared = {edge: codes for edge, codes in owners.items() if len(codes) == 2 and len(edge) == 2}
    assert len(shared) > 50
    for edge, codes in shared.items():
        (ax, ay), (bx, by) = tuple(edge)
        mx, my = (ax + bx) / 2, (ay + by) / 2
        expected = min(codes, key=order.__getitem__)
        assert bm.region_at(view, mx, my) == expected


def test_outline_is_one_closed_polygon_inside_the_viewbox():
    for view in bm.VIEWS:
        (silhouette,) = bm.outline(view)
        assert silhouette[0] != silhouette[-1]  # closed implicitly, like SVG's Z
        x0, y0, x1, y1 = _bbox(silhouette)
        assert 0 < x0 and x1 < 200 and 0 < y0 and y1 < 440
        assert y1 - y0 > 400  # head to feet fills the height


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("side", 10, 10), "view"),
        ((None, 10, 10), "view"),
        (("front", -0.1, 10), "x"),
        (("front", 200.5, 10), "x"),
        (("front", "abc", 10), "x"),
        (("front", float("nan"), 10), "x"),
        (("back", 10, 440.01), "y"),
        (("back", 10, -3), "y"),
        (("back", 10, None), "y"),
    ],
)
def test_validate_point_names_the_bad_field(args, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        bm.validate_point(*args)


def test_validate_point_accepts_the_edges_of_the_box_and_strings():
    assert bm.validate_point("front", 0, 0) == ("front", 0.0, 0.0)
    assert bm.validate_point("back", "200", "440") == ("back", 200.0, 440.0)


@pytest.mark.parametrize(
    ("point", "field"),
    [
        ({"view": "front", "x": 10, "y": 10}, "number"),
        ({"view": "front", "x": 10, "y": 10, "number": 0}, "number"),
        ({"view": "front", "x": 10, "y": 10, "number": True}, "number"),
        ({"view": "front", "x": 10, "y": 10, "number": 1, "region": "elbow"}, "region"),
        ({"view": "front", "number": 1}, "x"),
        ({"view": "back", "number": 1, "region": "face"}, "region"),
        ({"view": "top", "x": 1, "y": 1, "number": 1}, "view"),
        ({"view": "front", "x": 1, "y": 999, "number": 1}, "y"),
    ],
)
def test_as_point_names_the_bad_field(point, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        bm.as_point(point)


def test_point_position_places_region_only_points_at_the_centroid_of_their_view():
    point = {"number": 1, "region": "calf_r"}  # no view: the only view showing a calf is the back
    assert bm.point_position("back", point) == bm.region_centroid("back", "calf_r")
    assert bm.point_position("front", point) is None
    placed = bm.Point("front", 30.5, 60, 2)
    assert bm.point_position("front", placed) == (30.5, 60)
    assert bm.point_position("back", placed) is None


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output, parsed to check it is well-formed)


@pytest.mark.parametrize("view", bm.VIEWS)
def test_render_svg_is_accessible_and_has_one_element_per_region(view):
    root = _parse(bm.render_svg(view))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("data-view") == view
    assert root.get("viewBox") == "0 0 200 440"
    assert root.find(f"{SVG}title").text == f"Body map, {view} view"
    regions = [el for el in root.iter() if el.get("data-region") and "bodymap-region" in el.get("class", "")]
    assert [el.get("data-region") for el in regions] == bm.view_regions(view)
    for el in regions:
        assert el.tag in (f"{SVG}path", f"{SVG}polygon")
        assert el.find(f"{SVG}title").text == REGIONS[el.get("data-region")]
        cx, cy = float(el.get("data-cx")), float(el.get("data-cy"))
        assert bm.region_at(view, cx, cy) == el.get("data-region")


def _markers(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}g") if "bodymap-point" in el.get("class", "").split()]


def test_render_svg_draws_numbered_markers_and_skips_the_other_view():
    points = [
        bm.Point("front", 50, 140, 1, "Biceps"),
        bm.Point("back", 80, 120, 2, "Infraspinatus"),
        {"view": "front", "x": 120, "y": 320, "number": 3},
    ]
    root = _parse(bm.render_svg("front", points))
    markers = _markers(root)
    assert [m.get("data-number") for m in markers] == ["1", "3"]
    assert [m.find(f"{SVG}text").text for m in markers] == ["1", "3"]
    circle = markers[1].find(f"{SVG}circle")
    assert (float(circle.get("cx")), float(circle.get("cy"))) == (120, 320)
    assert markers[1].get("data-region") == "knee_l"  # found from the position
    assert "Biceps" in markers[0].find(f"{SVG}title").text


def test_render_svg_escapes_labels():
    label = '<script>alert("x")</script> & more'
    svg = bm.render_svg("front", [bm.Point("front", 100, 180, 1, label)], title="Map <b>& co</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = _parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script") or el.tag.endswith("}b")]
    (marker,) = _markers(root)
    assert label in marker.find(f"{SVG}title").text  # the text survives, as text
    assert root.find(f"{SVG}title").text == "Map <b>& co</b>"


def test_render_svg_marks_faded_points_and_referral_regions():
    faded = [bm.Point("back", 120, 190, 4, "Quadratus lumborum")]
    current = [bm.Point("back", 80, 190, 1)]
    root = _parse(bm.render_svg("back", current, faded, highlight_regions=["gluteal_l", "lower_back"]))
    classes = {m.get("data-number"): m.get("class").split() for m in _markers(root)}
    assert "faded" in classes["4"] and "faded" not in classes["1"]
    referral = {el.get("data-region") for el in root.iter() if "referral" in el.get("class", "").split()}
    assert referral == {"gluteal_l", "lower_back"}


def test_render_svg_draws_region_only_points_at_the_centroid():
    root = _parse(bm.render_svg("front", [{"number": 5, "region": "chest_l"}]))
    (marker,) = _markers(root)
    circle = marker.find(f"{SVG}circle")
    x, y = float(circle.get("cx")), float(circle.get("cy"))
    cx, cy = bm.region_centroid("front", "chest_l")
    assert math.isclose(x, cx, abs_tol=0.01) and math.isclose(y, cy, abs_tol=0.01)


def test_render_svg_refuses_unknown_input():
    with pytest.raises(ValueError, match="^view"):
        bm.render_svg("left")
    with pytest.raises(ValueError, match="^highlight_regions"):
        bm.render_svg("front", highlight_regions=["spleen"])


def test_render_pair_svg_holds_both_views():
    root = _parse(bm.render_pair_svg([bm.Point("back", 80, 120, 1)]))
    views = [el.get("data-view") for el in root.iter(f"{SVG}svg") if el.get("data-view")]
    assert views == ["front", "back"]
    assert root.get("role") == "img"
    assert len(_markers(root)) == 1


def _figure_formatted_each_time(view, points, faded_points, highlight):
    """The body map's figure as render_svg built it before its static part was cached: every polygon
    formatted on each call. The cached rendering must stay byte for byte the same."""
    near, far = ("R", "L") if view == "front" else ("L", "R")
    parts = ['<g class="bodymap-regions">']
    for code, polygon in bm.region_shapes(view):
        cls = "bodymap-region referral" if code in highlight else "bodymap-region"
        cx, cy = bm.region_centroid(view, code)
        parts.append(
            f'<path class="{cls}" data-region="{code}" data-cx="{bm._num(cx)}" data-cy="{bm._num(cy)}" '
            f'd="{bm.path_data(polygon)}" {bm._REFERRAL_ATTRS if code in highlight else bm._REGION_ATTRS}>'
            f"<title>{escape(REGIONS[code])}</title></path>"
        )
    parts.append("</g>")
    for polygon in bm.outline(view):
        parts.append(f'<path class="bodymap-outline" d="{bm.path_data(polygon)}" {bm._OUTLINE_ATTRS}/>')
    parts.append(
        f'<g class="bodymap-captions" aria-hidden="true" pointer-events="none" {bm._TEXT_ATTRS} '
        f'fill="{bm.PALETTE["caption"]}" font-size="11">'
        f'<text x="12" y="104">{near}</text><text x="188" y="104">{far}</text>'
        f'<text x="6" y="12" text-anchor="start" font-size="10">{bm.VIEW_LABELS[view]}</text></g>'
    )
    parts.append('<g class="bodymap-points" data-bodymap-markers="">')
    for group, faded in ((faded_points, True), (points, False)):
        for raw in group:
            point = bm.as_point(raw)
            pos = bm.point_position(view, point)
            if pos is not None:
                placed = bm.Point(view, *pos, point.number, point.label, point.region)
                parts.append(bm._marker(placed, pos, faded))
    parts.append("</g>")
    return "".join(parts)


@pytest.mark.parametrize("view", bm.VIEWS)
@pytest.mark.parametrize(
    "points, faded, highlight",
    [
        ([], [], []),
        ([bm.Point("front", 50.126, 140, 1, "a<b"), bm.Point("back", 80, 120, 2)], [], ["knee_l", "calf_r"]),
        ([{"number": 3, "region": "head"}], [bm.Point("back", 120, 190, 4, "QL")], sorted(REGIONS)),
    ],
)
def test_cached_svg_is_byte_for_byte_what_formatting_every_render_gave(view, points, faded, highlight):
    svg = bm.render_svg(view, points, faded, highlight)
    figure = svg.split("</title>", 1)[1].removesuffix("</svg>")
    assert figure == _figure_formatted_each_time(view, points, faded, set(highlight))
    # The highlighted copy of a region is never served to a render that did not ask for it.
    assert bm.render_svg(view) == bm.render_svg(view, highlight_regions=[])
    assert 'class="bodymap-region referral"' not in bm.render_svg(view)


def test_render_svg_formats_the_outline_and_regions_once(monkeypatch):
    before = bm.render_svg("back", [bm.Point("back", 80, 120, 1)], highlight_regions=["calf_l"])

    def refuse(_polygon):
        raise AssertionError("a polygon formatted again")

    monkeypatch.setattr(bm, "path_data", refuse)
    assert bm.render_svg("back", [bm.Point("back", 80, 120, 1)], highlight_regions=["calf_l"]) == before


@pytest.mark.parametrize(("view", "code"), VIEW_CODES)
def test_the_side_of_a_tap_matches_the_half_of_the_drawing_it_lands_in(view, code):
    """Every region, tapped at its centre and across its width: the side follows the tap (issue 15)."""
    from clinic.rules.sides import MIDLINE_BAND, side_of_tap

    cx, cy = bm.region_centroid(view, code)
    taps = [(cx, cy)] + [(x, cy) for x in range(0, 201, 2) if bm.region_at(view, x, cy) == code]
    for x, y in taps:
        assert bm.region_at(view, x, y) == code
        side = side_of_tap(view, x, code)
        if abs(x - 100) <= MIDLINE_BAND and not code.endswith(("_l", "_r")):
            assert side == "midline", (x, y)
        elif x == 100:  # on the edge shared by a left and a right region: the region drawn first
            assert side == ("left" if code.endswith("_l") else "right")
        else:
            clients_left = x > 100 if view == "front" else x < 100
            assert side == ("left" if clients_left else "right"), (x, y)


def test_the_outline_asset_is_up_to_date():
    """clinic/static/img/bodymap-outline.svg is outline_asset() as a file (no build step). After a
    change of the outline: `.venv/bin/python -c "import clinic.bodymap as b; b.write_outline_asset()"`."""
    from pathlib import Path

    import clinic

    path = Path(clinic.__file__).parent / "static" / bm.OUTLINE_ASSET
    assert path.read_text(encoding="utf-8") == bm.outline_asset()


@pytest.mark.parametrize("view", bm.VIEWS)
def test_a_figure_that_uses_the_asset_draws_the_same(view):
    """The <use> stands exactly where the inlined outline and captions were; the regions and points
    stay inline for the page's script and screen readers."""
    points = [bm.Point("front", 50, 140, 1), bm.Point("back", 80, 120, 2)]
    inline = bm.render_svg(view, points)
    used = bm.render_svg(view, points, outline_href="/static/img/bodymap-outline.svg?v=1&x")
    href = f"/static/img/bodymap-outline.svg?v=1&amp;x#bodymap-outline-{view}"
    reference = f'<use href="{href}" pointer-events="none"/>'
    assert used == inline.replace(bm._outline_markup(view), reference)
    assert f'<g id="bodymap-outline-{view}">{bm._outline_markup(view)}</g>' in bm.outline_asset()
    assert "bodymap-outline" not in used.replace(reference, "")


def test_note_pages_use_the_cached_outline(app, web, login_as, therapist, clinic_id):
    from clinic.models import Visit
    from tests.factories import create_client_with_history

    client_id = create_client_with_history(app, clinic_id, therapist)
    with app.app_context():
        from datetime import date

        from clinic.extensions import db

        visit = Visit(
            clinic_id=clinic_id, client_id=client_id, therapist_id=therapist, visit_date=date(2026, 11, 18)
        )
        db.session.add(visit)
        db.session.commit()
        visit_id = visit.id
    login_as(therapist)
    page = web.get(f"/visits/{visit_id}/edit").get_data(as_text=True)
    href = re.search(r'<use href="(/static/img/bodymap-outline\.svg\?v=\w+)#bodymap-outline-front"', page)
    assert href and "#bodymap-outline-back" in page and 'class="bodymap-outline"' not in page
    asset = web.get(href.group(1).replace("&amp;", "&"))
    assert asset.status_code == 200 and asset.mimetype == "image/svg+xml" and asset.cache_control.immutable
    asset.close()
