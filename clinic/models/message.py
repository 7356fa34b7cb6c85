"""Messages to clients: the record of what the clinic told whom and when, and what they agreed to.

A Message row is written in the transaction of the change that causes it (a booking, a signature), and
the background worker delivers it. Its dedupe key is unique: the same reminder of the same appointment
can be queued once only, whatever the number of workers. Templates are versioned like the aftercare
wording; consent is kept per client, topic and channel.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime
from .client import Client

MESSAGE_STATUSES = ("queued", "sending", "sent", "failed", "bounced", "suppressed")
CHANNELS = ("email", "sms")


class Message(db.Model):
    __tablename__ = "message"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed')", name="status_known"
        ),
        CheckConstraint("channel IN ('email', 'sms')", name="channel_known"),
        # the outbox (a clinic's messages by status, newest first) and the client page's list
        Index("ix_message_clinic_id_status_id", "clinic_id", "status", "id"),
        Index("ix_message_client_id_id", "client_id", "id"),
        # the worker's sweep: queued messages whose time has come
        Index("ix_message_status_send_after", "status", "send_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # mail to staff (reset)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))
    to_address: Mapped[str] = mapped_column(String(254), default="")
    template_version: Mapped[str] = mapped_column(String(60), default="")
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    # What the message is about beyond one appointment or visit (a series' appointments, a link).
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # One message per key, ever: "reminder:<appointment>:<start>:<offset>", "aftercare:<visit>", ...
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    status_reason: Mapped[str] = mapped_column(String(300), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    # What was sent, as a record: private links are shown as "(private link)", never kept.
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[str] = mapped_column(String(200), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    client: Mapped[Client | None] = relationship()

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.kind} {self.status}>"


class MessageTemplate(db.Model):
    """One saved version of a clinic's wording for one kind of message. Rows are only ever added."""

    __tablename__ = "message_template"
    __table_args__ = (UniqueConstraint("clinic_id", "kind", "number", name="uq_message_template_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[int]
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sms_body: Mapped[str] = mapped_column(String(480), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    @property
    def label(self) -> str:
        return f"clinic-{self.clinic_id}-{self.kind}-v{self.number}"


class MessageConsent(db.Model):
    """What a client agreed to receive, by topic and channel; no row means the default for the topic."""

    __tablename__ = "message_consent"
    __table_args__ = (UniqueConstraint("client_id", "topic", "channel", name="uq_message_consent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    topic: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(8))
    allowed: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(24))  # staff | unsubscribe | client
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MailboxItem(db.Model):
    """Local trials: a mail as it would have gone out, kept for the owner's mailbox page instead."""

    __tablename__ = "mailbox_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AftercareLink(db.Model):
    """A private, expiring link to one visit's aftercare sheet, sent to the client by e-mail.

    Only a SHA-256 of the token is stored; the token exists in the e-mail alone.
    """

    __tablename__ = "aftercare_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
