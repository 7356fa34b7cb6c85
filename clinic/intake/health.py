"""A health history as plain data: one validator for every way answers arrive, and the canonical form.

Answers come from the staff form, the per-visit update, the client's own form (stored as JSON until a
therapist accepts it) and other features' code (record_update). All of them pass `normalise`, so a
saved version only ever holds vocabulary codes, known regions, real dates that are not in the future,
and text within its size limit. No Flask or database here: `today` is an argument.
"""

from datetime import date
from typing import Any

from ..rules.vocabulary import CONDITIONS, DATE_REQUIRED, DEFAULT_REGIONS, REGION_REQUIRED
from .questionnaire import CONDITION_ORDER, CONDITION_REGIONS, PAIN_REGIONS, REGION_ORDER

TEXT_LIMITS = {
    "medications": 2000, "allergies": 1000, "main_complaint": 2000, "goals": 1000,
    "consent_name": 160, "guardian_name": 160, "change_note": 1000,
}  # fmt: skip
DATE_FIELDS = ("onset_date", "consent_date")
FIELDS = ("conditions", "pain_areas", *TEXT_LIMITS, *DATE_FIELDS, "guardian_consent")
NOTE_LIMIT = 200
MAX_CONDITION_ENTRIES = 120  # 31 codes, a few regions each: far above any real history
PREGNANCY_WEEKS = range(1, 46)
EARLIEST = date(1900, 1, 1)
_ENTRY_KEYS = frozenset({"code", "region", "date", "weeks", "cleared", "clearance_document", "note"})
_CONDITION_REGIONS = frozenset(CONDITION_REGIONS)
_PAIN_REGIONS = frozenset(PAIN_REGIONS)


class InvalidHealthData(ValueError):
    """Bad answers; `field` names the place ("conditions", "onset_date") and `code` the condition."""

    def __init__(self, field: str, message: str, code: str | None = None):
        super().__init__(f"{field}{'.' + code if code else ''}: {message}")
        self.field, self.message, self.code = field, message, code


def parse_date(value: Any, field: str, today: date, code: str | None = None) -> date | None:
    """A date from a date or "YYYY-MM-DD"; refused when in the future or before 1900."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise InvalidHealthData(field, "Use a date like 2026-03-14.", code)
    if value > today:
        raise InvalidHealthData(field, "The date cannot be in the future.", code)
    if value < EARLIEST:
        raise InvalidHealthData(field, "Check the year.", code)
    return value


def check_entry(raw: Any, today: date) -> dict[str, Any]:
    """One condition entry {"code", "region"?, "date"?, "weeks"?, "cleared"?, "clearance_document"?,
    "note"?}, canonical. clearance_document is the id of the document holding the clearance (that it
    is one of the client's is the caller's check: no database here)."""
    if not isinstance(raw, dict) or not set(raw) <= _ENTRY_KEYS:
        raise InvalidHealthData("conditions", "Each condition is an object with known fields only.")
    code = raw.get("code")
    if not isinstance(code, str) or code not in CONDITIONS:
        raise InvalidHealthData("conditions", "Unknown condition.")
    takes = CONDITIONS[code][1]
    for attribute in ("region", "date", "weeks"):
        if raw.get(attribute) not in (None, "") and attribute not in takes:
            raise InvalidHealthData("conditions", f"This condition takes no {attribute}.", code)
    entry: dict[str, Any] = {"code": code}
    region = raw.get("region") or DEFAULT_REGIONS.get(code)
    if region is not None:
        if not isinstance(region, str) or region not in _CONDITION_REGIONS:
            raise InvalidHealthData("conditions", "Choose an area from the list.", code)
        entry["region"] = region
    elif code in REGION_REQUIRED:
        raise InvalidHealthData("conditions", "Choose where.", code)
    if "date" in takes:
        when = parse_date(raw.get("date"), "conditions", today, code)
        if when is not None:
            entry["date"] = when.isoformat()
        elif code in DATE_REQUIRED:
            raise InvalidHealthData("conditions", "Give the date.", code)
    weeks = raw.get("weeks")
    if weeks is not None and "weeks" in takes:
        if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks not in PREGNANCY_WEEKS:
            raise InvalidHealthData("conditions", "Weeks: a whole number from 1 to 45.", code)
        entry["weeks"] = weeks
    cleared = raw.get("cleared")
    if cleared not in (None, True, False):
        raise InvalidHealthData("conditions", "Clearance is yes or no.", code)
    if cleared:
        entry["cleared"] = True
    letter = raw.get("clearance_document")
    if letter is not None:
        if isinstance(letter, bool) or not isinstance(letter, int) or not 0 < letter < 2**31:
            raise InvalidHealthData("conditions", "Choose the clearance letter from the list.", code)
        if not cleared:
            raise InvalidHealthData("conditions", "A clearance letter goes with a clearance on file.", code)
        entry["clearance_document"] = letter
    note = raw.get("note") or ""
    if not isinstance(note, str) or len(note) > NOTE_LIMIT:
        raise InvalidHealthData("conditions", f"Keep the note under {NOTE_LIMIT} characters.", code)
    if note.strip():
        entry["note"] = note.strip()
    return entry


def sort_conditions(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Vocabulary order, then region order; an identical (code, region) entry kept once."""
    seen, unique = set(), []
    for entry in entries:
        key = (entry["code"], entry.get("region"))
        if key not in seen:
            seen.add(key)
            unique.append(entry)
    return sorted(unique, key=lambda e: (CONDITION_ORDER[e["code"]], REGION_ORDER.get(e.get("region"), -1)))


