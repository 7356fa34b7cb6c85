"""A whole-clinic export the owner asked for: built by the worker, downloaded once, then gone."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime

EXPORT_STATUSES = ("queued", "running", "ready", "downloaded", "expired", "failed")


class ExportJob(db.Model):
    """One ZIP of a clinic's records. The file (instance/exports/<file_name>) holds decrypted clinical
    data, so it lives only until its one download or its expiry; this row stays as the record."""

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'downloaded', 'expired', 'failed')",
            name="status_known",
        ),
        # the periodic sweep: ready files past their time, queued jobs nobody started
        Index("ix_export_job_status_expires_at", "status", "expires_at"),
        Index("ix_export_job_clinic_id_id", "clinic_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    # Rows written so far out of the rows counted when the build started (the progress page).
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # A random name, never the clinic's or a client's: the file sits in instance/exports/.
    file_name: Mapped[str | None] = mapped_column(String(80))
    size_bytes: Mapped[int | None] = mapped_column()
    # What went wrong, for the owner (never clinical text: an exception's class and a fixed sentence).
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    downloaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    @property
    def percent(self) -> int:
        if self.status in ("ready", "downloaded"):
            return 100
        return int(100 * self.done / self.total) if self.total else 0
