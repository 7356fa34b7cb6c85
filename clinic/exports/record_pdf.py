"""Renders a client's record (or just their signed notes) to PDF, from the export's plain dicts.

Knows nothing of Flask or the database: it takes the same records the JSON export holds, so the PDF
and the JSON cannot disagree. Fonts, colours and escaping are the aftercare sheet's (clinic/aftercare/
pdf.py): every piece of text is escaped before it reaches a Paragraph.
"""

import io
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from ..aftercare.layout import NumberedCanvas
from ..aftercare.pdf import (
    BODY,
    CELL,
    CELL_HEAD,
    FONT,
    HEADING,
    INK,
    MUTED,
    RULE,
    SMALL,
    TABLE_HEAD_BG,
    TITLE,
    _fit,
    _x,
)
from ..rules.vocabulary import condition_label
from ..web.formatting import muscle_name, region_name, technique_label

PDF_TITLE = "Client record"  # never the client's name (titles show in tabs and print queues)
NOTES_TITLE = "Signed treatment notes"
MARGIN = 17 * mm
NOTE_HEAD = ParagraphStyle("note_head", parent=HEADING, fontSize=10.5, spaceBefore=9, textColor=INK)
HASH = ParagraphStyle("hash", parent=SMALL, fontName="Courier", fontSize=7.5, leading=9.5)
LABEL = ParagraphStyle("label", parent=BODY, spaceAfter=1)
SOURCES = {
    "intake": "intake",
    "edit": "staff correction",
    "update": "update at a visit",
    "self_intake": "the client's own form",
}
NOTE_FIELDS = (
    ("subjective", "Subjective"),
    ("objective", "Objective"),
    ("assessment", "Assessment"),
    ("plan", "Plan"),
    ("adverse_responses", "Adverse responses"),
    ("aftercare_given", "Aftercare given"),
    ("notes", "Other notes"),
    ("lubricant", "Lubricant"),
)


class _Canvas(NumberedCanvas):
    font_name = FONT
    number_right = MARGIN
    number_y = 10 * mm
    number_color = MUTED


def _page_end(canv: _Canvas, doc: SimpleDocTemplate) -> None:
    canv.page_sheets.append(0)  # one numbering for the whole document ("Page 2 of 9")
    width, _height = doc.pagesize
    canv.saveState()
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
    canv.setFont(FONT, 7.5)
    canv.setFillColor(MUTED)
    footer = f"{doc.title} · {doc.author} · confidential health record"
    canv.drawString(MARGIN, 10 * mm, _fit(footer, width - 2 * MARGIN - 22 * mm))
    canv.restoreState()


def _when(text: str | None, tz: ZoneInfo, with_time: bool = True) -> str:
    if not text:
        return ""
    if len(text) == 10:
        return date.fromisoformat(text).strftime("%-d %b %Y")
    moment = datetime.fromisoformat(text).astimezone(tz)
    return moment.strftime("%-d %b %Y, %H:%M" if with_time else "%-d %b %Y")


def _line(label: str, value: object) -> str | None:
    text = "" if value is None else str(value)
    if not text.strip():
        return None
    return f"<b>{_x(label)}:</b> {_x(text)}"


def _fields(pairs: Iterable[tuple[str, object]]) -> list[Flowable]:
    """The labelled values in one Paragraph, a line each: one markup parse per block, not per line
    (ReportLab's parser is most of a note's cost; 200,000 notes go into a clinic export)."""
    lines = [line for line in (_line(label, value) for label, value in pairs) if line is not None]
    return [Paragraph("<br/>".join(lines), LABEL)] if lines else []


def _table(head: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    cells = [[Paragraph(_x(h), CELL_HEAD) for h in head]]
    cells += [[Paragraph(_x(str(c)), CELL) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEAD_BG),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
            ]
        )
    )
    return table


def _condition(item: dict) -> str:
    parts = [condition_label(item.get("code", ""))]
    if item.get("region"):
        parts.append(region_name(item["region"]))
    if item.get("date"):
        parts.append(f"since {item['date']}")
    if item.get("cleared"):
        parts.append("cleared")
    if item.get("note"):
        parts.append(str(item["note"]))
    return " · ".join(parts)


