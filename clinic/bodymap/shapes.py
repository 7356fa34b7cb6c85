"""The drawn body chart (control points, smooth curves, region polygons) and polygon math (pure)."""

import math
from collections.abc import Sequence

Pt = tuple[float, float]
Polygon = tuple[Pt, ...]
Control = tuple[str, float, float]

MIDLINE = 100.0
_STEP = 2.5  # sample spacing along curves, in viewBox units: smooth at print size, small SVG

# Everything is drawn for the viewer's LEFT half (x < 100) and mirrored. Curve points are
# (name, x, y); a name starting with "*" is a corner (the curve bends sharply there).
_HEAD = [
    ("H0", 100, 8),
    ("H1", 87.4, 10),
    ("H2", 80, 19),
    ("H3", 77.6, 30.5),
    ("*E0", 77.8, 33.6),
    ("E1", 75.4, 33.2),
    ("E2", 74.2, 38.5),
    ("E3", 75.4, 45),
    ("*E4", 78.8, 48.8),
    ("H5", 81.8, 55.6),
    ("H6", 87.4, 61.6),
    ("H6b", 93.8, 65.6),
    ("H7", 100, 66.6),
]
_NECK_ARM_TORSO = [
    ("*H6", 87.4, 61.6),
    ("N1", 87.6, 70),
    ("S0", 86.2, 76.8),
    ("S1", 78.4, 81.8),
    ("S2", 67, 86.8),
    ("S3", 57.5, 91.5),
    ("S4", 51.2, 99.5),
    ("S5", 48.2, 110),
    ("S6", 46.8, 124),
    ("UA1", 44.8, 141),
    ("EOT", 42.8, 158),
    ("EO", 41.3, 169),
    ("EOB", 39.4, 180),
    ("FA1", 34.6, 204),
    ("WO", 30.4, 227),
    # the hand, palm forward, thumb on the outer side
    ("HD1", 28.6, 236),
    ("HD2", 25.4, 243),
    ("HD3", 22.8, 251),
    ("HD4", 21.6, 258.6),
    ("HD5", 23, 262.4),
    ("HD6", 25.4, 259.6),
    ("*HD7", 27.2, 252.6),
    ("HD8", 26.6, 262),
    ("HD9", 27.2, 272),
    ("HD10", 29.8, 279.8),
    ("HD11", 34, 283),
    ("HD12", 38.2, 280.4),
    ("HD13", 40.6, 271.5),
    ("HD14", 41.6, 258),
    ("HD15", 42, 243),
    ("WI", 42.4, 228),
    ("FA2", 46.8, 204),
    ("EIB", 51.6, 181),
    ("EI", 53.8, 170),
    ("EIT", 55.8, 159),
    ("UA2", 58.8, 141),
    ("I5", 61.6, 131),
    ("*Ax", 67.6, 121),
    ("TS1", 69.7, 138),
    ("CH", 70.9, 148),
    ("TS2", 72.6, 164),
    ("T3", 73.4, 180),
    ("HA", 72.4, 196),
    ("T5", 69.6, 210),
    ("T6", 66.4, 225),
    ("L0", 65.2, 243),
    ("TH1", 66.4, 275),
    ("KOT", 68.8, 310),
    ("KO", 70.4, 325),
    ("KOB", 70, 340),
    ("CA1", 69.4, 356),
    ("SH1", 71.8, 378),
    ("ANO", 75, 398),
]
_FOOT_FRONT = [  # seen from the front: the top of the foot, toes towards the viewer, turned out a little
    ("FT1", 74.2, 406),
    ("FT2", 72, 413),
    ("FT3", 68.8, 421),
    ("FT4", 67.6, 427),
    ("FT5", 70.4, 431.2),
    ("FT6", 78, 433.6),
    ("FT7", 86.5, 435),
    ("FT8", 91.6, 433.4),
    ("FT9", 93, 427),
    ("FT10", 92, 417),
    ("FT11", 91, 407.5),
]
_FOOT_BACK = [  # seen from behind: the heel
    ("FT1", 74.6, 408),
    ("FT2", 73.4, 417),
    ("FT3", 73.4, 425),
    ("FT4", 76.6, 431.6),
    ("FT5", 82.4, 434),
    ("FT6", 88.2, 431.6),
    ("FT7", 91, 424),
    ("FT8", 91.2, 414),
    ("FT9", 90.2, 406),
]
_LEG_INNER = [
    ("ANI", 89.6, 398),
    ("SH2", 91.6, 378),
    ("CA2", 93.4, 354),
    ("KIB", 93.4, 340),
    ("KI", 93.3, 325),
    ("KIT", 93.8, 310),
    ("TH2", 96, 282),
    ("G1", 98.6, 254),
    ("*L21", 100, 241),
]
_FRONT_POINTS = {
    "C0": (100, 84),
    "C1": (90.6, 82),
    "C2": (68.6, 92.4),
    "P": (72.6, 107.5),
    "D1": (58.8, 116),
    "CB0": (100, 151.5),
    "ASIS": (81, 205),
    "PUB": (100, 227),
    "HB": (81, 237.5),
    "HL0": (100, 18.6),
}
_BACK_POINTS = {
    "D1": (58.8, 116),
    "CB0": (100, 86.5),
    "CB1": (91, 83.5),
    "MB0": (100, 149.5),
    "LB0": (100, 179.5),
    "GL1": (85.5, 202),
    "SAC": (100, 215),
}
# Internal boundaries that look better curved; each is a list of point names or (name, x, y).
_FRONT_CURVES = {
    "clav": ["C1", ("CL", 80, 86.4), "C2"],
    "cbot": ["CH", ("CB1", 86, 153), "CB0"],
    "hair": ["H2", ("HL1", 89.5, 19.4), "HL0"],
    "jaw": ["E4", ("J1", 87.6, 50.6), ("J2", 92.2, 59.4), "H6b"],
}
_BACK_CURVES = {
    "spine": ["CB1", ("SP1", 80, 90.6), ("SP2", 68.4, 101), "D1"],
    "gfold": ["L0", ("GF", 82, 257), "G1"],
}
# Region outlines as chains: "A-B@curve" runs along a curve from point A to point B; a bare name is
# one point. "mid" regions are drawn half-way, from the midline to the midline, and mirrored whole.
_FRONT_REGIONS = [
    ("head", "mid", ["H0-H2@head", "H2-HL0@hair"]),
    ("face", "mid", ["HL0-H2@hair", "H2-E4@head", "E4-H6b@jaw", "H6b-H7@head"]),
    ("jaw", "side", ["E4-H6b@head", "H6b-E4@jaw"]),
    ("neck_anterior", "mid", ["H7-H6@head", "H6-S0@body", "C1", "C0"]),
    ("shoulder", "side", ["S0-S6@body", "D1", "P", "C2-C1@clav"]),
    ("chest", "side", ["C0", "C1-C2@clav", "P", "TS1-CH@body", "CH-CB0@cbot"]),
    ("axilla", "side", ["I5-TS1@body", "P", "D1"]),
    ("upper_arm", "side", ["S6-EOT@body", "EIT-I5@body", "D1"]),
    ("elbow", "side", ["EOT-EOB@body", "EIB-EIT@body"]),
    ("forearm", "side", ["EOB-WO@body", "WI-EIB@body"]),
    ("wrist_hand", "side", ["WO-WI@body"]),
    ("abdomen", "mid", ["CB0-CH@cbot", "CH-HA@body", "ASIS", "PUB"]),
    ("hip", "side", ["HA-L0@body", "HB", "ASIS"]),
    ("groin", "side", ["ASIS", "PUB", "L21-G1@body", "HB"]),
    ("thigh_front", "side", ["L0-KOT@body", "KIT-G1@body", "HB"]),
    ("knee", "side", ["KOT-KOB@body", "KIB-KIT@body"]),
    ("shin", "side", ["KOB-ANO@body", "ANI-KIB@body"]),
    ("ankle_foot", "side", ["ANO-ANI@body"]),
]
_BACK_REGIONS = [
    ("head", "mid", ["H0-H7@head"]),
    ("neck_posterior", "mid", ["H7-H6@head", "H6-S0@body", "CB1", "CB0"]),
    ("shoulder", "side", ["S0-S6@body", "D1-CB1@spine"]),
    ("upper_back", "mid", ["CB0", "CB1-D1@spine", "Ax-CH@body", "MB0"]),
    ("upper_arm", "side", ["S6-EOT@body", "EIT-Ax@body", "D1"]),
    ("elbow", "side", ["EOT-EOB@body", "EIB-EIT@body"]),
    ("forearm", "side", ["EOB-WO@body", "WI-EIB@body"]),
    ("wrist_hand", "side", ["WO-WI@body"]),
    ("mid_back", "mid", ["MB0", "CH-T3@body", "LB0"]),
    ("lower_back", "mid", ["LB0", "T3-HA@body", "GL1", "SAC"]),
    ("gluteal", "side", ["SAC", "GL1", "HA-L0@body", "L0-G1@gfold", "G1-L21@body"]),
    ("thigh_back", "side", ["L0-KOT@body", "KIT-G1@body", "G1-L0@gfold"]),
    ("popliteal", "side", ["KOT-KOB@body", "KIB-KIT@body"]),
    ("calf", "side", ["KOB-ANO@body", "ANI-KIB@body"]),
    ("ankle_foot", "side", ["ANO-ANI@body"]),
]


