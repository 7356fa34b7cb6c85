"""Documents on the record: a clearance letter, a referral, a photo, on a client or one of their visits."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..encryption.types import EncryptedText
from ..extensions import db
from ..storage.database import UTCDateTime
from .user import User

# Stored kinds and the type they are served as (always as an attachment, never shown inline).
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}


class Document(db.Model):
    """One uploaded file, checked and re-encoded, its bytes in the document store (clinic.documents).

    The row never leaves the database (trigger). A document of a signed visit is locked with the note:
    it cannot change or be removed, only superseded by a newer document that names it (supersedes_id).
    Documents added to a visit after it was signed say so (added_after_signing) and, like addenda,
    are not part of the note's signed content.
    """

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_client_id_created_at", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdf | jpeg | png, as stored
    uploaded_kind: Mapped[str] = mapped_column(String(8))  # what arrived: pdf | jpeg | png | heic
    size: Mapped[int] = mapped_column(Integer)  # bytes of the stored (re-encoded) file
    sha256: Mapped[str] = mapped_column(String(64))  # of the stored file, before its encryption
    # Where the store keeps the bytes: random, never derived from the name or the client.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    # The file's own AES-256-GCM key (base64url), sealed with the clinic keyring: rotating the
    # keyring re-seals it, and the file stays as it is.
    file_key: Mapped[str] = mapped_column(EncryptedText("document.file_key"))
    filename: Mapped[str] = mapped_column(EncryptedText("document.filename"))
    caption: Mapped[str] = mapped_column(EncryptedText("document.caption"), default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), unique=True)
    added_after_signing: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removed (a wrong file, the wrong client) before any signed note holds it: the row stays for
    # the record, the bytes are erased from the store.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]
