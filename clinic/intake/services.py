"""Health history versions: read the one in force, add a version, and feed the screening. Services flush.

The API other features call:
- current_record(client_id) -> HealthRecord | None: the version in force.
- record_from_form(client, user, data, source, based_on=None) -> HealthRecord | None: a full set of
  answers as a new version (None when an "edit" changes nothing).
- record_update(client, user, changes, note) -> HealthRecord: the per-visit "anything changed?";
  `changes` holds only the fields that changed (None: nothing did, still recorded as a version).
- screening_conditions(record, on) and screening_payload_base(client, record, on): screen() input.
"""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..clock import clinic_today
from ..extensions import db
from ..models import Client, Clinic, HealthRecord, User
from ..rules.screening import ADULT_AGE, MAX_AGE
from .describe import HealthView, health_view, projected_weeks
from .health import (
    DATE_FIELDS,
    FIELDS,
    empty,
    has_anticoagulant,
    normalise,
    same_answers,
    sort_conditions,
)

SOURCES = ("intake", "edit", "update", "self_intake")
SOURCE_LABELS = {
    "intake": "Intake", "edit": "Edit", "update": "Visit update", "self_intake": "Client's own form",
}  # fmt: skip
NO_CHANGE_NOTE = "No changes since the last version."


class EditConflict(Exception):
    """A newer version was saved after this form was opened."""


class NoHealthHistory(Exception):
    """There is no version to confirm: the intake comes first."""


