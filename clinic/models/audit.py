"""The append-only audit trail: who saw or changed what, when and from where."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime
from .user import User


class AuditEvent(db.Model):
    """One row per event. Database triggers refuse UPDATE and DELETE (see the migrations)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_clinic_id_at", "clinic_id", "at"),
        # public routes' throttling: this address's recent hits of one action
        Index("ix_audit_event_ip_action_at", "ip", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[int | None]
    # The clinic client the event concerns, for "who looked at this client's record?".
    client_id: Mapped[int | None] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    request_id: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User | None] = relationship(lazy="joined")
