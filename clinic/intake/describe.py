"""Health data in words: condition lines a therapist reads in seconds, and the diff between versions."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..rules.policy import DEFAULT_POLICY
from .questionnaire import ACUTE, ALLERGY_ITEMS, MEDICATION_ITEMS, plain_label, region_name

FIELD_LABELS = {
    "medications": "Medications", "allergies": "Allergies (other)", "main_complaint": "Main complaint",
    "onset_date": "Onset", "goals": "Goals", "pain_areas": "Pain areas",
}  # fmt: skip
SHOWN_CHARS = 120


def day(value: date | str | None) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}" if value else ""


def _ago(since: date, on: date) -> str:
    days = (on - since).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 70:
        return f"{days // 7} weeks ago"
    return f"{round(days / 30.44)} months ago"


def regions_text(regions: list[str]) -> str:
    """ "Knee, right; Calf, right": a semicolon between areas, since a name holds a comma."""
    return "; ".join(region_name(r) for r in regions)


@dataclass
class ConditionLine:
    code: str
    label: str
    details: list[str] = field(default_factory=list)
    acute: bool = False
    # A dated condition past its screening window (e.g. surgery more than 42 days ago).
    lapsed: bool = False
    # The document that holds the doctor's clearance, when one is linked (clinic.documents).
    clearance_document: int | None = None


def grouped(conditions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Entries by code: a condition at several regions is one line with its regions listed."""
    by_code: dict[str, dict[str, Any]] = {}
    for entry in conditions:
        item = by_code.setdefault(entry["code"], {**entry, "regions": []})
        if entry.get("region"):
            item["regions"].append(entry["region"])
    return by_code


