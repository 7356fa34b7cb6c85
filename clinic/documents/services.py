"""Upload, read, remove and supersede documents. Services flush, never commit.

A file goes to the store before its row is flushed; the view erases it again when the transaction
does not commit (erase_unsaved), and erases a removed document's bytes only after the commit.
"""

import hashlib

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..clock import utcnow
from ..extensions import db
from ..models import Client, Document, User, Visit
from . import store as stores
from .checks import CheckedFile, FileRefused, check_file


class DocumentLocked(Exception):
    """The document is part of a signed note: it can only be superseded."""


class DocumentInUse(Exception):
    """The current health history names this document as the one that holds a clearance."""


def live_documents(client: Client, visit: Visit | None = None) -> list[Document]:
    """The client's documents not removed (one visit's, when given), newest first: one query."""
    query = select(Document).where(
        Document.clinic_id == client.clinic_id, Document.client_id == client.id, Document.removed_at.is_(None)
    )
    if visit is not None:
        query = query.where(Document.visit_id == visit.id)
    query = query.options(joinedload(Document.uploaded_by))  # the list names who added each: no N+1
    return list(db.session.scalars(query.order_by(Document.created_at.desc(), Document.id.desc())))


def clearance_letters(client: Client) -> list[tuple[int, str]]:
    """The client's documents a condition's clearance may point to: (id, what it is)."""
    documents = live_documents(client)
    replaced = superseded_ids(documents)
    return [
        (d.id, f"{d.caption or d.filename} ({d.created_at:%d %b %Y})")
        for d in documents
        if d.id not in replaced
    ]


def superseded_ids(documents: list[Document]) -> dict[int, Document]:
    """{old document id: the document that supersedes it}, among `documents`."""
    return {doc.supersedes_id: doc for doc in documents if doc.supersedes_id is not None}


def is_locked(document: Document) -> bool:
    """On a signed note (the database refuses its change as well)."""
    if document.visit_id is None:
        return False
    return db.session.scalar(select(Visit.signed_at).where(Visit.id == document.visit_id)) is not None


def check_upload(filename: str | None, data: bytes) -> CheckedFile:
    config = current_app.config
    return check_file(filename, data, config["DOCUMENT_MAX_BYTES"], config["DOCUMENT_MAX_PIXELS"])


def add(
    client: Client,
    user: User,
    checked: CheckedFile,
    caption: str,
    visit: Visit | None = None,
    supersedes: Document | None = None,
) -> Document:
    """Store the checked file (encrypted) and add its row."""
    if supersedes is not None:
        if supersedes.removed_at is not None or superseded_by(supersedes) is not None:
            raise FileRefused("That document was removed or replaced meanwhile: reload the page.")
        visit = db.session.get(Visit, supersedes.visit_id) if supersedes.visit_id else None
    storage_key, file_key = stores.new_storage_key(), stores.new_file_key()
    stores.store().put(storage_key, stores.seal(file_key, storage_key, checked.data))
    document = Document(
        clinic_id=client.clinic_id,
        client_id=client.id,
        visit_id=visit.id if visit is not None else None,
        kind=checked.kind,
        uploaded_kind=checked.uploaded_kind,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        storage_key=storage_key,
        file_key=file_key,
        filename=checked.filename,
        caption=caption.strip(),
        supersedes_id=supersedes.id if supersedes is not None else None,
        added_after_signing=visit is not None and visit.is_signed,
        uploaded_by_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    return document


def erase_unsaved(document: Document | None) -> None:
    """The transaction that would have saved `document` failed: its file goes too."""
    if document is not None:
        stores.store().erase(document.storage_key)


def superseded_by(document: Document) -> Document | None:
    return db.session.scalars(select(Document).where(Document.supersedes_id == document.id)).first()


def read(document: Document) -> bytes:
    sealed = stores.store().get(document.storage_key)
    return stores.open_sealed(document.file_key, document.storage_key, sealed)


def clearance_codes(document: Document) -> list[str]:
    """Conditions whose clearance the client's current health history says this document holds."""
    from ..intake import services as intake

    record = intake.current_record(document.client_id)
    if record is None:
        return []
    conditions = intake.record_data(record)["conditions"]
    return sorted({e["code"] for e in conditions if e.get("clearance_document") == document.id})


def remove(document: Document, user: User) -> None:
    """Mark removed (the row stays); the view erases the bytes once this is committed."""
    if is_locked(document):
        raise DocumentLocked
    if clearance_codes(document):
        raise DocumentInUse
    document.removed_at = utcnow()
    document.removed_by_id = user.id
    db.session.flush()
