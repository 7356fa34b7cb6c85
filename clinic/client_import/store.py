"""The uploaded file between upload and confirm: sealed in the database, scoped to clinic and owner."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db
from ..models import ClientImport
from ..rules.client_import import guess_mapping, guess_preset
from ..rules.import_files import Decoded, decode, read_rows


def lifetime() -> timedelta:
    return timedelta(hours=current_app.config["IMPORT_UPLOAD_HOURS"])


def forget_expired(clinic_id: int) -> None:
    """Drop the text of this clinic's expired uploads (the rows stay as the record of the attempt),
    with those of runs whose worker was stopped under them (nothing of theirs was saved)."""
    now = utcnow()
    db.session.execute(
        update(ClientImport)
        .where(
            ClientImport.clinic_id == clinic_id,
            ClientImport.expires_at < now,
            ClientImport.status.in_(("uploaded", "mapped", "queued", "running")),
        )
        .values(csv_text="", status="expired")
        .execution_options(synchronize_session=False)
    )


def store_upload(clinic_id: int, user_id: int, data: bytes) -> tuple[ClientImport, Decoded]:
    """Read the file (raises FileProblem when it is not a client list) and keep its text, sealed."""
    decoded = decode(data)
    header, rows = read_rows(decoded.text)
    limit = current_app.config["IMPORT_MAX_ROWS"]
    if len(rows) > limit:
        from ..rules.import_files import FileProblem

        raise FileProblem(f"The file has {len(rows):,} clients; one import takes at most {limit:,}.")
    forget_expired(clinic_id)
    preset = guess_preset(header)
    job = ClientImport(
        clinic_id=clinic_id,
        created_by_id=user_id,
        expires_at=utcnow() + lifetime(),
        csv_text=decoded.text,
        encoding=decoded.encoding,
        row_count=len(rows),
        preset=preset,
        mapping=guess_mapping(header, preset),
        decisions={},
    )
    db.session.add(job)
    db.session.flush()
    return job, decoded


def owned(import_id: int, clinic_id: int, user_id: int) -> ClientImport | None:
    """The owner's own import in their clinic, or None (another owner's upload is theirs)."""
    return db.session.scalars(
        select(ClientImport).where(
            ClientImport.id == import_id,
            ClientImport.clinic_id == clinic_id,
            ClientImport.created_by_id == user_id,
        )
    ).first()


def still_open(job: ClientImport) -> bool:
    """An upload that can still be mapped and confirmed."""
    return job.status in ("uploaded", "mapped") and job.expires_at > utcnow() and bool(job.csv_text)
