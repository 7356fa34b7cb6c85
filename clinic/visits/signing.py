"""The canonical content of a note and its SHA-256, stored at signing and checked on display."""

import hashlib
import json
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Document, Visit

NOTE_FIELDS = (
    "id",
    "clinic_id",
    "client_id",
    "therapist_id",
    "appointment_id",
    "health_record_id",
    "visit_date",
    "plan_items",
    "screening",
    "rules_version",
    "overrides",
    "withheld",
    "subjective",
    "objective",
    "assessment",
    "plan",
    "pain_before",
    "pain_after",
    "adverse_responses",
    "lubricant",
    "aftercare_given",
    "notes",
    "frequency",
    "next_due",
)
POINT_FIELDS = (
    "number",
    "muscle",
    "side",
    "region",
    "view",
    "x",
    "y",
    "kind",
    "taut_band",
    "twitch",
    "referral",
    "technique",
    "tool_detail",
    "pressure",
    "pressure_scale",
    "hold_seconds",
    "repetitions",
    "pain_before",
    "pain_after",
)


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 3)  # the body map position: stable across database float round trips
    return value


def canonical_content(visit: Visit, documents: list[dict[str, Any]] | None = None) -> bytes:
    """Everything the signer vouches for, as canonical JSON (sorted keys, no spaces). `documents` (the
    signed documents' ids and SHA-256) is read from the database unless the caller already has it."""
    content = {name: _plain(getattr(visit, name)) for name in NOTE_FIELDS}
    content["points"] = [{name: _plain(getattr(p, name)) for name in POINT_FIELDS} for p in visit.points]
    documents = _signed_documents(visit) if documents is None else documents
    if documents:  # absent, not empty, when there are none: notes signed before documents keep their hash
        content["documents"] = documents
    content["signed_by_id"] = visit.signed_by_id
    content["signed_at"] = _plain(visit.signed_at)
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def _signed_documents(visit: Visit) -> list[dict[str, Any]]:
    """The documents on the note when it was signed: their ids and the SHA-256 of their files.

    Documents added after signing are like addenda (outside the signed content); documents removed
    while the note was a draft are not on it. Both facts are locked once the note is signed.
    """
    if visit.id is None:
        return []
    # no autoflush: sign() computes the hash before its one UPDATE (a signed row is locked after it)
    with db.session.no_autoflush:
        rows = db.session.execute(
            select(Document.id, Document.sha256)
            .where(
                Document.visit_id == visit.id,
                Document.added_after_signing.is_(False),
                Document.removed_at.is_(None),
            )
            .order_by(Document.id)
        ).all()
    return [{"id": row.id, "sha256": row.sha256} for row in rows]


def content_hash(visit: Visit, documents: list[dict[str, Any]] | None = None) -> str:
    return hashlib.sha256(canonical_content(visit, documents)).hexdigest()


def hash_matches(visit: Visit) -> bool:
    return visit.content_hash is not None and visit.content_hash == content_hash(visit)