def mirror(points: Sequence[Pt]) -> list[Pt]:
    """Points reflected across the body's midline (x = 100)."""
    return [(round(2 * MIDLINE - x, 2), y) for x, y in points]


def _segment(p0: Pt, p1: Pt, p2: Pt, p3: Pt) -> list[Pt]:
    """Centripetal Catmull-Rom from p1 to p2 (excluding p2): no loops or overshoot on uneven spacing."""

    def knot(t: float, a: Pt, b: Pt) -> float:
        return t + max(math.dist(a, b), 1e-6) ** 0.5

    t0 = 0.0
    t1 = knot(t0, p0, p1)
    t2 = knot(t1, p1, p2)
    t3 = knot(t2, p2, p3)

    def lerp(a: Pt, b: Pt, ta: float, tb: float, t: float) -> Pt:
        u = (t - ta) / (tb - ta)
        return (a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u)

    n = max(2, math.ceil(math.dist(p1, p2) / _STEP))
    out = []
    for k in range(n):
        t = t1 + (t2 - t1) * k / n
        a1, a2, a3 = lerp(p0, p1, t0, t1, t), lerp(p1, p2, t1, t2, t), lerp(p2, p3, t2, t3, t)
        b1, b2 = lerp(a1, a2, t0, t2, t), lerp(a2, a3, t1, t3, t)
        c = lerp(b1, b2, t1, t2, t)
        out.append((round(c[0], 2), round(c[1], 2)))
    return out


