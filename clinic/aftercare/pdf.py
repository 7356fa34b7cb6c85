"""Renders aftercare sheets to PDF with ReportLab platypus and an embedded DejaVu Sans font.

Knows nothing of Flask. Every piece of text goes through xml escaping before it reaches a
Paragraph: Paragraph parses markup, and CVE-2023-33733 came in through markup attributes.
"""

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from clinic.aftercare.diagram import body_diagram
from clinic.aftercare.layout import Box, Columns, NumberedCanvas, SheetStart
from clinic.aftercare.palette import ACCENT, ALERT_BG, ALERT_INK, ALERT_LINE, INK, MUTED, RULE, TABLE_HEAD_BG
from clinic.aftercare.sheet import AftercareSheet, Section
from clinic.aftercare.wording import CALL_CLINIC_HEADING, URGENT_HEADING

FONT = "KnotworkSans"
FONT_BOLD = "KnotworkSans-Bold"
FONT_DIR = Path(__file__).with_name("fonts")
PAPER_SIZES = {"A4": A4, "Letter": LETTER}
PDF_TITLE = "Aftercare sheet"  # never the client's name: titles show in tabs, print queues and logs
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 17 * mm, 14 * mm, 20 * mm
LOGO_MAX_W, LOGO_MAX_H = 42 * mm, 18 * mm


def _register_fonts() -> None:
    # Once per process, at import: parsing the two TTF files takes ~20 ms, not a request's business.
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


_register_fonts()
# ASCII85 only makes streams 7-bit safe (nobody mails raw PDF source any more); in pure Python it
# costs ~5 ms a sheet and makes the file 25% larger. Process-wide, like every rl_config setting.
rl_config.useA85 = 0

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=3)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10.5, textColor=MUTED, spaceAfter=0)
BULLET = ParagraphStyle(
    "bullet",
    parent=BODY,
    leftIndent=5 * mm,
    bulletIndent=1.2 * mm,
    spaceAfter=2,
    bulletFontName=FONT,
    bulletColor=ACCENT,
)
CLINIC = ParagraphStyle("clinic", parent=BODY, fontName=FONT_BOLD, fontSize=13, leading=16, spaceAfter=1)
TITLE = ParagraphStyle(
    "title",
    parent=BODY,
    fontName=FONT_BOLD,
    fontSize=17,
    leading=21,
    textColor=ACCENT,
    spaceBefore=6,
    spaceAfter=2,
)
META = ParagraphStyle("meta", parent=BODY, fontSize=10, leading=14, spaceAfter=2)
HEADING = ParagraphStyle(
    "heading",
    parent=BODY,
    fontName=FONT_BOLD,
    fontSize=11.5,
    leading=14,
    textColor=ACCENT,
    spaceBefore=7,
    spaceAfter=2.5,
)
ALERT_HEAD = ParagraphStyle("alert_head", parent=BODY, fontName=FONT_BOLD, textColor=ALERT_INK, spaceAfter=2)
CELL = ParagraphStyle("cell", parent=BODY, spaceAfter=0)
CELL_HEAD = ParagraphStyle("cell_head", parent=CELL, fontName=FONT_BOLD, fontSize=8.5, textColor=ACCENT)
KEEP_WITH_HEADING = 28 * mm  # start a section on a new page rather than leave its heading alone
SIDE_BY_SIDE_MAX = 120 * mm


def _x(text: str) -> str:
    """User or clinic text made safe for Paragraph: escaped, line breaks kept."""
    return "<br/>".join(escape(line.strip()) for line in text.strip().splitlines())


@lru_cache(maxsize=8)
def _logo_reader(png: bytes) -> ImageReader:
    # Cached: a clinic's logo is the same on every sheet, and decoding it is the slow part.
    try:
        reader = ImageReader(io.BytesIO(png))
        width, height = reader.getSize()
    except Exception as exc:  # ReportLab and Pillow raise many types for a broken image
        raise ValueError("clinic.logo_png: not a readable PNG image") from exc
    if width <= 0 or height <= 0:
        raise ValueError("clinic.logo_png: the image has no size")
    return reader


class _Logo(Flowable):
    """The clinic's logo, scaled to fit LOGO_MAX_W x LOGO_MAX_H, from the cached decoded image."""

    def __init__(self, png: bytes) -> None:
        super().__init__()
        self.reader = _logo_reader(png)
        width, height = self.reader.getSize()
        scale = min(LOGO_MAX_W / width, LOGO_MAX_H / height)
        self.width, self.height = width * scale, height * scale

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, self.width, self.height, mask="auto")


