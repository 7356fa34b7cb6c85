"""Versions of a clinic's aftercare wording (the sheet records which version it used)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime


class AftercareWording(db.Model):
    __tablename__ = "aftercare_wording"
    __table_args__ = (UniqueConstraint("clinic_id", "number", name="uq_aftercare_wording_clinic_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    number: Mapped[int]
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    @property
    def label(self) -> str:
        return f"clinic-{self.clinic_id}-v{self.number}"
