"""The aftercare PDF, read back with pypdf: content, escaping, fonts, paper, batch, metadata, logo."""

import io
import re

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from clinic.aftercare.pdf import render_batch, render_pdf
from clinic.aftercare.sheet import NextAppointment, build_sheet

A4_POINTS = (595.28, 841.89)  # 210 x 297 mm
LETTER_POINTS = (612.0, 792.0)  # 8.5 x 11 in


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    # Lines wrap anywhere: compare text with all runs of white space made one space.
    return [re.sub(r"\s+", " ", page.extract_text()) for page in read(pdf).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def png(width: int = 120, height: int = 40) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (31, 95, 91)).save(buffer, format="PNG")
    return buffer.getvalue()


def image_count(pdf: bytes) -> int:
    count = 0
    for page in read(pdf).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        count += sum(1 for ref in xobjects.values() if ref.get_object()["/Subtype"] == "/Image")
    return count


@pytest.fixture
def sheet(make_input):
    return build_sheet(make_input())


@pytest.fixture
def text(sheet):
    return text_of(render_pdf(sheet))


def test_every_section_heading_is_printed(text):
    # The list of contents, in its words.
    for heading in (
        "What we did today",
        "What to expect",
        "Hydration",
        "Cold compress",
        "Rest",
        "Self-care at home",
        "Precautions for you",
        "When to call",
        "Seek urgent care",
        "Call the clinic",
        "Your next appointments",
        "How to reach us",
    ):
        assert heading in text


def test_every_red_flag_is_printed_in_full(sheet, text):
    assert len(sheet.urgent) + len(sheet.call_clinic) >= 6  # docs/clinical-reference.md 5 lists six
    for flag in (*sheet.urgent, *sheet.call_clinic):
        assert flag in text


def test_client_visit_and_therapist(text):
    assert "For Zoë" in text
    assert "Tuesday 24 November 2026" in text
    assert "Therapist Sam Lee" in text


def test_regions_and_muscles_treated(text):
    assert "Areas: Shoulder, left; upper back; calf, right" in text
    assert "Muscles: Upper trapezius, levator scapulae and gastrocnemius" in text


def test_next_appointments_and_frequency(text):
    first, second = text.index("Tuesday 1 December 2026, 10:30"), text.index("Tuesday 8 December 2026, 14:00")
    assert first < second
    assert "Ana Ruiz" in text
    assert "once a week" in text


def test_clinic_contact_in_header_body_and_footer(text):
    assert text.count("0117 496 0000") >= 3
    assert "12 Harbour Street" in text and "Bristol BS1 4AA" in text
    assert "hello@knotease.example" in text


def test_wording_version_is_in_the_properties_not_on_the_page(sheet, text):
    # The label tells the clinic which texts a sheet printed; the client has no use for it.
    assert "standard-1" not in text and "Aftercare wording" not in text
    assert PdfReader(io.BytesIO(render_pdf(sheet))).metadata.subject == "Aftercare wording standard-1"


def test_page_numbers_per_sheet(sheet):
    pages = page_texts(render_pdf(sheet))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


def test_nothing_from_the_health_history_is_printed(text, health_record):
    lower = text.lower()
    record = health_record
    for item in (
        record["last_name"],
        record["date_of_birth"],
        record["date_of_birth_iso"],
        *record["medications"],
        "warfarin",
        "divorce",
        "7/10",
        "epilep",
        "cancer",
        "kidney",
        "fibromyalgia",
        "diabetes",
    ):
        assert item.lower() not in lower


@pytest.mark.parametrize(
    "hostile",
    [
        "<b>Bo & Co</b>",
        "<font color=\"[[[os.system('touch /tmp/pwned')]]]\">x</font>",
        '<para><img src="/etc/passwd"/></para>',
        "Tom &amp; Jerry &lt;3",
        "</b></para>]]>",
    ],
)
def test_user_text_is_never_read_as_markup(make_input, make_clinic, hostile):
    data = make_input(
        clinic=make_clinic(name=f"Clinic {hostile}", address=f"1 {hostile} Road"),
        client_first_name=hostile,
        therapist_name=f"T {hostile}",
        muscles=[f"M {hostile}"],
        next_appointments=[NextAppointment(make_input().next_appointments[0].starts_at, f"N {hostile}")],
    )
    text = text_of(render_pdf(build_sheet(data)))
    for shown in (
        f"For {hostile}",
        f"Clinic {hostile}",
        f"1 {hostile} Road",
        f"T {hostile}",
        f"Muscles: M {hostile}",
        f"N {hostile}",
    ):
        assert shown in text