class _Doc(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, sheets: Sequence[AftercareSheet]) -> None:
        pagesize = PAPER_SIZES[sheets[0].clinic.paper]
        super().__init__(
            buffer,
            pagesize=pagesize,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=PDF_TITLE,
            author=sheets[0].clinic.name,
            # The wording's version is for the clinic (which texts a sheet printed), not for the client:
            # kept in the file's properties, off the page.
            subject=wording_label(sheets),
            keywords="",
            creator="Knotwork",
            initialFontName=FONT,  # else every page selects Helvetica, a font the sheet never uses
        )
        self.sheets = sheets
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate("sheet", [frame], onPageEnd=self._page_end, pagesize=pagesize)])

    def _page_end(self, canv: NumberedCanvas, doc: BaseDocTemplate) -> None:
        index = canv.current_sheet
        canv.page_sheets.append(index)
        sheet = self.sheets[index]
        width, height = self.pagesize
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, 14 * mm, width - MARGIN_X, 14 * mm)
        canv.setFont(FONT, 7.5)
        canv.setFillColor(MUTED)
        room = width - 2 * MARGIN_X - 22 * mm  # the page number sits at the right of this line
        contact = " · ".join(p for p in (sheet.clinic.name, sheet.clinic.phone, sheet.clinic.email) if p)
        canv.drawString(MARGIN_X, 10 * mm, _fit(contact, room))
        if canv.page_sheets.count(index) > 1:
            # Continuation pages say whose sheet they belong to, in case pages get separated.
            whose = f"Aftercare for {sheet.client_first_name} · {sheet.visit_date_text}"
            canv.drawString(MARGIN_X, height - 9 * mm, _fit(whose, width - 2 * MARGIN_X))
        canv.restoreState()


def wording_label(sheets: Sequence[AftercareSheet]) -> str:
    """ "Aftercare wording standard-1": the versions of the sheets' texts, for the PDF's subject."""
    return "Aftercare wording " + ", ".join(dict.fromkeys(sheet.wording_version for sheet in sheets))


def _fit(text: str, room: float, size: float = 7.5) -> str:
    """Plain canvas text cut to a width, with an ellipsis: footers must not run into each other."""
    if pdfmetrics.stringWidth(text, FONT, size) <= room:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


class _SheetCanvas(NumberedCanvas):
    font_name = FONT
    number_right = MARGIN_X
    number_y = 10 * mm
    number_color = MUTED


def _heading(text: str) -> Paragraph:
    return Paragraph(_x(text), HEADING)


def _bullet(text: str, lead: str = "") -> Paragraph:
    markup = f"<b>{_x(lead)}:</b> {_x(text)}" if lead else _x(text)
    return Paragraph(markup, BULLET, bulletText="•")


def _section_body(section: Section) -> list[Flowable]:
    body: list[Flowable] = [Paragraph(_x(p), BODY) for p in section.paragraphs]
    body += [_bullet(b.text, b.lead) for b in section.bullets]
    return body


def _header(sheet: AftercareSheet, width: float) -> list[Flowable]:
    clinic = sheet.clinic
    contact: list[Flowable] = [Paragraph(_x(clinic.name), CLINIC)]
    if clinic.address:
        contact.append(Paragraph(_x(clinic.address), SMALL))
    contact.append(Paragraph(_x(" · ".join(p for p in (clinic.phone, clinic.email) if p)), SMALL))
    if clinic.logo_png:
        gutter = LOGO_MAX_W + 5 * mm
        top: Flowable = Columns([(_Logo(clinic.logo_png), gutter), (Box(contact), width - gutter)], "middle")
    else:
        top = Box(contact)
    gap = "&nbsp;&nbsp;&nbsp; "
    meta = (
        f"<b>For</b> {_x(sheet.client_first_name)}{gap}<b>Visit</b> {_x(sheet.visit_date_text)}"
        f"{gap}<b>Therapist</b> {_x(sheet.therapist_name)}"
    )
    rule = HRFlowable(width="100%", thickness=0.75, color=RULE, spaceBefore=5, spaceAfter=0)
    return [top, rule, Paragraph("Your aftercare", TITLE), Paragraph(meta, META)]


