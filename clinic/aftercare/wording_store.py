"""A clinic's versioned aftercare wording: every save is a new AftercareWording row.

Each row holds the complete set of editable texts as they were saved (not only the changes), so a
version label ("clinic-3-v2") printed in a sheet's footer names exactly the words on that sheet,
even after the standard wording in wording.py improves. Rows are only ever added.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import AftercareWording, User
from . import wording as w

logger = logging.getLogger(__name__)
HISTORY_LIMIT = 50


class WordingError(ValueError):
    """Texts that cannot be saved; `errors` maps a text key (or "" for the form) to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class StaleWording(Exception):
    """Another version was saved since the page was loaded."""


@dataclass(frozen=True)
class VersionRow:
    number: int
    label: str
    created_at: datetime
    author: str
    changed: tuple[str, ...]  # keys whose text differs from the version before


def label_for(clinic_id: int, number: int) -> str:
    return f"clinic-{clinic_id}-v{number}"


def latest(clinic_id: int) -> AftercareWording | None:
    return db.session.scalars(
        select(AftercareWording)
        .where(AftercareWording.clinic_id == clinic_id)
        .order_by(AftercareWording.number.desc())
        .limit(1)
    ).first()


def get_version(clinic_id: int, number: int) -> AftercareWording | None:
    return db.session.scalars(
        select(AftercareWording).where(
            AftercareWording.clinic_id == clinic_id, AftercareWording.number == number
        )
    ).first()


def as_wording(row: AftercareWording | None) -> w.Wording:
    """The row as a Wording; a stored text the rules now refuse falls back to the standard one."""
    if row is None:
        return w.DEFAULT_WORDING
    kept = {}
    for key, text in (row.texts or {}).items():
        try:
            w.make_wording({key: text}, "check")
        except ValueError:
            logger.warning("aftercare wording %s: stored text for %r refused, standard used", row.label, key)
            continue
        kept[key] = text
    return w.make_wording(kept, row.label)


def current_wording(clinic_id: int) -> w.Wording:
    """The clinic's wording now: the standard until the owner saves a version. One small query."""
    return as_wording(latest(clinic_id))


def check_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """The texts cleaned up (line endings, outer white space); WordingError names every bad one."""
    errors: dict[str, str] = {}
    unknown = sorted(set(texts) - w.EDITABLE_KEYS)
    if unknown:
        errors[""] = (
            f"Unknown or not editable: {', '.join(unknown)}. Red flags and precautions cannot be changed."
        )
    cleaned = {}
    for key in sorted(w.EDITABLE_KEYS & set(texts)):
        raw = texts[key] if isinstance(texts[key], str) else ""
        text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            errors[key] = "Write a text here, or tick “Use the standard text”."
            continue
        try:
            w.make_wording({key: text}, "check")
        except ValueError as error:
            errors[key] = _plain(str(error))
            continue
        cleaned[key] = text
    if errors:
        raise WordingError(errors)
    return cleaned


def _plain(message: str) -> str:
    # "wording 'rest': the text must ..." -> "The text must ...": the field already says which text.
    detail = message.split(": ", 1)[-1]
    return detail[:1].upper() + detail[1:] + ("" if detail.endswith(".") else ".")


def save(
    clinic_id: int, user: User, texts: Mapping[str, str], seen_number: int | None
) -> AftercareWording | None:
    """Save the owner's texts as the next version; None when nothing differs from the current one.

    :param texts: key -> text for some or all of wording.EDITABLE_KEYS; keys left out keep their text.
    :param seen_number: the version the owner edited (0 for the standard); a newer one raises StaleWording.
    :raises WordingError: unknown keys, empty or overlong texts, claims the sheet must not make.
    """
    cleaned = check_texts(texts)
    row = latest(clinic_id)
    number = row.number if row else 0
    if seen_number is not None and seen_number != number:
        raise StaleWording()
    current = dict(as_wording(row).texts)
    merged = {**current, **cleaned}
    if merged == current:
        return None
    version = AftercareWording(clinic_id=clinic_id, number=number + 1, texts=merged, created_by_id=user.id)
    db.session.add(version)
    db.session.flush()
    return version


def history(clinic_id: int, limit: int = HISTORY_LIMIT) -> list[VersionRow]:
    """The clinic's versions, newest first, with their author and what each changed (one query)."""
    rows = db.session.execute(
        select(AftercareWording, User.name)
        .join(User, User.id == AftercareWording.created_by_id)
        .where(AftercareWording.clinic_id == clinic_id)
        .order_by(AftercareWording.number.desc())
        .limit(limit + 1)
    ).all()
    versions = []
    for position, (row, author) in enumerate(rows[:limit]):
        older = rows[position + 1][0].texts if position + 1 < len(rows) else None
        before = older or w.DEFAULT_WORDING.texts
        texts = row.texts or {}
        changed = tuple(key for key in ordered_keys() if texts.get(key) != before.get(key))
        versions.append(VersionRow(row.number, row.label, row.created_at, author, changed))
    return versions


# The order of the sheet, for forms and lists.
KEY_ORDER = (
    "what_to_expect",
    "what_to_expect_needling",
    "hydration",
    "cold_compress",
    "rest",
    "self_care_massage_ball",
    "self_care_foam_roller",
    "self_care_stretching",
    "self_care_massage_gun",
    "self_care_general",
    "closing",
)
LABELS = {
    "what_to_expect": "What to expect",
    "what_to_expect_needling": "What to expect, after needling",
    "hydration": "Hydration",
    "cold_compress": "Cold compress",
    "rest": "Rest",
    "self_care_massage_ball": "Self-care: massage ball",
    "self_care_foam_roller": "Self-care: foam roller",
    "self_care_stretching": "Self-care: stretches",
    "self_care_massage_gun": "Self-care: massage gun",
    "self_care_general": "Self-care when no tool was used",
    "closing": "Closing words",
}


def ordered_keys() -> list[str]:
    """Every editable key: the known ones in sheet order, any new one after them."""
    return [key for key in KEY_ORDER if key in w.EDITABLE_KEYS] + sorted(w.EDITABLE_KEYS - set(KEY_ORDER))


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())
