"""Builds the aftercare sheet's content from plain visit data: pure, no reportlab, no clock.

Source: docs/clinical-reference.md section 5. The input carries only what the sheet may show; the
builder still filters the screening's condition codes down to client-facing precautions, so
the rest of a health history never reaches paper.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from clinic import bodymap
from clinic.aftercare import wording as w
from clinic.aftercare.inputs import (  # re-exported: callers build inputs from this module
    AftercareInput,
    ClinicInfo,
    FrequencyAdvice,
    NextAppointment,
    TreatedPoint,
    validate,
)
from clinic.rules.scheduling import day_label
from clinic.rules.vocabulary import NEEDLING, REGION_GROUPS, TECHNIQUES, region_label

__all__ = [
    "AftercareInput",
    "AftercareSheet",
    "AppointmentLine",
    "Bullet",
    "ClinicInfo",
    "FrequencyAdvice",
    "NextAppointment",
    "Section",
    "TreatedPoint",
    "build_sheet",
    "format_date",
]


@dataclass(frozen=True)
class Bullet:
    text: str
    lead: str = ""  # a short bold lead-in, e.g. "Foam roller"


@dataclass(frozen=True)
class Section:
    """One block of the sheet. `when_to_call` takes its content from the sheet's red-flag lists
    and `appointments` adds the sheet's appointment table after its paragraphs."""

    key: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[Bullet, ...] = ()


@dataclass(frozen=True)
class AppointmentLine:
    when: str
    therapist_name: str


@dataclass(frozen=True)
class AftercareSheet:
    clinic: ClinicInfo
    client_first_name: str
    visit_date: date
    visit_date_text: str
    therapist_name: str
    sections: tuple[Section, ...]
    call_clinic: tuple[str, ...]
    urgent: tuple[str, ...]
    appointments: tuple[AppointmentLine, ...]
    wording_version: str
    treated_regions: tuple[str, ...]  # single region codes (groups expanded), for the diagram
    points: tuple[TreatedPoint, ...]


def format_date(day: date) -> str:
    """'Tuesday 24 November 2026': the same in every locale, unambiguous on paper."""
    return f"{day_label(day)} {day.year}"


