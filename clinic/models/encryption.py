"""What the database knows about encryption at rest: never a key, only which keys it needs."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime


class EncryptionKeyCheck(db.Model):
    """One row per key that has sealed values here: a known text sealed with it.

    At start-up each row must open with the configured key of that id, so a missing or wrong key
    stops the app with a clear error instead of failing on a page (clinic.encryption.startup).
    """

    __tablename__ = "encryption_key_check"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed_check: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RekeyLease(db.Model):
    """Present only inside a transaction of `flask encryption rotate`, deleted before it commits.

    The locks of signed notes and of append-only records let a row's sealed columns change (and
    nothing else) while this table has a row: a row no other transaction can ever see.
    """

    __tablename__ = "encryption_rekey"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
