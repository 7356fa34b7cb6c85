"""Treatment notes as export records: a batch of clients' visits with their points, addenda and a
check of each signed note's hash (recomputed from the exported values, as an importer would)."""

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..visits.signing import content_hash
from .entities import BY_NAME, decode, stream


def note_hash(visit: dict[str, Any], points: list[dict[str, Any]], documents: list[dict[str, Any]]) -> str:
    """The SHA-256 of a note as exported (clinic/visits/signing.py's canonical content); `documents`
    are the note's signed documents ({"id", "sha256"}), read for the whole batch at once."""
    values = decode(BY_NAME["visits"], visit)
    point_values = [SimpleNamespace(**decode(BY_NAME["trigger_points"], p)) for p in points]
    return content_hash(SimpleNamespace(**values, points=point_values), documents)


def staff_names(clinic_id: int) -> dict[int, str]:
    users = db.metadata.tables["user_account"]
    rows = db.session.execute(select(users.c.id, users.c.name).where(users.c.clinic_id == clinic_id))
    return {user_id: name for user_id, name in rows}


def notes_of(
    clinic_id: int, client_ids: list[int], names: dict[int, str], signed_only: bool
) -> dict[int, list[dict[str, Any]]]:
    """client id -> their visits (oldest first), each with "points", "addenda" and "hash_verified"."""
    if not client_ids:
        return {}
    visit_table = db.metadata.tables["visit"]
    visits_query = BY_NAME["visits"]
    query = (
        visits_query.table.select()
        .with_only_columns(*visits_query.columns())
        .where(visit_table.c.clinic_id == clinic_id, visit_table.c.client_id.in_(client_ids))
        .order_by(visit_table.c.client_id, visit_table.c.visit_date, visit_table.c.id)
    )
    if signed_only:
        query = query.where(visit_table.c.signed_at.is_not(None))
    visits = list(stream(query))
    ids = [v["id"] for v in visits]
    points = _children("trigger_points", ids, "number")
    addenda = _children("addenda", ids, "created_at")
    documents = _signed_documents(ids)
    by_client: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for visit in visits:
        own_points = points.get(visit["id"], [])
        if visit["signed_at"]:
            signed = documents.get(visit["id"], [])
            visit["hash_verified"] = note_hash(visit, own_points, signed) == visit["content_hash"]
        visit["points"] = own_points
        visit["addenda"] = [
            {**a, "author_name": names.get(a["author_id"], "")} for a in addenda.get(visit["id"], [])
        ]
        visit["therapist_name"] = names.get(visit["therapist_id"], "")
        visit["signed_by_name"] = names.get(visit["signed_by_id"], "") if visit["signed_by_id"] else ""
        by_client[visit["client_id"]].append(visit)
    return by_client


def _signed_documents(visit_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """visit id -> the documents its signature covers (as signing.py reads them, for a whole batch)."""
    table = db.metadata.tables["document"]
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(visit_ids), 500):
        rows = db.session.execute(
            select(table.c.visit_id, table.c.id, table.c.sha256)
            .where(
                table.c.visit_id.in_(visit_ids[start : start + 500]),
                table.c.added_after_signing.is_(False),
                table.c.removed_at.is_(None),
            )
            .order_by(table.c.id)
        )
        for visit_id, document_id, sha256 in rows:
            found[visit_id].append({"id": document_id, "sha256": sha256})
    return found


def _children(entity_name: str, visit_ids: list[int], order: str) -> dict[int, list[dict[str, Any]]]:
    entity = BY_NAME[entity_name]
    table = entity.table
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # IN lists of at most 500 ids: SQLite's and PostgreSQL's parameter limits are far above that.
    for start in range(0, len(visit_ids), 500):
        chunk = visit_ids[start : start + 500]
        query = (
            select(*entity.columns())
            .where(table.c.visit_id.in_(chunk))
            .order_by(table.c.visit_id, table.c[order], table.c.id)
        )
        for row in stream(query):
            found[row["visit_id"]].append(row)
    return found