def health_story(records: list[dict], tz: ZoneInfo) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(30 * mm), Paragraph("Health history", HEADING)]
    if not records:
        story.append(Paragraph("No health history recorded.", BODY))
    for record in records:
        source = SOURCES.get(record["source"], record["source"])
        head = f"Version {record['number']} · {_when(record['created_at'], tz)} · {source}"
        story.append(Paragraph(_x(head), NOTE_HEAD))
        conditions = "; ".join(_condition(c) for c in record.get("conditions") or []) or "none recorded"
        story += _fields(
            [
                ("Main complaint", record.get("main_complaint")),
                ("Onset", _when(record.get("onset_date"), tz)),
                ("Conditions", conditions),
                ("Medications", record.get("medications")),
                ("Anticoagulant", "yes" if record.get("anticoagulant") else "no"),
                ("Allergies", record.get("allergies")),
                ("Pain areas", "; ".join(region_name(r) for r in record.get("pain_areas") or [])),
                ("Goals", record.get("goals")),
                ("What changed", record.get("change_note")),
                ("Consent", f"{record.get('consent_name', '')} {_when(record.get('consent_date'), tz)}"),
                ("Guardian", record.get("guardian_name")),
            ]
        )
    return story


def _points(points: list[dict], width: float) -> Table:
    rows = [
        [
            str(p["number"]),
            f"{muscle_name(p['muscle'])} ({p['side']})",
            p["kind"],
            technique_label(p["technique"]),
            "" if p.get("pressure") is None else f"{p['pressure']} ({p['pressure_scale']})",
            " × ".join(str(v) for v in (p.get("hold_seconds"), p.get("repetitions")) if v is not None),
            p.get("referral") or "",
        ]
        for p in points
    ]
    head = ["#", "Muscle", "Kind", "Technique", "Pressure", "Hold s × reps", "Referral"]
    fractions = (0.05, 0.24, 0.08, 0.20, 0.11, 0.14, 0.18)
    return _table(head, rows, [width * f for f in fractions])


def note_story(visit: dict, tz: ZoneInfo, width: float) -> list[Flowable]:
    """One treatment note: its text, points, addenda and, when signed, the SHA-256 it was signed with."""
    state = "signed" if visit.get("signed_at") else "unsigned draft"
    head = f"Visit of {_when(visit['visit_date'], tz)} · {visit.get('therapist_name', '')} · {state}"
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=4, spaceAfter=0),
        Paragraph(_x(head), NOTE_HEAD),
    ]
    plan = ", ".join(
        f"{technique_label(i.get('technique'))} ({region_name(i.get('region'))})"
        for i in visit.get("plan_items") or []
    )
    pain = " → ".join(str(v) for v in (visit.get("pain_before"), visit.get("pain_after")) if v is not None)
    chosen = ((visit.get("frequency") or {}).get("chosen")) or {}
    interval = f"every {chosen['interval_days']} days" if chosen.get("interval_days") else ""
    story += _fields(
        [("Planned", plan), *((label, visit.get(name)) for name, label in NOTE_FIELDS[:4])]
        + [("Pain (0-10) before → after", pain)]
        + [(label, visit.get(name)) for name, label in NOTE_FIELDS[4:]]
        + [("Frequency", interval), ("Next due", _when(visit.get("next_due"), tz))]
    )
    if visit.get("points"):
        story += [Spacer(1, 1.5 * mm), _points(visit["points"], width), Spacer(1, 1.5 * mm)]
    if visit.get("signed_at"):
        signed = f"Signed {_when(visit['signed_at'], tz)} by {visit.get('signed_by_name', '')}"
        verdict = "matches the note" if visit.get("hash_verified") else "DOES NOT MATCH the note as stored"
        story.append(Paragraph(_x(f"{signed}. SHA-256 ({verdict}):"), SMALL))
        story.append(Paragraph(_x(visit.get("content_hash") or ""), HASH))
    # Addenda come after the signature: written later, outside what the hash covers.
    for addendum in visit.get("addenda") or []:
        line = f"Addendum {_when(addendum['created_at'], tz)} by {addendum.get('author_name', '')}"
        story += _fields([(line, f"{addendum['reason']}: {addendum['text']}")])
    return story


def _appointments(appointments: list[dict], tz: ZoneInfo, width: float) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(30 * mm), Paragraph("Appointments", HEADING)]
    if not appointments:
        return [*story, Paragraph("None.", BODY)]
    rows = [
        [_when(a["start_at"], tz), a.get("service_name", ""), a.get("therapist_name", ""), a["status"]]
        for a in appointments
    ]
    return [
        *story,
        _table(["When", "Service", "With", "Status"], rows, [width * f for f in (0.3, 0.3, 0.25, 0.15)]),
    ]


