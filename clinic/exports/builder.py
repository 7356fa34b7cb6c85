"""Writes a whole clinic to a ZIP, entry by entry, a batch of rows at a time (never the clinic in memory).

Layout (docs/export.md): json/<entity>.json (a JSON array, one record per line), csv/*.csv for
spreadsheets, notes/client-<id>.pdf (each client's signed notes with their hashes), README.txt, and
manifest.json last (schema version, row counts and the SHA-256 of every JSON file).
"""

import csv
import hashlib
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from sqlalchemy import func, select

from ..clock import utcnow
from ..extensions import db
from .entities import (
    BATCH,
    BY_NAME,
    ENTITIES,
    FORMAT,
    NOT_EXPORTED,
    SCHEMA_VERSION,
    first,
    scoped_select,
    stream,
)
from .notes import notes_of, staff_names
from .record_pdf import render_signed_notes

CLIENTS_PER_PDF_BATCH = 200
# Spreadsheet files: a few useful columns each. Every clinical value is in the JSON.
CSV_FILES = {
    "clients": (
        "id", "first_name", "last_name", "preferred_name", "date_of_birth", "phone", "email", "address",
        "emergency_contact", "referral_source", "notes", "due_on", "archived_at", "created_at",
    ),
    "appointments": (
        "id", "client_id", "therapist_id", "service_id", "start_at", "end_at", "status", "cancel_reason",
        "notes",
    ),
    "visits": (
        "id", "client_id", "therapist_id", "visit_date", "pain_before", "pain_after", "subjective",
        "objective", "assessment", "plan", "adverse_responses", "aftercare_given", "next_due",
        "signed_at", "content_hash",
    ),
}  # fmt: skip
# A cell a spreadsheet would run as a formula starts with one of these: it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int], None]


def count_units(clinic_id: int) -> int:
    """The work the progress bar measures: JSON rows, CSV rows and one unit per client's notes PDF."""
    total = 0
    for entity in ENTITIES:
        total += db.session.scalar(
            select(func.count()).select_from(scoped_select(entity, clinic_id).subquery())
        )
    for name in CSV_FILES:
        total += db.session.scalar(
            select(func.count()).select_from(scoped_select(BY_NAME[name], clinic_id).subquery())
        )
    return total + _client_count(clinic_id)


def _client_count(clinic_id: int) -> int:
    client = db.metadata.tables["client"]
    return db.session.scalar(select(func.count()).where(client.c.clinic_id == clinic_id))


class _Counter:
    """Calls `progress` with the running total every BATCH units (and at the end of each part)."""

    def __init__(self, progress: Progress) -> None:
        self.done, self._told, self._progress = 0, 0, progress

    def add(self, units: int = 1) -> None:
        self.done += units
        if self.done - self._told >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.done != self._told:
            self._told = self.done
            self._progress(self.done)


def build(
    clinic_id: int, target: BinaryIO, progress: Progress, timings: dict[str, float] | None = None
) -> dict[str, Any]:
    """Write the clinic's export to `target` (an open file); returns the manifest it wrote.
    `timings` (the bench) gets the seconds each part took."""
    counter = _Counter(progress)
    timings = {} if timings is None else timings
    started = time.perf_counter()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "clinic_id": clinic_id,
        "created_at": utcnow().isoformat(),
        "entities": {},
        "csv": [],
        "notes_pdfs": 0,
        "documents": [],  # documents/<id>: each document's file, decrypted, with its SHA-256
        "not_exported": list(NOT_EXPORTED),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for entity in ENTITIES:
            name = f"json/{entity.name}.json"
            rows, digest = _write_json(archive, name, stream(scoped_select(entity, clinic_id)), counter)
            manifest["entities"][entity.name] = {"file": name, "rows": rows, "sha256": digest}
            counter.flush()
        timings["json"] = time.perf_counter() - started
        started = time.perf_counter()
        for entity_name, columns in CSV_FILES.items():
            name = f"csv/{entity_name}.csv"
            _write_csv(
                archive, name, columns, stream(scoped_select(BY_NAME[entity_name], clinic_id)), counter
            )
            manifest["csv"].append(name)
            counter.flush()
        timings["csv"] = time.perf_counter() - started
        started = time.perf_counter()
        manifest["notes_pdfs"] = _write_note_pdfs(archive, clinic_id, counter)
        counter.flush()
        timings["pdf"] = time.perf_counter() - started
        started = time.perf_counter()
        manifest["documents"] = _write_documents(archive, clinic_id, counter)
        counter.flush()
        timings["documents"] = time.perf_counter() - started
        archive.writestr("README.txt", _readme(manifest))
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def _write_json(
    archive: zipfile.ZipFile, name: str, rows: Iterator[dict], counter: _Counter
) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    with archive.open(name, "w", force_zip64=True) as entry:

        def put(data: bytes) -> None:
            digest.update(data)
            entry.write(data)

        put(b"[")
        for row in rows:
            put((",\n" if count else "\n").encode() + json.dumps(row, ensure_ascii=False).encode())
            count += 1
            counter.add()
        put(b"\n]\n")
    return count, digest.hexdigest()


