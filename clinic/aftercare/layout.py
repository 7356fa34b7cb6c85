"""Small platypus pieces for the aftercare PDF: a box, side-by-side columns, per-sheet page numbers.

Box and Columns replace one-row Tables: a Table wraps every paragraph in its cells three times
and deep-copies them, which was a third of the render time of a sheet.
"""

from collections import Counter
from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

_UNBOUNDED = 1e6


class Box(Flowable):
    """Flowables stacked inside padding, on an optional tint with an optional border. Never splits:
    keep what goes in short (the 'When to call' block fits on any page)."""

    def __init__(
        self,
        children: Sequence[Flowable],
        padding: tuple[float, float, float, float] = (0, 0, 0, 0),  # top, right, bottom, left
        background: Color | None = None,
        border: Color | None = None,
        border_width: float = 0.9,
    ) -> None:
        super().__init__()
        self.children = list(children)
        self.padding = padding
        self.background, self.border, self.border_width = background, border, border_width
        self._laid_out_for: float | None = None
        self._layout: list[tuple[Flowable, float]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._laid_out_for != availWidth:  # frames and KeepTogether ask more than once
            top, right, bottom, left = self.padding
            inner = availWidth - left - right
            y = top
            self._layout = []
            for index, child in enumerate(self.children):
                if index:
                    y += child.getSpaceBefore()
                height = child.wrap(inner, _UNBOUNDED)[1]
                self._layout.append((child, y + height))
                y += height + (child.getSpaceAfter() if index < len(self.children) - 1 else 0)
            self.width, self.height = availWidth, y + bottom
            self._laid_out_for = availWidth
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if self.background is not None or self.border is not None:
            canv.saveState()
            if self.background is not None:
                canv.setFillColor(self.background)
            if self.border is not None:
                canv.setStrokeColor(self.border)
                canv.setLineWidth(self.border_width)
            canv.rect(
                0,
                0,
                self.width,
                self.height,
                stroke=self.border is not None,
                fill=self.background is not None,
            )
            canv.restoreState()
        left = self.padding[3]
        for child, bottom_from_top in self._layout:
            child.drawOn(canv, left, self.height - bottom_from_top)


class Columns(Flowable):
    """Flowables side by side, each in its own width, aligned at the top (or the middle)."""

    def __init__(self, columns: Sequence[tuple[Flowable, float]], valign: str = "top") -> None:
        super().__init__()
        self.columns = list(columns)
        self.valign = valign
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._heights = [flowable.wrap(width, _UNBOUNDED)[1] for flowable, width in self.columns]
        self.width, self.height = availWidth, max(self._heights, default=0)
        return self.width, self.height

    def draw(self) -> None:
        x = 0.0
        last = len(self.columns) - 1
        for index, ((flowable, width), height) in enumerate(zip(self.columns, self._heights, strict=True)):
            y = self.height - height if self.valign == "top" else (self.height - height) / 2
            # The last column's content (the diagram) sits at its right edge, on the margin.
            offset = max(0.0, width - flowable.width) if index == last else 0.0
            flowable.drawOn(self.canv, x + offset, y)
            x += width


class SheetStart(Flowable):
    """Zero-size marker: tells the page callbacks which sheet the following pages belong to."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self.canv.current_sheet = self.index  # type: ignore[attr-defined]


class NumberedCanvas(Canvas):
    """Holds each page back until the end, so the footer can say 'Page 2 of 3' per sheet.

    The page template's onPageEnd appends the page's sheet index to `page_sheets`;
    `draw_page_number(canvas, number, total)` is set by the renderer."""

    font_name = "Helvetica"
    number_right = 0.0
    number_y = 0.0
    number_color: Color | None = None

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.current_sheet = 0
        self.page_sheets: list[int] = []
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals = Counter(self.page_sheets)
        seen: Counter[int] = Counter()
        right = self._pagesize[0] - self.number_right
        for state, sheet_index in zip(self._pages, list(self.page_sheets), strict=True):
            self.__dict__.update(state)
            seen[sheet_index] += 1
            self.setFont(self.font_name, 7.5)
            if self.number_color is not None:
                self.setFillColor(self.number_color)
            self.drawRightString(right, self.number_y, f"Page {seen[sheet_index]} of {totals[sheet_index]}")
            super().showPage()
        super().save()
