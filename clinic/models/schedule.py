"""Services, working hours, appointments and private calendar feeds."""

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..encryption.types import EncryptedText
from ..extensions import db
from ..storage.database import UTCDateTime
from .client import Client
from .user import User

# Statuses that hold a slot. A cancelled or no-show appointment frees it for someone else.
ACTIVE_STATUSES = ("booked", "arrived", "completed")
STATUSES = (*ACTIVE_STATUSES, "cancelled", "no_show")


class Service(db.Model):
    """What a client books: a name and a duration (30, 60, 90 minutes)."""

    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480", name="duration_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    duration_minutes: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)


class WorkingHours(db.Model):
    """One open interval on a weekday: the clinic's (user_id NULL) or a therapist's."""

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_time < end_time", name="start_before_end"),
        Index("ix_working_hours_clinic_id_user_id", "clinic_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    weekday: Mapped[int]  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class Appointment(db.Model):
    """A booked slot. The database refuses two active appointments of one therapist that overlap
    (PostgreSQL exclusion constraint; SQLite triggers), whatever the app checked before."""

    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint("start_at < end_at", name="start_before_end"),
        CheckConstraint(
            "status IN ('booked', 'arrived', 'completed', 'cancelled', 'no_show')", name="status_known"
        ),
        Index("ix_appointment_clinic_id_start_at", "clinic_id", "start_at"),
        Index("ix_appointment_therapist_id_start_at", "therapist_id", "start_at"),
        Index("ix_appointment_client_id_start_at", "client_id", "start_at"),
        # A client's next appointments (the client page): every condition in the index, so no planner
        # picks the clinic's or the client's whole history by the order the indexes were created.
        Index("ix_appointment_clinic_id_client_id_end_at", "clinic_id", "client_id", "end_at"),
        # The follow-ups booked from a visit (the visit form and the signed note).
        Index(
            "ix_appointment_clinic_id_source_visit_id_start_at", "clinic_id", "source_visit_id", "start_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="booked")
    cancel_reason: Mapped[str] = mapped_column(EncryptedText("appointment.cancel_reason"), default="")
    # Non-clinical notes only ("parking at the back"): the front desk reads them.
    notes: Mapped[str] = mapped_column(Text, default="")
    # The visit whose recommendation this follow-up came from (for the recall list and the sheet).
    source_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", use_alter=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    therapist: Mapped[User] = relationship(foreign_keys=[therapist_id])
    client: Mapped[Client] = relationship()
    service: Mapped[Service] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CalendarFeed(db.Model):
    """A private iCalendar feed of one therapist's appointments; only the token's hash is kept."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
