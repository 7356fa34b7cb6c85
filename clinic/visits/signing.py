"""The canonical content of a note and its SHA-256, stored at signing and checked on display."""

import hashlib
import json
from typing import Any

from ..models import Visit

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


def canonical_content(visit: Visit) -> bytes:
    """Everything the signer vouches for, as canonical JSON (sorted keys, no spaces)."""
    content = {name: _plain(getattr(visit, name)) for name in NOTE_FIELDS}
    content["points"] = [{name: _plain(getattr(p, name)) for name in POINT_FIELDS} for p in visit.points]
    content["signed_by_id"] = visit.signed_by_id
    content["signed_at"] = _plain(visit.signed_at)
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def content_hash(visit: Visit) -> str:
    return hashlib.sha256(canonical_content(visit)).hexdigest()


def hash_matches(visit: Visit) -> bool:
    return visit.content_hash is not None and visit.content_hash == content_hash(visit)
