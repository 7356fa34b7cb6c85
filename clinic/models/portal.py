"""The client portal: single-use sign-in links sent by e-mail, and the sessions they open."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime


class PortalLink(db.Model):
    """A sign-in link: made when its e-mail is sent, only the token's hash stored, used once."""

    __tablename__ = "portal_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PortalSession(db.Model):
    """A signed-in browser of a client. The cookie holds the client's id and this row's random key;
    signing out (or the idle timeout) ends the row, and a cookie whose row ended opens nothing."""

    __tablename__ = "portal_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
