"""Online booking: a client's request, held only once they confirm it from the e-mail it sends."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..storage.database import UTCDateTime
from .schedule import Appointment


class BookingRequest(db.Model):
    """A slot asked for on the clinic's public booking page. No appointment exists until the client opens
    the link in the e-mail and confirms (spam cannot fill a diary); the token is stored only hashed."""

    __tablename__ = "booking_request"
    __table_args__ = (
        # the per-address limit: this clinic's requests for one address in the last hour
        Index("ix_booking_request_clinic_id_email_created_at", "clinic_id", "email", "created_at"),
        # the approvals panel: this clinic's requests awaiting approval (a range, not the history)
        Index("ix_booking_request_clinic_id_outcome", "clinic_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending -> booked | refused | taken (the slot went meanwhile) | expired (never confirmed)
    # | awaiting (holds the time for the clinic's approval) -> booked | declined
    outcome: Mapped[str] = mapped_column(String(12), default="pending")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))

    appointment: Mapped[Appointment | None] = relationship()
