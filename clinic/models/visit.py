"""Visits: the treatment note, its trigger points, and the addenda written after signing."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..encryption.types import EncryptedJSON, EncryptedText
from ..extensions import db
from ..storage.database import UTCDateTime
from .client import Client, HealthRecord
from .user import User


class Visit(db.Model):
    """One session with a client: plan, screening snapshot, SOAP note, pain, frequency.

    Once signed, the database refuses any UPDATE of the row (trigger), and of its trigger points;
    corrections are Addendum rows.
    """

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_client_id_visit_date", "client_id", "visit_date"),
        # a therapist's unsigned notes, oldest first (home page): the order is in the index, so no
        # planner walks the therapist's whole history by visit date instead (issue 19: 350 ms at 1x)
        Index(
            "ix_visit_clinic_id_therapist_id_signed_at_visit_date",
            "clinic_id",
            "therapist_id",
            "signed_at",
            "visit_date",
        ),
        # "today's visits" of a therapist (home page, today's aftercare batch): a range of one day,
        # not the therapist's whole history (issue 19: 73 ms at 200,000 visits, 570 ms at 1,000,000)
        Index("ix_visit_clinic_id_therapist_id_visit_date", "clinic_id", "therapist_id", "visit_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), index=True)
    # The health history version in force for this visit (after its "anything changed?" update).
    health_record_id: Mapped[int | None] = mapped_column(ForeignKey("health_record.id"))
    visit_date: Mapped[date] = mapped_column(Date)

    # Plan and screening: [{"technique", "region"}], the screen() result, and the therapist's
    # decisions: [{"index", "verdict", "reason"}] to proceed against refer/modify; withheld items.
    plan_items: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON("visit.plan_items"), default=list)
    screening: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rules_version: Mapped[str] = mapped_column(String(40), default="")
    overrides: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON("visit.overrides"), default=list)
    withheld: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    subjective: Mapped[str] = mapped_column(EncryptedText("visit.subjective"), default="")
    objective: Mapped[str] = mapped_column(EncryptedText("visit.objective"), default="")
    assessment: Mapped[str] = mapped_column(EncryptedText("visit.assessment"), default="")
    plan: Mapped[str] = mapped_column(EncryptedText("visit.plan"), default="")
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    adverse_responses: Mapped[str] = mapped_column(EncryptedText("visit.adverse_responses"), default="")
    lubricant: Mapped[str] = mapped_column(String(120), default="")
    aftercare_given: Mapped[str] = mapped_column(EncryptedText("visit.aftercare_given"), default="")
    notes: Mapped[str] = mapped_column(EncryptedText("visit.notes"), default="")

    # Frequency: {"recommended": recommend() result, "chosen": {"interval_days", "sessions", ...},
    # "changed_reason"}; next_due feeds the recall list.
    frequency: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    next_due: Mapped[date | None] = mapped_column(Date, index=True)

    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    content_hash: Mapped[str | None] = mapped_column(String(64))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    therapist: Mapped[User] = relationship(foreign_keys=[therapist_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    health_record: Mapped[HealthRecord | None] = relationship()
    points: Mapped[list["TriggerPoint"]] = relationship(
        back_populates="visit", order_by="TriggerPoint.number", cascade="save-update, merge"
    )
    addenda: Mapped[list["Addendum"]] = relationship(back_populates="visit", order_by="Addendum.created_at")

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class TriggerPoint(db.Model):
    """One trigger point treated in a visit, with where it is on the body map and the dose."""

    __tablename__ = "trigger_point"
    __table_args__ = (Index("ix_trigger_point_visit_id_number", "visit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"))
    number: Mapped[int]
    muscle: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(8))  # left | right | midline
    region: Mapped[str] = mapped_column(String(24))
    view: Mapped[str | None] = mapped_column(String(8))  # front | back, None when not on the map
    x: Mapped[float | None] = mapped_column(Float)
    y: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(8), default="active")  # active | latent
    taut_band: Mapped[bool] = mapped_column(default=False)
    twitch: Mapped[bool] = mapped_column(default=False)
    referral: Mapped[str] = mapped_column(EncryptedText("trigger_point.referral"), default="")
    technique: Mapped[str] = mapped_column(String(24))
    tool_detail: Mapped[str] = mapped_column(String(120), default="")  # attachment, speed, ball size
    pressure: Mapped[int | None] = mapped_column(Integer)
    pressure_scale: Mapped[str] = mapped_column(String(8), default="felt")  # felt 0-10 | level 1-5
    hold_seconds: Mapped[int | None] = mapped_column(Integer)
    repetitions: Mapped[int | None] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)

    visit: Mapped[Visit] = relationship(back_populates="points")


class Addendum(db.Model):
    """A correction or later note on a signed visit. Append-only (database trigger)."""

    __tablename__ = "addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(EncryptedText("addendum.reason"))
    text: Mapped[str] = mapped_column(EncryptedText("addendum.text"))

    visit: Mapped[Visit] = relationship(back_populates="addenda")
    author: Mapped[User] = relationship()