def test_a_hostile_clinic_wording_is_printed_literally(make_input):
    from clinic.aftercare.wording import make_wording

    hostile = "<font color=\"[[[getattr(pow, 'x')]]]\">Drink</font> & rest"
    text = text_of(render_pdf(build_sheet(make_input(wording=make_wording({"hydration": hostile}, "v2")))))
    assert hostile in text


@pytest.mark.parametrize(
    "name",
    ["Zoë Ngô-Łukasiewicz", "Nguyễn Thị Ánh", "Σοφία Παπαδοπούλου", "Дмитрий Шостакович", "Şükrü Ağaoğlu"],
)
def test_names_in_other_scripts_survive(make_input, name):
    data = make_input(client_first_name=name, therapist_name=name)
    text = text_of(render_pdf(build_sheet(data)))
    assert f"For {name}" in text and f"Therapist {name}" in text


def test_the_font_is_embedded(sheet):
    reader = read(render_pdf(sheet))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts, "no fonts on the pages"
    for name, font in fonts.items():
        assert "DejaVu" in name, f"{name} is not the shipped font"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"


@pytest.mark.parametrize(("paper", "size"), [("A4", A4_POINTS), ("Letter", LETTER_POINTS)])
def test_paper_size_from_the_clinic_setting(make_input, make_clinic, paper, size):
    reader = read(render_pdf(build_sheet(make_input(clinic=make_clinic(paper=paper)))))
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == size


def test_batch_prints_each_sheet_from_a_new_page(make_input):
    first = build_sheet(make_input(client_first_name="Zoë"))
    second = build_sheet(make_input(client_first_name="Bartholomew", precautions=[], next_appointments=[]))
    pages_first, pages_second = len(read(render_pdf(first)).pages), len(read(render_pdf(second)).pages)
    pages = page_texts(render_batch([first, second]))
    assert len(pages) == pages_first + pages_second
    start = pages[pages_first]
    assert "For Bartholomew" in start
    assert "Knot & Ease Trigger Point Clinic" in start.split("Your aftercare")[0]  # the header comes first
    assert all("Bartholomew" not in page for page in pages[:pages_first])
    assert f"Page 1 of {pages_first}" in pages[0] and f"Page 1 of {pages_second}" in start


def test_batch_refuses_nothing_and_mixed_paper(make_input, make_clinic):
    with pytest.raises(ValueError, match="sheets"):
        render_batch([])
    a4, letter = (build_sheet(make_input(clinic=make_clinic(paper=p))) for p in ("A4", "Letter"))
    with pytest.raises(ValueError, match="paper"):
        render_batch([a4, letter])


def test_metadata_title_carries_no_client_name(sheet):
    metadata = read(render_pdf(sheet)).metadata
    assert metadata.title == "Aftercare sheet"
    values = " ".join(str(value) for value in metadata.values())
    assert "Zoë" not in values and "Sam Lee" not in values


def test_logo_is_drawn_when_set(make_input, make_clinic, sheet):
    with_logo = render_pdf(build_sheet(make_input(clinic=make_clinic(logo_png=png()))))
    assert image_count(with_logo) == 1
    assert image_count(render_pdf(sheet)) == 0
    assert "Knot & Ease Trigger Point Clinic" in text_of(with_logo)


def test_a_broken_logo_is_refused_clearly(make_input, make_clinic):
    broken = png()[:40] + b"\x00" * 30  # a PNG signature, then garbage
    with pytest.raises(ValueError, match="clinic.logo_png"):
        render_pdf(build_sheet(make_input(clinic=make_clinic(logo_png=broken))))


def test_a_list_of_muscles_too_long_to_sit_beside_the_diagram_still_renders(make_input):
    muscles = [f"Muscle {n} with a long descriptive name to fill the column" for n in range(1, 61)]
    text = text_of(render_pdf(build_sheet(make_input(muscles=muscles))))
    assert "and muscle 60 with a long descriptive name" in text and "Front" in text


def test_the_body_diagram_is_drawn_only_when_something_was_treated(make_input, text):
    assert "Front" in text and "Back" in text
    bare = text_of(render_pdf(build_sheet(make_input(regions=[], points=[]))))
    assert "Front" not in bare and "Back" not in bare
