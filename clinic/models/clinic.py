"""A clinic: the owner of every record and the boundary of every query."""

import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime


def new_public_slug() -> str:
    return secrets.token_urlsafe(12)


class Clinic(db.Model):
    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Small, schema-free preferences (paper size, ...); anything queried gets its own column.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A small PNG for the aftercare sheet's header (validated and size-capped on upload).
    # Deferred: the user loader joins the clinic on every request, and only the sheet and the settings
    # page need the picture (up to 300 KB).
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The clinic in its public addresses (the portal /p/<public_slug>, online booking /book/<public_slug>):
    # random, so an address tells nothing about how many clinics there are or which one it is.
    public_slug: Mapped[str | None] = mapped_column(
        String(24), index=True, unique=True, default=new_public_slug
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __repr__(self) -> str:
        return f"<Clinic {self.id}>"