def _text(value: Any, field: str) -> str:
    value = "" if value is None else value
    if not isinstance(value, str):
        raise InvalidHealthData(field, "Expected text.")
    value = value.strip()
    if len(value) > TEXT_LIMITS[field]:
        raise InvalidHealthData(field, f"Keep this under {TEXT_LIMITS[field]} characters.")
    return value


def empty() -> dict[str, Any]:
    return {
        "conditions": [], "pain_areas": [], **{name: "" for name in TEXT_LIMITS},
        "onset_date": None, "consent_date": None, "guardian_consent": False,
    }  # fmt: skip


def normalise(data: dict[str, Any], today: date, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validated, canonical health data; fields missing from `data` come from `base` (or empty)."""
    if not isinstance(data, dict):
        raise InvalidHealthData("data", "Expected an object.")
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise InvalidHealthData(sorted(unknown)[0], "Unknown field.")
    result = dict(base) if base is not None else empty()
    if "conditions" in data:
        raw = data["conditions"]
        if not isinstance(raw, list) or len(raw) > MAX_CONDITION_ENTRIES:
            raise InvalidHealthData("conditions", "Expected a list of conditions.")
        result["conditions"] = sort_conditions([check_entry(entry, today) for entry in raw])
    if "pain_areas" in data:
        raw = data["pain_areas"]
        if not isinstance(raw, list) or any(not isinstance(r, str) or r not in _PAIN_REGIONS for r in raw):
            raise InvalidHealthData("pain_areas", "Choose areas from the list.")
        result["pain_areas"] = sorted(set(raw), key=REGION_ORDER.__getitem__)
    for name in TEXT_LIMITS:
        if name in data:
            result[name] = _text(data[name], name)
    for name in DATE_FIELDS:
        if name in data:
            result[name] = parse_date(data[name], name, today)
    if "guardian_consent" in data:
        if not isinstance(data["guardian_consent"], bool):
            raise InvalidHealthData("guardian_consent", "Expected yes or no.")
        result["guardian_consent"] = data["guardian_consent"]
    return result


def has_anticoagulant(data: dict[str, Any]) -> bool:
    """The anticoagulant flag is the anticoagulant condition: derived, never set on its own."""
    return any(entry["code"] == "anticoagulant" for entry in data["conditions"])


def to_json(data: dict[str, Any]) -> dict[str, Any]:
    """For IntakeLink.submission: the same data with dates as "YYYY-MM-DD"."""
    return {key: (value.isoformat() if isinstance(value, date) else value) for key, value in data.items()}


def same_answers(one: dict[str, Any], two: dict[str, Any]) -> bool:
    """True when two versions say the same (the change note is about the change, not the history)."""
    return all(one[name] == two[name] for name in FIELDS if name != "change_note")
