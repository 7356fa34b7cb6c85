"""Reads a clinic export back into an empty database: every record with its own id, in one transaction.

Ids are kept (a signed note's hash covers its own id and its client's, therapist's and appointment's),
so the database must hold no clinic yet. The files are checked against the manifest's SHA-256 before
anything is written; any error rolls everything back. Signed notes go in unsigned, get their points,
then their signature (the database refuses points added to a signed note); each hash is checked after.
"""

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import Clinic, Visit
from ..visits.signing import hash_matches
from .entities import BATCH, BY_NAME, ENTITIES, FORMAT, SCHEMA_VERSION, Entity, decode


class ImportFailed(Exception):
    """Why an export cannot be imported (nothing was written)."""


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise ImportFailed("No manifest.json: this is not a Knotwork clinic export.") from None
    except ValueError:
        raise ImportFailed("manifest.json is not valid JSON.") from None
    if manifest.get("format") != FORMAT:
        raise ImportFailed("manifest.json: not a Knotwork clinic export.")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise ImportFailed(
            f"Export schema version {manifest.get('schema_version')!r}; this Knotwork reads version "
            f"{SCHEMA_VERSION}."
        )
    missing = [e.name for e in ENTITIES if e.name not in manifest.get("entities", {})]
    if missing:
        raise ImportFailed(f"manifest.json lists no file for: {', '.join(missing)}.")
    return manifest


def _check_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    for name, entry in manifest["entities"].items():
        digest = hashlib.sha256()
        try:
            with archive.open(entry["file"]) as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
        except KeyError:
            raise ImportFailed(f"{entry['file']} is missing from the archive.") from None
        if digest.hexdigest() != entry["sha256"]:
            raise ImportFailed(f"{entry['file']} does not match its SHA-256 in manifest.json ({name}).")


def records(archive: zipfile.ZipFile, file_name: str) -> Iterator[dict[str, Any]]:
    """A JSON file of the export, one record at a time (the exporter writes one record per line)."""
    with archive.open(file_name) as raw:
        for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8"), start=1):
            line = line.strip().rstrip(",")
            if line in ("[", "]", ""):
                continue
            try:
                yield json.loads(line)
            except ValueError:
                raise ImportFailed(f"{file_name}, line {number}: not a JSON record.") from None


def _document_files(archive, manifest) -> dict[int, str]:
    return {entry["id"]: entry["file"] for entry in manifest.get("documents", [])}


def _store_document(archive, files: dict[int, str], values: dict[str, Any]) -> None:
    """The document's file, checked against its SHA-256 and sealed again under a new key of its own."""
    from ..documents.store import new_file_key, new_storage_key, seal, store

    try:
        data = archive.read(files[values["id"]])
    except KeyError:
        raise ImportFailed(f"document {values['id']}: its file is missing from the archive.") from None
    if hashlib.sha256(data).hexdigest() != values["sha256"]:
        raise ImportFailed(f"document {values['id']}: the file does not match its SHA-256.")
    values["storage_key"], values["file_key"] = new_storage_key(), new_file_key()
    store().put(values["storage_key"], seal(values["file_key"], values["storage_key"], data))


def _insert(archive, manifest, entity: Entity) -> int:
    table = entity.table
    batch: list[dict[str, Any]] = []
    count = 0
    files = _document_files(archive, manifest) if entity.name == "documents" else {}
    for record in records(archive, manifest["entities"][entity.name]["file"]):
        try:
            values = decode(entity, record)
        except ValueError as error:
            raise ImportFailed(f"{entity.name}, record {count + 1}: {error}") from None
        if entity.name == "documents":
            _store_document(archive, files, values)
        for name in entity.later:
            values[name] = None
        batch.append(values)
        count += 1
        if len(batch) >= BATCH:
            db.session.execute(table.insert(), batch)
            batch = []
    if batch:
        db.session.execute(table.insert(), batch)
    return count


def _second_pass(archive, manifest, entity: Entity) -> None:
    """Set the columns held back (the signature of notes, follow-ups' source visits)."""
    table = entity.table
    for record in records(archive, manifest["entities"][entity.name]["file"]):
        later = {name: record.get(name) for name in entity.later}
        if all(value is None for value in later.values()):
            continue
        values = decode(entity, {"id": record["id"], **later})
        values.pop("id")
        if "updated_at" in table.c:  # else the column's onupdate would stamp the import's time
            values["updated_at"] = decode(entity, {"updated_at": record["updated_at"]})["updated_at"]
        db.session.execute(table.update().where(table.c.id == record["id"]).values(**values))


def _reset_sequences() -> None:
    """PostgreSQL: the next id after the imported ones (SQLite takes max(id) + 1 by itself)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for entity in ENTITIES:
        name = entity.table_name  # our own table names, never input
        sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"  # noqa: S608, E501
        db.session.execute(text(sql))


def _verify_hashes(clinic_id: int) -> tuple[int, list[int]]:
    checked, wrong = 0, []
    query = (
        select(Visit)
        .where(Visit.clinic_id == clinic_id, Visit.signed_at.is_not(None))
        .options(selectinload(Visit.points))
        .order_by(Visit.id)
        .execution_options(yield_per=BATCH)
    )
    for visit in db.session.scalars(query):
        checked += 1
        if not hash_matches(visit):
            wrong.append(visit.id)
    return checked, wrong


def import_clinic(path: Path) -> dict[str, Any]:
    """Import the export at `path`; commits only when every record is in and every hash matches."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ImportFailed(f"{path}: not a readable ZIP file ({error}).") from None
    with archive:
        manifest = read_manifest(archive)
        if db.session.scalar(select(func.count()).select_from(Clinic)):
            raise ImportFailed("The database already holds a clinic: import into an empty database.")
        _check_files(archive, manifest)
        counts: dict[str, int] = {}
        try:
            for entity in ENTITIES:
                counts[entity.name] = _insert(archive, manifest, entity)
                if counts[entity.name] != manifest["entities"][entity.name]["rows"]:
                    raise ImportFailed(
                        f"{entity.name}: {counts[entity.name]} records, the manifest says "
                        f"{manifest['entities'][entity.name]['rows']}."
                    )
                if entity.name == "documents":  # the notes' points and documents are in: sign them
                    _second_pass(archive, manifest, BY_NAME["visits"])
            _second_pass(archive, manifest, BY_NAME["appointments"])
            _reset_sequences()
            db.session.flush()
            checked, wrong = _verify_hashes(manifest["clinic_id"])
            if wrong:
                raise ImportFailed(
                    f"{len(wrong)} signed note(s) do not match their hash, e.g. visit {wrong[0]}."
                )
            audit.record(
                "clinic.import",
                object_type="clinic",
                object_id=manifest["clinic_id"],
                clinic_id=manifest["clinic_id"],
            )
            db.session.commit()
        except ImportFailed:
            db.session.rollback()
            raise
        except Exception as error:  # a constraint of the database: the file and the schema disagree
            db.session.rollback()
            raise ImportFailed(
                f"The database refused a record ({type(error).__name__}: {str(error)[:200]})."
            ) from None
    return {"counts": counts, "signed_notes_checked": checked}