def spreadsheet_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that would start a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv(archive, name: str, columns: tuple[str, ...], rows: Iterator[dict], counter: _Counter) -> None:
    with archive.open(name, "w", force_zip64=True) as entry:
        # utf-8-sig: spreadsheet programs read the accents right only with the byte-order mark
        text = io.TextIOWrapper(entry, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([spreadsheet_cell(row[c]) for c in columns])
            counter.add()
        text.flush()
        text.detach()


def _write_documents(archive: zipfile.ZipFile, clinic_id: int, counter: _Counter) -> list[dict[str, Any]]:
    """Every document's file, opened with its own key, one at a time (a file is at most a few MB)."""
    from ..documents.store import open_sealed, store

    table = db.metadata.tables["document"]
    rows = db.session.execute(
        select(table.c.id, table.c.storage_key, table.c.file_key, table.c.sha256, table.c.kind)
        .where(table.c.clinic_id == clinic_id)
        .order_by(table.c.id)
    ).all()  # ids and keys only: the files are read one by one below
    files, documents = store(), []
    for row in rows:
        data = open_sealed(row.file_key, row.storage_key, files.get(row.storage_key))
        name = f"documents/{row.id}.{row.kind}"
        info = zipfile.ZipInfo(name, date_time=_zip_time())
        info.compress_type = zipfile.ZIP_STORED  # PDFs and images are compressed already
        archive.writestr(info, data)
        documents.append({"id": row.id, "file": name, "sha256": row.sha256})
        counter.add()
    return documents


def _write_note_pdfs(archive: zipfile.ZipFile, clinic_id: int, counter: _Counter) -> int:
    client = db.metadata.tables["client"]
    clinic = first(scoped_select(BY_NAME["clinic"], clinic_id))
    names = staff_names(clinic_id)
    ids_query = select(client.c.id).where(client.c.clinic_id == clinic_id).order_by(client.c.id)
    ids = db.session.scalars(ids_query).all()  # ints only: 20,000 of them is a few hundred KB
    written = 0
    for start in range(0, len(ids), CLIENTS_PER_PDF_BATCH):
        chunk = list(ids[start : start + CLIENTS_PER_PDF_BATCH])
        clients = {
            c["id"]: c
            for c in stream(scoped_select(BY_NAME["clients"], clinic_id).where(client.c.id.in_(chunk)))
        }
        for client_id, visits in notes_of(clinic_id, chunk, names, signed_only=True).items():
            record = {
                "clinic": clinic,
                "client": clients[client_id],
                "visits": visits,
                "generated_at": utcnow().isoformat(),
                "schema_version": SCHEMA_VERSION,
            }
            # PDFs are compressed already: stored as they are, not deflated again
            info = zipfile.ZipInfo(f"notes/client-{client_id}.pdf", date_time=_zip_time())
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, render_signed_notes(record))
            written += 1
        counter.add(len(chunk))
    return written


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = utcnow()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _readme(manifest: dict[str, Any]) -> str:
    rows = "\n".join(f"  {e['file']}: {e['rows']} rows" for e in manifest["entities"].values())
    return (
        "Knotwork clinic export\n"
        f"Format {manifest['format']}, schema version {manifest['schema_version']}, "
        f"made {manifest['created_at']} (UTC).\n\n"
        "This archive holds the clinic's health records in plain form.\n"
        "Keep it on an encrypted disk and delete it when done.\n\n"
        "json/      one file per kind of record: a JSON array, one record per line (see manifest.json)\n"
        f"{rows}\n"
        "csv/       clients, appointments and visits for spreadsheets (cells that would run as formulas\n"
        "           start with an apostrophe)\n"
        f"notes/     {manifest['notes_pdfs']} PDFs: each client's signed treatment notes with their SHA-256\n"
        "manifest.json  the schema version, row counts and the SHA-256 of every JSON file\n\n"
        "Import into an empty Knotwork database: flask --app clinic import-clinic <this file>\n"
    )
