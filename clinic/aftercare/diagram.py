"""The aftercare sheet's small front-and-back body diagram, drawn from clinic/bodymap/__init__.py's geometry.

The silhouettes have ~900 points a view. Drawing them through reportlab.graphics formats and
validates every point on every render (about 8 ms a sheet), so the path operators are formatted
once per process and written with canvas.addLiteral; only colours, points and labels vary.
"""

from collections.abc import Iterable, Sequence
from functools import cache

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from clinic import bodymap
from clinic.aftercare.inputs import TreatedPoint
from clinic.aftercare.palette import ACCENT, MUTED, OUTLINE_FILL, OUTLINE_LINE, TREATED_FILL, TREATED_LINE

FONT = "KnotworkSans"  # registered by clinic.aftercare.pdf
FONT_BOLD = "KnotworkSans-Bold"
VIEW_WIDTH = 24 * mm
GAP = 5 * mm
LABEL_SPACE = 4 * mm
POINT_RADIUS = 3.3


_X0, _Y0, _W, _H = bodymap.VIEWBOX
SCALE = VIEW_WIDTH / _W
VIEW_HEIGHT = _H * SCALE
WIDTH = 2 * VIEW_WIDTH + GAP
HEIGHT = LABEL_SPACE + VIEW_HEIGHT


def _place(x: float, y: float, left: float) -> tuple[float, float]:
    # The map's y points down; a PDF's points up.
    return left + (x - _X0) * SCALE, LABEL_SPACE + VIEW_HEIGHT - (y - _Y0) * SCALE


def _path(polygon: Sequence[tuple[float, float]], left: float) -> str:
    # Every second point: the map samples curves every 2.5 units (0.85 pt at this size), and
    # 1.7 pt is still smooth on paper while halving the work.
    kept = list(polygon[::2]) or list(polygon)
    ops = []
    for index, (x, y) in enumerate(kept):
        px, py = _place(x, y, left)
        ops.append(f"{px:.2f} {py:.2f} {'m' if index == 0 else 'l'}")
    ops.append("h")
    return "\n".join(ops)


def _left(view: str) -> float:
    return bodymap.VIEWS.index(view) * (VIEW_WIDTH + GAP)


@cache
def _outline_ops(view: str) -> str:
    return "\n".join(_path(polygon, _left(view)) for polygon in bodymap.outline(view))


@cache
def _region_ops(view: str) -> dict[str, str]:
    paths: dict[str, list[str]] = {}
    for code, polygon in bodymap.region_shapes(view):
        paths.setdefault(code, []).append(_path(polygon, _left(view)))
    return {code: "\n".join(parts) for code, parts in paths.items()}


def warm_up() -> None:
    """Format the geometry now (at import), so the first sheet is not slower than the rest."""
    for view in bodymap.VIEWS:
        _outline_ops(view)
        _region_ops(view)
        bodymap.region_centroid(view, "head")  # fills the map's cache of region centres (~20 ms)


class BodyDiagram(Flowable):
    """Front and back outlines with treated regions shaded and numbered points."""

    def __init__(self, treated_regions: Iterable[str], points: Sequence[TreatedPoint]) -> None:
        super().__init__()
        self.treated = frozenset(treated_regions)
        self.points = points
        self.width, self.height = WIDTH, HEIGHT

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setLineJoin(1)
        for view in bodymap.VIEWS:
            canv.setFillColor(OUTLINE_FILL)
            canv.setStrokeColor(OUTLINE_LINE)
            canv.setLineWidth(0.5)
            canv.addLiteral(_outline_ops(view) + "\nB")
            regions = _region_ops(view)
            shaded = [regions[code] for code in sorted(self.treated) if code in regions]
            if shaded:
                canv.setFillColor(TREATED_FILL)
                canv.setStrokeColor(TREATED_LINE)
                canv.setLineWidth(0.3)
                canv.addLiteral("\n".join(shaded) + "\nB")
            left = _left(view)
            canv.setFillColor(MUTED)
            canv.setFont(FONT, 6.5)
            canv.drawCentredString(left + VIEW_WIDTH / 2, 0.6 * mm, bodymap.VIEW_LABELS[view])
            self._draw_points(view, left)

    def _draw_points(self, view: str, left: float) -> None:
        canv = self.canv
        canv.setStrokeColor(colors.white)
        canv.setLineWidth(0.4)
        for point in self.points:
            position = bodymap.point_position(view, point)
            if position is None:
                continue
            x, y = _place(*position, left)
            canv.setFillColor(ACCENT)
            canv.circle(x, y, POINT_RADIUS, stroke=1, fill=1)
            canv.setFillColor(colors.white)
            canv.setFont(FONT_BOLD, 4.6)
            canv.drawCentredString(x, y - 1.6, str(point.number))


def body_diagram(treated_regions: Sequence[str], points: Sequence[TreatedPoint]) -> BodyDiagram | None:
    """The diagram for a sheet, or None when nothing was marked or treated."""
    if not treated_regions and not points:
        return None
    return BodyDiagram(treated_regions, points)


warm_up()
