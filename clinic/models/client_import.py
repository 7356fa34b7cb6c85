"""A client list being imported: the uploaded file (sealed) between upload and confirm, then the outcome."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..encryption.types import EncryptedText
from ..extensions import db
from ..storage.database import UTCDateTime


class ClientImport(db.Model):
    """One upload by one owner. The file's text lives here, sealed, never in the cookie; it is dropped
    when the import finishes or the upload expires. The counts stay as the record of what happened."""

    __tablename__ = "client_import"
    __table_args__ = (Index("ix_client_import_clinic_id_created_by_id", "clinic_id", "created_by_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The decoded file (names, birth dates, contact details): sealed; "" once finished or expired.
    csv_text: Mapped[str] = mapped_column(EncryptedText("client_import.csv_text"), default="")
    encoding: Mapped[str] = mapped_column(String(16), default="utf-8")
    row_count: Mapped[int] = mapped_column(default=0)
    preset: Mapped[str] = mapped_column(String(16), default="generic")
    date_order: Mapped[str] = mapped_column(String(4), default="dmy")
    # The field of each column, "" for a column not imported (clinic/rules/client_import.py FIELDS).
    mapping: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Row number (as text) -> skip | import | update, for every duplicate row; chosen on the preview.
    decisions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # uploaded -> mapped -> queued -> running -> done | failed
    status: Mapped[str] = mapped_column(String(12), default="uploaded")
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    # Why a run failed, for the owner; never a value from the file.
    failure: Mapped[str] = mapped_column(String(300), default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # claimed by a worker
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")
