"""The aftercare sheet's colours, one place for the PDF's text and boxes and its body diagram.

The web copy of the sheet (static/css/aftercare_public.css) uses the site's CSS variables, except
the red-flags box, which repeats ALERT_LINE (#d9826b) so paper and screen match.
"""

from reportlab.lib import colors

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#5b6166")  # secondary text and the diagram's labels
ACCENT = colors.HexColor("#1f5f5b")  # headings and the diagram's treated points
RULE = colors.HexColor("#c9d3d2")
ALERT_BG = colors.HexColor("#fdf0eb")
ALERT_LINE = colors.HexColor("#d9826b")
ALERT_INK = colors.HexColor("#9b2c14")
TABLE_HEAD_BG = colors.HexColor("#e8f0ef")
# the body diagram
OUTLINE_FILL = colors.HexColor("#f6f8f8")
OUTLINE_LINE = colors.HexColor("#8a9694")
TREATED_FILL = colors.HexColor("#b9dcd6")
TREATED_LINE = colors.HexColor("#5f9c94")