def current_record(client_id: int) -> HealthRecord | None:
    query = (
        select(HealthRecord)
        .options(joinedload(HealthRecord.created_by))
        .where(HealthRecord.client_id == client_id)
        .order_by(HealthRecord.number.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


def versions(client_id: int) -> list[HealthRecord]:
    """Every version of a client's history, newest first, with who made it (one query)."""
    query = (
        select(HealthRecord)
        .options(joinedload(HealthRecord.created_by))
        .where(HealthRecord.client_id == client_id)
        .order_by(HealthRecord.number.desc())
    )
    return list(db.session.scalars(query))


def version(client_id: int, number: int) -> HealthRecord | None:
    return db.session.scalars(
        select(HealthRecord).where(HealthRecord.client_id == client_id, HealthRecord.number == number)
    ).first()


def record_data(record: HealthRecord | None) -> dict[str, Any]:
    """A version's answers as canonical data (the shape forms, diffs and submissions use)."""
    data = empty()
    if record is None:
        return data
    for name in FIELDS:
        value = getattr(record, name)
        data[name] = list(value or []) if name in ("conditions", "pain_areas") else value
    data["conditions"] = [dict(entry) for entry in data["conditions"]]
    if record.anticoagulant and not has_anticoagulant(data):
        # a row written outside these services: the flag still means the condition
        data["conditions"] = sort_conditions([*data["conditions"], {"code": "anticoagulant"}])
    return data


def json_data(stored: dict[str, Any]) -> dict[str, Any]:
    """Submission JSON back to canonical data (dates were stored as "YYYY-MM-DD")."""
    data = {**empty(), **stored}
    for name in DATE_FIELDS:
        if isinstance(data[name], str):
            data[name] = date.fromisoformat(data[name])
    return data


def _add(
    client: Client, user: User | None, data: dict[str, Any], source: str, current: HealthRecord | None
) -> HealthRecord:
    record = HealthRecord(
        clinic_id=client.clinic_id,
        client_id=client.id,
        number=(current.number if current else 0) + 1,
        source=source,
        anticoagulant=has_anticoagulant(data),
        created_by_id=user.id if user is not None else None,
        **{name: data[name] for name in FIELDS},
    )
    try:
        # Two saves at once both aim at number n+1: the unique constraint lets one win.
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        raise EditConflict() from None
    return record


def _check_based_on(current: HealthRecord | None, based_on: int | None) -> None:
    if based_on is not None and (current.number if current else 0) != based_on:
        raise EditConflict()


def record_from_form(
    client: Client,
    user: User,
    data: dict[str, Any],
    source: str,
    based_on: int | None = None,
    today: date | None = None,
) -> HealthRecord | None:
    """A full set of answers as the next version.

    :param source: "intake", "edit" or "self_intake".
    :param based_on: the version number the form showed; a newer one raises EditConflict.
    :returns: the new version, or None when an "edit" says exactly what the current one says.
    :raises InvalidHealthData: on answers outside the vocabulary (the forms check first).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    current = current_record(client.id)
    _check_based_on(current, based_on)
    data = normalise(data, today or clinic_today(client_clinic(client)))
    if current is not None and source == "edit" and same_answers(record_data(current), data):
        return None
    return _add(client, user, data, source, current)


def record_update(
    client: Client,
    user: User,
    changes: dict[str, Any] | None,
    note: str = "",
    based_on: int | None = None,
    today: date | None = None,
) -> HealthRecord:
    """The per-visit "anything changed since last time?" as a new version (source "update").

    A version is written even when nothing changed: it records that someone asked, who and when,
    and gives the visit a version to point at.

    :param changes: the changed fields only, e.g. {"conditions": [...], "medications": "..."};
        "conditions" replaces the whole list. None or {} means nothing changed.
    :param note: what changed, in the client's words (defaults to a "no changes" note).
    :raises NoHealthHistory: nothing to confirm (no version yet and no changes).
    :raises InvalidHealthData: bad changes. EditConflict: a newer version than `based_on` exists.
    """
    current = current_record(client.id)
    _check_based_on(current, based_on)
    if current is None and not changes:
        raise NoHealthHistory()
    day = today or clinic_today(client_clinic(client))
    changes = dict(changes or {})
    changes.pop("change_note", None)
    data = normalise(changes, day, base=record_data(current))
    unchanged = current is not None and same_answers(record_data(current), data)
    data["change_note"] = (note or "").strip()[:1000] or (NO_CHANGE_NOTE if unchanged else "")
    return _add(client, user, data, "update", current)


def client_clinic(client: Client) -> Clinic:
    return db.session.get(Clinic, client.clinic_id)


def client_age(client: Client, on: date) -> int | None:
    age = client.age_on(on)
    return None if age is None else max(0, min(MAX_AGE, age))


def view_of(
    record: HealthRecord | None, client: Client, today: date, data: dict[str, Any] | None = None
) -> HealthView:
    """A version, or answers not saved yet (`data`), ready to read in a template."""
    data = record_data(record) if data is None else data
    recorded_on = record.created_at.date() if record is not None else today
    return health_view(data, client_age(client, today), today, recorded_on)


def screening_conditions(record: HealthRecord | None, on: date) -> list[dict[str, Any]]:
    """The version's conditions as screen() takes them: {"code", "region", "date", "weeks", "cleared"}.

    Dates are "YYYY-MM-DD"; absent attributes are None. A condition dated after `on` is left out (it
    had not happened yet on that day; screen() would refuse it). Weeks of pregnancy are counted on
    from the day the version was recorded.
    """
    if record is None:
        return []
    recorded_on = record.created_at.date() if record.created_at else None
    result = []
    for entry in record_data(record)["conditions"]:
        if entry.get("date") and date.fromisoformat(entry["date"]) > on:
            continue
        weeks = entry.get("weeks")
        result.append(
            {
                "code": entry["code"],
                "region": entry.get("region"),
                "date": entry.get("date"),
                "weeks": projected_weeks(weeks, recorded_on, on) if weeks else None,
                "cleared": bool(entry.get("cleared")),
            }
        )
    return result


def screening_payload_base(client: Client, record: HealthRecord | None, on: date) -> dict[str, Any]:
    """screen()'s payload without the plan: {"on", "age", "consent", "guardian_consent", "conditions"}.

    No version means no consent and no conditions. An unknown date of birth is screened as an adult
    (18): the alternative, a guardian gate on every adult whose birthday was never asked, would
    block most first visits; screening_caveats() says so where the result is shown.
    """
    age = client_age(client, on)
    return {
        "on": on.isoformat(),
        "age": ADULT_AGE if age is None else age,
        "consent": bool(record is not None and record.has_consent),
        "guardian_consent": bool(
            record is not None and record.guardian_consent and record.guardian_name.strip()
        ),
        "conditions": screening_conditions(record, on),
    }


def screening_caveats(client: Client, record: HealthRecord | None, on: date) -> list[str]:
    """What the screening had to assume, in words to show next to its result."""
    caveats = []
    if record is None:
        caveats.append("No health history recorded: screened with no conditions and no consent.")
    if client.date_of_birth is None:
        caveats.append("No date of birth recorded: screened as an adult.")
    return caveats
