"""The sheet on a web page: the clinic's phone as a tel: link and the body diagram as an SVG.

The client's page behind an aftercare link (public.py) and the portal's sheet page show them alike.
"""

import re

from markupsafe import Markup

from .. import bodymap
from .sheet import AftercareSheet

DIAGRAM_TITLE = "Body diagram, front and back: the numbered spots we worked on"


def tel_href(phone: str) -> str:
    """'tel:+442392000140' from '+44 23 9200 0140': a tel: URI allows no spaces."""
    digits = re.sub(r"\D", "", phone)
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def diagram_svg(sheet: AftercareSheet) -> Markup | None:
    """The sheet's body diagram as an SVG (the PDF draws the same points and treated regions)."""
    if not sheet.points and not sheet.treated_regions:
        return None
    points = []
    for point in sheet.points:
        try:
            points.append(bodymap.as_point(point))
        except ValueError:
            continue  # the PDF leaves such a point off its diagram too (it has no place on a view)
    svg = bodymap.render_pair_svg(points, highlight_regions=sheet.treated_regions, title=DIAGRAM_TITLE)
    # render_pair_svg builds the SVG from our own geometry and escapes every text it inserts.
    return Markup(svg)  # noqa: S704