def _treated(sheet: AftercareSheet, section: Section, width: float) -> list[Flowable]:
    diagram = body_diagram(sheet.treated_regions, sheet.points)
    if diagram is None:
        return [CondPageBreak(KEEP_WITH_HEADING), _heading(section.heading), *_section_body(section)]
    text = Box(_section_body(section), padding=(0, 6 * mm, 0, 0))
    if text.wrap(width - diagram.width, 0)[1] > SIDE_BY_SIDE_MAX:
        # A very long list of muscles cannot sit beside the diagram (a Box never splits): stack them.
        diagram.hAlign = "CENTER"
        return [
            CondPageBreak(diagram.height + KEEP_WITH_HEADING),
            _heading(section.heading),
            diagram,
            *_section_body(section),
        ]
    row = Columns([(text, width - diagram.width), (diagram, diagram.width)])
    return [KeepTogether([_heading(section.heading), row])]


def _when_to_call(sheet: AftercareSheet, section: Section) -> list[Flowable]:
    content: list[Flowable] = [Paragraph(_x(f"{URGENT_HEADING}: do not wait for the clinic"), ALERT_HEAD)]
    content += [_bullet(text) for text in sheet.urgent]
    content.append(Spacer(1, 2 * mm))
    content.append(Paragraph(_x(f"{CALL_CLINIC_HEADING} on {sheet.clinic.phone}"), ALERT_HEAD))
    content += [_bullet(text) for text in sheet.call_clinic]
    box = Box(content, padding=(3 * mm, 4 * mm, 2.5 * mm, 4 * mm), background=ALERT_BG, border=ALERT_LINE)
    return [KeepTogether([_heading(section.heading), box])]


def _appointments(sheet: AftercareSheet, section: Section, width: float) -> list[Flowable]:
    flowables: list[Flowable] = [CondPageBreak(KEEP_WITH_HEADING), _heading(section.heading)]
    if sheet.appointments:
        rows = [[Paragraph("Date and time", CELL_HEAD), Paragraph("With", CELL_HEAD)]]
        rows += [
            [Paragraph(_x(a.when), CELL), Paragraph(_x(a.therapist_name), CELL)] for a in sheet.appointments
        ]
        table = Table(rows, colWidths=[width * 0.62, width * 0.38], hAlign="LEFT", repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEAD_BG),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("FONTNAME", (0, 0), (-1, -1), FONT),  # cells select a font even when holding paragraphs
                ]
            )
        )
        flowables += [table, Spacer(1, 2 * mm)]
    return flowables + _section_body(section)


def _contact(sheet: AftercareSheet, section: Section) -> list[Flowable]:
    clinic = sheet.clinic
    lines = [clinic.name, *clinic.address.strip().splitlines(), f"Phone: {clinic.phone}"]
    if clinic.email:
        lines.append(f"Email: {clinic.email}")
    address = "<br/>".join(_x(line) for line in lines if line.strip())
    return [
        CondPageBreak(KEEP_WITH_HEADING),
        _heading(section.heading),
        *_section_body(section),
        Paragraph(address, BODY),
    ]


def _story(sheet: AftercareSheet, width: float) -> list[Flowable]:
    story = _header(sheet, width)
    for section in sheet.sections:
        if section.key == "treated":
            story += _treated(sheet, section, width)
        elif section.key == "when_to_call":
            story += _when_to_call(sheet, section)
        elif section.key == "appointments":
            story += _appointments(sheet, section, width)
        elif section.key == "contact":
            story += _contact(sheet, section)
        else:
            story += [CondPageBreak(KEEP_WITH_HEADING), _heading(section.heading), *_section_body(section)]
    return story


def render_batch(sheets: Sequence[AftercareSheet]) -> bytes:
    """One PDF holding every sheet, each starting on a new page with its own page numbers."""
    if not sheets:
        raise ValueError("sheets: at least one sheet is required")
    if len({sheet.clinic.paper for sheet in sheets}) > 1:
        raise ValueError("sheets: all sheets in one PDF must use the same paper size")
    buffer = io.BytesIO()
    doc = _Doc(buffer, sheets)
    story: list[Flowable] = []
    for index, sheet in enumerate(sheets):
        if index:
            story.append(PageBreak())
        story.append(SheetStart(index))
        story += _story(sheet, doc.width)
    doc.build(story, canvasmaker=_SheetCanvas)
    return buffer.getvalue()


def render_pdf(sheet: AftercareSheet) -> bytes:
    """The sheet as a PDF (A4 or Letter from the clinic's setting)."""
    return render_batch([sheet])