class Curve:
    """A smooth curve through named control points; corners and ends break the smoothing."""

    def __init__(self, controls: Sequence[tuple[str, Pt, bool]]) -> None:
        self.points: list[Pt] = []
        self.index: dict[str, int] = {}
        pts = [p for _, p, _ in controls]
        last = len(pts) - 1
        for i, (name, p, _) in enumerate(controls):
            self.index[name] = len(self.points)
            if i == last:
                self.points.append(p)
                break
            prev = pts[i - 1] if i > 0 and not controls[i][2] else _phantom(pts, i, -1)
            nxt = pts[i + 2] if i + 1 < last and not controls[i + 1][2] else _phantom(pts, i + 1, 1)
            self.points.extend(_segment(prev, p, pts[i + 1], nxt))

    def between(self, a: str, b: str) -> list[Pt]:
        i, j = self.index[a], self.index[b]
        return self.points[i : j + 1] if i <= j else self.points[j : i + 1][::-1]


def _phantom(pts: Sequence[Pt], i: int, direction: int) -> Pt:
    """The missing neighbour of an end or corner: mirrored across the midline, else reflected."""
    p, inner = pts[i], pts[i - direction]
    if p[0] == MIDLINE:
        return (2 * MIDLINE - inner[0], inner[1])
    return (2 * p[0] - inner[0], 2 * p[1] - inner[1])


def _curve(spec: Sequence[Control], named: dict[str, Pt]) -> Curve:
    """A Curve through (name, x, y) controls ("*name" is a corner); the names join `named`."""
    controls = []
    for name, x, y in spec:
        point = (float(x), float(y))
        named.setdefault(name.lstrip("*"), point)
        controls.append((name.lstrip("*"), point, name.startswith("*")))
    return Curve(controls)


def _named_curve(items: Sequence[str | Control], named: dict[str, Pt]) -> Curve:
    spec = [(it, named[it][0], named[it][1]) if isinstance(it, str) else it for it in items]
    return _curve(spec, named)