def _messages(messages: list[dict], tz: ZoneInfo, width: float) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(30 * mm), Paragraph("Messages sent to the client", HEADING)]
    if not messages:
        return [*story, Paragraph("None.", BODY)]
    rows = [
        [_when(m["created_at"], tz), f"{m['kind']} ({m['channel']})", m.get("subject") or "", m["status"]]
        for m in messages
    ]
    head = ["Written", "Kind", "Subject", "Status"]
    return [*story, _table(head, rows, [width * f for f in (0.22, 0.25, 0.38, 0.15)])]


def _documents(documents: list[dict], tz: ZoneInfo, width: float) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(30 * mm), Paragraph("Documents on file", HEADING)]
    if not documents:
        return [*story, Paragraph("None.", BODY)]
    rows = [
        [
            _when(d["created_at"], tz, with_time=False),
            d.get("filename") or "",
            (d.get("caption") or "") + (" (removed)" if d.get("removed_at") else ""),
            f"visit {d['visit_id']}" if d.get("visit_id") else "",
        ]
        for d in documents
    ]
    head = ["Added", "File", "Caption", "On"]
    return [
        *story,
        _table(head, rows, [width * f for f in (0.18, 0.32, 0.35, 0.15)]),
        Paragraph("The files themselves are given with this record, each under its own name.", SMALL),
    ]


def _document(buffer: io.BytesIO, clinic_name: str, title: str = PDF_TITLE) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=clinic_name,
        creator="Knotwork",
        initialFontName=FONT,
    )


def _header(record: dict, title: str, tz: ZoneInfo) -> list[Flowable]:
    client = record["client"]
    born = _when(client.get("date_of_birth"), tz)
    lines = [
        Paragraph(_x(record["clinic"]["name"]), BODY),
        Paragraph(_x(title), TITLE),
        Paragraph(
            _x(f"{client['first_name']} {client['last_name']}" + (f", born {born}" if born else "")), BODY
        ),
        Paragraph(
            _x(
                f"Made {_when(record['generated_at'], tz)} · "
                f"Knotwork export schema {record['schema_version']}"
            ),
            SMALL,
        ),
    ]
    return lines


def render_client_record(record: dict) -> bytes:
    """The whole record for a client's access request: details, health history, notes, appointments,
    messages."""
    tz = ZoneInfo(record["clinic"]["timezone"])
    buffer = io.BytesIO()
    doc = _document(buffer, record["clinic"]["name"])
    client = record["client"]
    story = _header(record, "Client record", tz)
    story += [Paragraph("Contact details", HEADING)]
    story += _fields(
        [
            ("Preferred name", client.get("preferred_name")),
            ("Phone", client.get("phone")),
            ("Email", client.get("email")),
            ("Address", client.get("address")),
            ("Emergency contact", client.get("emergency_contact")),
            ("Referred by", client.get("referral_source")),
            ("Desk notes", client.get("notes")),
            ("Client since", _when(client.get("created_at"), tz, with_time=False)),
        ]
    )
    story += health_story(record["health_records"], tz)
    story += [CondPageBreak(30 * mm), Paragraph("Treatment notes", HEADING)]
    if not record["visits"]:
        story.append(Paragraph("No treatment notes.", BODY))
    for visit in record["visits"]:
        story += note_story(visit, tz, doc.width)
    story += _appointments(record["appointments"], tz, doc.width)
    story += _messages(record["messages"], tz, doc.width)
    story += _documents(record["documents"], tz, doc.width)
    doc.build(story, onFirstPage=_page_end, onLaterPages=_page_end, canvasmaker=_Canvas)
    return buffer.getvalue()


def render_signed_notes(record: dict) -> bytes:
    """A client's signed notes only, each with its hash: the clinic export's notes/client-<id>.pdf."""
    tz = ZoneInfo(record["clinic"]["timezone"])
    buffer = io.BytesIO()
    doc = _document(buffer, record["clinic"]["name"], NOTES_TITLE)
    story = _header(record, NOTES_TITLE, tz)
    for visit in record["visits"]:
        story += note_story(visit, tz, doc.width)
    doc.build(story, onFirstPage=_page_end, onLaterPages=_page_end, canvasmaker=_Canvas)
    return buffer.getvalue()