def format_time(moment: datetime) -> str:
    """'14:30': the clinic's wall clock, 24-hour as on every other page."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def interval_words(days: int) -> str:
    if days <= 0:
        raise ValueError("frequency.interval_days: must be a positive number of days")
    if days <= 4:
        return "twice a week"
    if days % 7 == 0:
        weeks = days // 7
        return "once a week" if weeks == 1 else f"every {weeks} weeks"
    if 28 <= days <= 31:
        return "once a month"
    return f"every {days} days"


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _lower(label: str) -> str:
    # "Upper trapezius" reads "your upper trapezius" mid-sentence; "TFL" stays as it is.
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _lower_rest(labels: Sequence[str]) -> list[str]:
    return [label if index == 0 else _lower(label) for index, label in enumerate(labels)]


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("\n\n") if part.strip())


def _treated_section(data: AftercareInput, muscles: list[str]) -> Section:
    bullets = []
    if data.regions:
        # Region labels hold commas ("Shoulder, left"), so the list needs semicolons to read right.
        labels = _lower_rest([region_label(code) for code in _unique(data.regions)])
        bullets.append(Bullet("; ".join(labels), "Areas"))
    if muscles:
        bullets.append(Bullet(join_words(_lower_rest(muscles)), "Muscles"))
    if data.techniques:
        labels = _lower_rest(
            [w.CLIENT_TECHNIQUES.get(code, TECHNIQUES[code]) for code in _unique(data.techniques)]
        )
        bullets.append(Bullet(join_words(labels), "Techniques"))
    intro = f"Your therapist today was {data.therapist_name.strip()}."
    if data.points:
        intro += " The numbers on the body diagram show the spots we worked on."
    return Section("treated", w.HEADINGS["treated"], (intro,), tuple(bullets))


def _self_care_section(data: AftercareInput, muscles: list[str], precautions: bool) -> Section:
    """The therapist's own advice first, then each tool's; the general text only when neither exists.

    The general text's "nothing else you need to do at home" is said only when it is true: no advice,
    no self-care and no precaution to heed (a clinic's own wording loses the sentence otherwise)."""
    heading = w.HEADINGS["self_care"]

    def muscle_words(technique: str) -> str:
        # Name only the muscles this tool was used on, when the note says so.
        own = _unique([m.strip() for m in data.muscles_by_technique.get(technique, ())]) or muscles
        return join_words([_lower(m) for m in own]) or "treated muscles"

    advice = "\n".join(line.strip() for line in data.home_advice.strip().splitlines())
    bullets = (Bullet(advice, w.THERAPIST_ADVICE_LEAD),) if advice else ()
    bullets += tuple(
        Bullet(
            " ".join(
                _paragraphs(data.wording.text(key).replace(w.MUSCLES_PLACEHOLDER, muscle_words(technique)))
            ),
            lead,
        )
        for technique, (lead, key) in w.SELF_CARE.items()
        if technique in data.techniques
    )
    if bullets:
        return Section("self_care", heading, bullets=bullets)
    general = data.wording.text("self_care_general")
    if precautions:
        general = general.replace(" " + w.NOTHING_ELSE, "").replace(w.NOTHING_ELSE, "").strip()
    return Section("self_care", heading, _paragraphs(general))


def _appointments_section(data: AftercareInput) -> Section:
    paragraphs = []
    if not data.next_appointments:
        paragraphs.append(f"No appointment is booked yet: call us on {data.clinic.phone.strip()} to book.")
    frequency = data.frequency
    if frequency is not None:
        interval = interval_words(frequency.interval_days) if frequency.interval_days else ""
        paragraphs.append(w.FREQUENCY_TEXTS[frequency.phase].replace("{interval}", interval))
    return Section("appointments", w.HEADINGS["appointments"], tuple(paragraphs))


def build_sheet(data: AftercareInput) -> AftercareSheet:
    """The sheet's content for one visit. Raises ValueError naming the field for bad input."""
    validate(data)
    texts = data.wording
    muscles = _unique([m.strip() for m in data.muscles])
    expect = _paragraphs(texts.text("what_to_expect"))
    if NEEDLING.intersection(data.techniques):
        expect += _paragraphs(texts.text("what_to_expect_needling"))
    sections = [
        _treated_section(data, muscles),
        Section("what_to_expect", w.HEADINGS["what_to_expect"], expect),
        Section("hydration", w.HEADINGS["hydration"], _paragraphs(texts.text("hydration"))),
        Section("cold_compress", w.HEADINGS["cold_compress"], _paragraphs(texts.text("cold_compress"))),
        Section("rest", w.HEADINGS["rest"], _paragraphs(texts.text("rest"))),
    ]
    precaution_keys = {w.PRECAUTION_KEYS[c] for c in data.precautions if c in w.PRECAUTION_KEYS}
    sections.append(_self_care_section(data, muscles, bool(precaution_keys)))
    if precaution_keys:
        # A fixed order, so the same screening always gives the same sheet.
        bullets = tuple(Bullet(text) for key, text in w.PRECAUTION_TEXTS.items() if key in precaution_keys)
        sections.append(Section("precautions", w.HEADINGS["precautions"], bullets=bullets))
    sections.append(Section("when_to_call", w.HEADINGS["when_to_call"]))
    sections.append(_appointments_section(data))
    sections.append(Section("contact", w.HEADINGS["contact"], _paragraphs(texts.text("closing"))))

    treated = set()
    for code in data.regions:
        treated.update(REGION_GROUPS.get(code, (code,)))
    for point in data.points:
        region = point.region
        if region is None and point.x is not None and point.y is not None:
            region = bodymap.region_at(point.view, point.x, point.y)
        if region:
            treated.add(region)
    appointments = tuple(
        AppointmentLine(
            f"{format_date(a.starts_at.date())}, {format_time(a.starts_at)}",
            a.therapist_name.strip(),
        )
        for a in sorted(data.next_appointments, key=lambda a: a.starts_at.replace(tzinfo=None))
    )
    return AftercareSheet(
        clinic=data.clinic,
        client_first_name=data.client_first_name.strip(),
        visit_date=data.visit_date,
        visit_date_text=format_date(data.visit_date),
        therapist_name=data.therapist_name.strip(),
        sections=tuple(sections),
        call_clinic=tuple(text for _, text, urgent in w.RED_FLAGS if not urgent),
        urgent=tuple(text for _, text, urgent in w.RED_FLAGS if urgent),
        appointments=appointments,
        wording_version=texts.version,
        treated_regions=tuple(sorted(treated)),
        points=tuple(sorted(data.points, key=lambda p: p.number)),
    )