def _chain(chain: Sequence[str], curves: dict[str, Curve], named: dict[str, Pt]) -> list[Pt]:
    out: list[Pt] = []
    for link in chain:
        if "@" in link:
            ends, curve = link.split("@")
            a, b = ends.split("-")
            pts = curves[curve].between(a, b)
        else:
            pts = [named[link]]
        for p in pts:
            if not out or out[-1] != p:
                out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def build(view: str) -> tuple[list[Polygon], list[tuple[str, Polygon]]]:
    """The silhouette polygons and the (region code, polygon) list of one view ("front" or "back")."""
    front = view == "front"
    points = _FRONT_POINTS if front else _BACK_POINTS
    named: dict[str, Pt] = {k: (float(x), float(y)) for k, (x, y) in points.items()}
    head = _curve(_HEAD, named)
    body = _curve([*_NECK_ARM_TORSO, *(_FOOT_FRONT if front else _FOOT_BACK), *_LEG_INNER], named)
    curves = {"head": head, "body": body}
    for key, items in (_FRONT_CURVES if front else _BACK_CURVES).items():
        curves[key] = _named_curve(items, named)
    half = head.between("H0", "H6")[:-1] + body.between("H6", "L21")
    silhouette = tuple(half + mirror(half[::-1])[1:-1])
    # The client's right is on the viewer's left in the front view, and the client's left from behind.
    near, far = ("_r", "_l") if front else ("_l", "_r")
    shapes: list[tuple[str, Polygon]] = []
    for code, kind, chain in _FRONT_REGIONS if front else _BACK_REGIONS:
        poly = _chain(chain, curves, named)
        if kind == "mid":
            other = [p for p in mirror(poly[::-1]) if p[0] != MIDLINE or p not in (poly[0], poly[-1])]
            shapes.append((code, tuple(poly + other)))
        else:
            shapes.append((code + near, tuple(poly)))
            shapes.append((code + far, tuple(mirror(poly)[::-1])))
    return [silhouette], shapes


# Polygon math shared by hit-testing and label placement.


_EPS = 1e-9


def contains(polygon: Polygon, x: float, y: float) -> bool:
    """Point in a closed polygon, by ray casting; a point on an edge counts as inside."""
    inside = False
    px, py = polygon[-1]
    for cx, cy in polygon:
        if min(px, cx) - _EPS <= x <= max(px, cx) + _EPS and min(py, cy) - _EPS <= y <= max(py, cy) + _EPS:
            cross = (cx - px) * (y - py) - (cy - py) * (x - px)
            if abs(cross) <= _EPS * max(1.0, math.hypot(cx - px, cy - py)):
                return True
        if (cy > y) != (py > y) and x < cx + (y - cy) * (px - cx) / (py - cy):
            inside = not inside
        px, py = cx, cy
    return inside


def area_centroid(polygon: Polygon) -> tuple[float, Pt]:
    area = cx = cy = 0.0
    prev = polygon[-1]
    for cur in polygon:
        cross = prev[0] * cur[1] - cur[0] * prev[1]
        area += cross
        cx += (prev[0] + cur[0]) * cross
        cy += (prev[1] + cur[1]) * cross
        prev = cur
    area /= 2
    return abs(area), (cx / (6 * area), cy / (6 * area))


def _edge_distance(polygon: Polygon, x: float, y: float) -> float:
    best = math.inf
    prev = polygon[-1]
    for cur in polygon:
        dx, dy = cur[0] - prev[0], cur[1] - prev[1]
        length2 = dx * dx + dy * dy or 1e-12
        t = max(0.0, min(1.0, ((x - prev[0]) * dx + (y - prev[1]) * dy) / length2))
        best = min(best, math.hypot(x - prev[0] - t * dx, y - prev[1] - t * dy))
        prev = cur
    return best


def label_point(polygon: Polygon) -> Pt:
    """The area centroid when it sits well inside; else (crescents, L shapes) the inside point
    furthest from the edges, found on a coarse grid and refined."""
    _, (cx, cy) = area_centroid(polygon)
    if contains(polygon, cx, cy) and _edge_distance(polygon, cx, cy) >= 2.5:
        return (round(cx, 2), round(cy, 2))
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    best, best_d, step = (cx, cy), -1.0, 2.0
    grid = [
        (x0 + 0.5, y0 + 0.5)
        for x0 in range(int(min(xs)), int(max(xs)) + 1, 2)
        for y0 in range(int(min(ys)), int(max(ys)) + 1, 2)
    ]
    for _ in range(3):
        for x, y in grid:
            if contains(polygon, x, y):
                d = _edge_distance(polygon, x, y)
                if d > best_d:
                    best, best_d = (x, y), d
        step /= 4
        grid = [(best[0] + i * step, best[1] + j * step) for i in range(-4, 5) for j in range(-4, 5)]
    return (round(best[0], 2), round(best[1], 2))
