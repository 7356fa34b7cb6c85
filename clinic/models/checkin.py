"""The check-in a day or two after a session: the client's answers, landed in the chart."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..encryption.types import EncryptedJSON
from ..extensions import db
from ..storage.database import UTCDateTime
from .client import Client
from .visit import Visit


class CheckIn(db.Model):
    """One per visit: made when its message is sent (a private link, only the token's hash stored),
    answered once by the client, triaged (clinic.rules.checkin), and handled by the therapist."""

    __tablename__ = "check_in"
    __table_args__ = (
        # the therapist's home page: answered check-ins that need a call and are not yet handled
        Index("ix_check_in_clinic_id_handled_at_level", "clinic_id", "handled_at", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {"flags": {code: bool}, "soreness", "regions": {region: 0-10}, "sleep", "bruising",
    #  "reasons": [...]} (health data: sealed at rest)
    answers: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("check_in.answers"))
    # the triage level (clinic.rules.checkin.LEVELS): a code the home page selects on, not the answers
    level: Mapped[str | None] = mapped_column(String(12))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    client: Mapped[Client] = relationship()
    visit: Mapped[Visit] = relationship()