def projected_weeks(weeks: int, recorded_on: date | None, on: date) -> int:
    """Weeks of pregnancy on `on`, counted on from the day they were recorded (at most 45)."""
    if recorded_on is None or on <= recorded_on:
        return weeks
    return min(45, weeks + (on - recorded_on).days // 7)


def condition_lines(
    conditions: list[dict[str, Any]], on: date, recorded_on: date | None = None
) -> list[ConditionLine]:
    lines = []
    for code, item in grouped(conditions).items():
        line = ConditionLine(code, plain_label(code), acute=code in ACUTE)
        if item["regions"]:
            line.details.append(regions_text(item["regions"]))
        if item.get("date"):
            since = date.fromisoformat(item["date"])
            line.details.append(f"{day(since)} ({_ago(since, on)})")
            window = DEFAULT_POLICY.windows.get(code)
            if window is not None and (on - since).days > window:
                line.lapsed = True
                line.details.append(f"more than {window} days ago")
        if item.get("weeks"):
            now = projected_weeks(item["weeks"], recorded_on, on)
            text = f"{item['weeks']} weeks"
            if now != item["weeks"] and recorded_on:
                text += f" on {day(recorded_on)}, about {now} now"
            line.details.append(text)
        if item.get("cleared"):
            line.details.append("doctor's clearance on file")
            line.clearance_document = item.get("clearance_document")
        if item.get("note"):
            line.details.append(f"“{item['note']}”")
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, changed
    label: str
    detail: str = ""


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return day(value)
    text = str(value or "").replace("\n", " ")
    if not text:
        return "—"
    return f"“{text[:SHOWN_CHARS]}{'…' if len(text) > SHOWN_CHARS else ''}”"


def _clearance(item: dict[str, Any]) -> str:
    if not item.get("cleared"):
        return "no"
    return "yes, letter linked" if item.get("clearance_document") else "yes"


def _attributes(item: dict[str, Any]) -> dict[str, str]:
    return {
        "area": regions_text(item["regions"]) or "—",
        "date": day(item.get("date")) or "—",
        "weeks": str(item.get("weeks") or "—"),
        "clearance on file": (
            ("yes, letter linked" if item.get("clearance_document") else "yes")
            if item.get("cleared")
            else "no"
        ),
        "note": _shown(item.get("note")),
    }


def _summary(item: dict[str, Any]) -> str:
    shown = {name: value for name, value in _attributes(item).items() if value not in ("—", "no")}
    if "weeks" in shown:
        shown["weeks"] += " weeks"
    return " · ".join(shown.values())


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """What changed from `old` to `new`, in words: conditions first, then the other answers."""
    if old is None:
        count = len(grouped(new["conditions"]))
        recorded = f"{count} condition{'s' if count != 1 else ''}" if count else "no conditions"
        return [Change("added", "First version", f"{recorded} recorded")]
    changes: list[Change] = []
    before, after = grouped(old["conditions"]), grouped(new["conditions"])
    for code, item in after.items():
        if code not in before:
            changes.append(Change("added", plain_label(code), _summary(item)))
            continue
        was, now = _attributes(before[code]), _attributes(item)
        moved = [f"{name}: {was[name]} → {now[name]}" for name in now if was[name] != now[name]]
        if moved:
            changes.append(Change("changed", plain_label(code), "; ".join(moved)))
    for code, item in before.items():
        if code not in after:
            changes.append(Change("removed", plain_label(code), _summary(item)))
    if old["pain_areas"] != new["pain_areas"]:
        gained = [region_name(r) for r in new["pain_areas"] if r not in old["pain_areas"]]
        lost = [region_name(r) for r in old["pain_areas"] if r not in new["pain_areas"]]
        parts = [f"added {'; '.join(gained)}"] if gained else []
        parts += [f"removed {'; '.join(lost)}"] if lost else []
        changes.append(Change("changed", "Pain areas", "; ".join(parts)))
    for name in ("main_complaint", "onset_date", "medications", "allergies", "goals"):
        if old[name] != new[name]:
            detail = f"{_shown(old[name])} → {_shown(new[name])}"
            changes.append(Change("changed", FIELD_LABELS[name], detail))
    changes.extend(_consent_changes(old, new))
    return changes


def _consent_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    had = bool(old["consent_name"] and old["consent_date"])
    has = bool(new["consent_name"] and new["consent_date"])
    if (old["consent_name"], old["consent_date"]) != (new["consent_name"], new["consent_date"]):
        if has:
            changes.append(
                Change(
                    "added" if not had else "changed",
                    "Consent",
                    f"{new['consent_name']} on {day(new['consent_date'])}",
                )
            )
        elif had:
            changes.append(Change("removed", "Consent", "no consent recorded"))
    if (old["guardian_name"], old["guardian_consent"]) != (new["guardian_name"], new["guardian_consent"]):
        text = (
            (f"given by {new['guardian_name']}" if new["guardian_consent"] else "not given")
            if (new["guardian_name"] or new["guardian_consent"])
            else "none recorded"
        )
        changes.append(Change("changed", "Guardian consent", text))
    return changes


_MEDICATION_CODES = frozenset(item.code for item in MEDICATION_ITEMS)
_ALLERGY_CODES = frozenset(item.code for item in ALLERGY_ITEMS)
ADULT = 18


@dataclass
class HealthView:
    """One version (or a client's unsaved answers) ready to read: what a template shows."""

    data: dict[str, Any]
    conditions: list[ConditionLine]
    medication_lines: list[ConditionLine]
    allergy_lines: list[ConditionLine]
    pain: list[str]
    consent: str
    warnings: list[str]
    notes: list[str]


def health_view(
    data: dict[str, Any], age: int | None, on: date, recorded_on: date | None = None
) -> HealthView:
    lines = condition_lines(data["conditions"], on, recorded_on)
    warnings, notes = [], []
    has_consent = bool(data["consent_name"] and data["consent_date"])
    if has_consent:
        consent = f"{data['consent_name']}, {day(data['consent_date'])}"
    else:
        consent = "Not recorded"
        warnings.append("No consent recorded: no treatment until the client consents.")
    if data["guardian_consent"] and data["guardian_name"]:
        consent += f"; guardian {data['guardian_name']}"
    if age is not None and age < ADULT and not (data["guardian_consent"] and data["guardian_name"]):
        warnings.append(f"Under 18 (age {age}): a parent or guardian's consent is missing.")
    if age is None:
        notes.append("No date of birth recorded: screened as an adult.")
    return HealthView(
        data=data,
        conditions=[line for line in lines if line.code not in _MEDICATION_CODES | _ALLERGY_CODES],
        medication_lines=[line for line in lines if line.code in _MEDICATION_CODES],
        allergy_lines=[line for line in lines if line.code in _ALLERGY_CODES],
        pain=[region_name(code) for code in data["pain_areas"]],
        consent=consent,
        warnings=warnings,
        notes=notes,
    )
