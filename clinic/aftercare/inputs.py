"""What the aftercare builder takes in: plain values only (no ORM objects), and their checks.

The app copies from the visit only what a sheet may show. The builder still filters the
screening's condition codes (see wording.PRECAUTION_KEYS), so nothing else of a health history
can reach paper even if a caller passes more.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from clinic import bodymap
from clinic.aftercare import wording as w
from clinic.rules.vocabulary import CONDITIONS, REGION_GROUPS, REGIONS, TECHNIQUES

PAPERS = ("A4", "Letter")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_LOGO_BYTES = 2_000_000
MAX_FIELD_LENGTH = 500
MAX_ADVICE_LENGTH = 2000  # the note's "home care advice" field holds up to this much
# Far above any real visit; they keep a broken caller from producing a 40-page "sheet".
MAX_ITEMS = {
    "regions": 60,
    "muscles": 60,
    "techniques": 20,
    "points": 99,
    "precautions": 60,
    "next_appointments": 20,
}


@dataclass(frozen=True)
class ClinicInfo:
    """The clinic's header and contact. `address` may hold several lines ("\\n")."""

    name: str
    address: str
    phone: str
    email: str = ""
    logo_png: bytes | None = None
    paper: str = "A4"  # "A4" or "Letter"


@dataclass(frozen=True)
class TreatedPoint:
    """A numbered point on the body map, in the map's coordinates (clinic/bodymap/__init__.py VIEWBOX).

    Without x and y it sits at the centre of its region, as on the body map itself."""

    view: str
    x: float | None
    y: float | None
    number: int
    region: str | None = None


@dataclass(frozen=True)
class NextAppointment:
    starts_at: datetime  # wall-clock time in the clinic's time zone, shown as given
    therapist_name: str


@dataclass(frozen=True)
class FrequencyAdvice:
    """The visit's frequency recommendation (the reference 3): phase and days between sessions."""

    phase: str  # acute, chronic, widespread, maintenance, review, or chosen (by the therapist)
    interval_days: int | None = None


@dataclass(frozen=True)
class AftercareInput:
    """Everything one sheet needs, as plain values.

    `precautions` are condition codes from the visit's screening; only those with a client-facing
    precaution (wording.PRECAUTION_KEYS) appear. `muscles` are display names ("Upper trapezius").
    """

    clinic: ClinicInfo
    client_first_name: str
    visit_date: date
    therapist_name: str
    regions: Sequence[str] = ()
    muscles: Sequence[str] = ()
    techniques: Sequence[str] = ()
    points: Sequence[TreatedPoint] = ()
    precautions: Sequence[str] = ()
    next_appointments: Sequence[NextAppointment] = ()
    frequency: FrequencyAdvice | None = None
    wording: w.Wording = w.DEFAULT_WORDING
    # technique code -> the muscles it was used on, so self-care names only those; a technique
    # missing here (a planned item with no point) falls back to every muscle treated.
    muscles_by_technique: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # The therapist's own home-care advice from the note ("aftercare given"), printed as written.
    home_advice: str = ""


def _text(value: object, name: str, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name}: must be text")
    value = value.strip()
    if required and not value:
        raise ValueError(f"{name}: must not be empty")
    if len(value) > MAX_FIELD_LENGTH:
        raise ValueError(f"{name}: longer than {MAX_FIELD_LENGTH} characters")
    return value


def validate(data: AftercareInput) -> None:
    """Raise ValueError naming the field for anything the builder cannot use."""
    clinic = data.clinic
    _text(clinic.name, "clinic.name")
    _text(clinic.phone, "clinic.phone")
    _text(clinic.address, "clinic.address", required=False)
    _text(clinic.email, "clinic.email", required=False)
    if clinic.paper not in PAPERS:
        raise ValueError(f"clinic.paper: must be one of {PAPERS}, not {clinic.paper!r}")
    if clinic.logo_png is not None:
        if not isinstance(clinic.logo_png, bytes) or not clinic.logo_png.startswith(PNG_SIGNATURE):
            raise ValueError("clinic.logo_png: not a PNG image")
        if len(clinic.logo_png) > MAX_LOGO_BYTES:
            raise ValueError(f"clinic.logo_png: larger than {MAX_LOGO_BYTES} bytes")
    if not isinstance(data.home_advice, str):
        raise ValueError("home_advice: must be text")
    if len(data.home_advice.strip()) > MAX_ADVICE_LENGTH:
        raise ValueError(f"home_advice: longer than {MAX_ADVICE_LENGTH} characters")
    _text(data.client_first_name, "client_first_name")
    _text(data.therapist_name, "therapist_name")
    if isinstance(data.visit_date, datetime) or not isinstance(data.visit_date, date):
        raise ValueError("visit_date: must be a date (not a datetime)")
    for name, most in MAX_ITEMS.items():
        if isinstance(getattr(data, name), str | bytes):
            raise ValueError(f"{name}: must be a list, not a single string")
        if len(getattr(data, name)) > most:
            raise ValueError(f"{name}: more than {most} items")
    for code in data.regions:
        if code not in REGIONS and code not in REGION_GROUPS:
            raise ValueError(f"regions: unknown region code {code!r}")
    for index, muscle in enumerate(data.muscles):
        _text(muscle, f"muscles[{index}]")
    for code in data.techniques:
        if code not in TECHNIQUES:
            raise ValueError(f"techniques: unknown technique code {code!r}")
    for code in data.precautions:
        if code not in CONDITIONS:
            raise ValueError(f"precautions: unknown condition code {code!r}")
    for index, point in enumerate(data.points):
        if isinstance(point.number, bool) or not isinstance(point.number, int) or point.number < 1:
            raise ValueError(f"points[{index}].number: must be a whole number from 1")
        if point.region is not None and point.region not in REGIONS:
            raise ValueError(f"points[{index}].region: unknown region code {point.region!r}")
        if point.x is None and point.y is None:
            if point.region is None or point.view not in bodymap.VIEWS:
                raise ValueError(f"points[{index}]: a point without x and y needs a view and a region")
            continue
        try:
            bodymap.validate_point(point.view, point.x, point.y)
        except ValueError as exc:
            raise ValueError(f"points[{index}].{exc}") from None
    for index, appointment in enumerate(data.next_appointments):
        if not isinstance(appointment.starts_at, datetime):
            raise ValueError(f"next_appointments[{index}].starts_at: must be a datetime")
        _text(appointment.therapist_name, f"next_appointments[{index}].therapist_name")
    frequency = data.frequency
    if frequency is not None:
        if frequency.phase not in w.FREQUENCY_TEXTS:
            raise ValueError(f"frequency.phase: unknown phase {frequency.phase!r}")
        days = frequency.interval_days
        if days is None and frequency.phase != "review":
            raise ValueError(f"frequency.interval_days: required for the {frequency.phase} phase")
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days <= 0):
            raise ValueError("frequency.interval_days: must be a positive whole number of days")
    missing = w.EDITABLE_KEYS - set(data.wording.texts)
    if missing:
        raise ValueError(f"wording: missing texts {sorted(missing)}")
