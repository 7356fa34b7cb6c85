"""Clients, their versioned health history, and the private self-intake links."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..encryption.types import EncryptedJSON, EncryptedText
from ..extensions import db
from ..storage.database import UTCDateTime


class Client(db.Model):
    """A person the clinic treats. Contact details only; health data lives in HealthRecord."""

    __tablename__ = "client"
    __table_args__ = (
        # Prefix search by name (lower-cased keys; text_pattern_ops lets PostgreSQL use LIKE 'x%').
        Index(
            "ix_client_clinic_id_name_key",
            "clinic_id",
            "name_key",
            postgresql_ops={"name_key": "text_pattern_ops"},
        ),
        Index(
            "ix_client_clinic_id_last_key",
            "clinic_id",
            "last_key",
            postgresql_ops={"last_key": "text_pattern_ops"},
        ),
        # The recall list reads a range of due dates (most overdue first), not the visit history.
        Index("ix_client_clinic_id_due_on", "clinic_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_digits: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    emergency_contact: Mapped[str] = mapped_column(String(200), default="")
    referral_source: Mapped[str] = mapped_column(String(120), default="")
    # Administrative notes the front desk may read ("prefers mornings"); never clinical content.
    notes: Mapped[str] = mapped_column(Text, default="")
    # "first last" and "last" lower-cased: what the search matches by prefix.
    name_key: Mapped[str] = mapped_column(String(170), default="")
    last_key: Mapped[str] = mapped_column(String(80), default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the client is due back and the visit that says so (clinic/rules/recall.py), kept by
    # clinic/visits/due.py whenever a visit's due date changes. Not part of the optimistic lock: a
    # signed note must not make the desk's open edit of the client's details a conflict. No foreign
    # key (visit already refers to client; visits are never deleted).
    due_on: Mapped[date | None] = mapped_column(Date)
    due_visit_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: two people editing the same client cannot overwrite each other unseen.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def called(self) -> str:
        """What the client likes to be called: preferred name, else first name."""
        return self.preferred_name or self.first_name

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def __repr__(self) -> str:
        return f"<Client {self.id}>"


class HealthRecord(db.Model):
    """One version of a client's health history. Never changed: a change is a new version."""

    __tablename__ = "health_record"
    __table_args__ = (
        UniqueConstraint("client_id", "number", name="uq_health_record_client_id_number"),
        # Clients' latest versions (alerts on the home page and the calendar): the clinic alone would
        # read every history of the clinic (issue 19), so the clinic's index starts with the client.
        Index("ix_health_record_clinic_id_client_id_number", "clinic_id", "client_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    number: Mapped[int]
    # intake (first), edit (a staff correction), update (the per-visit "anything changed?"),
    # self_intake (accepted from the client's own form)
    source: Mapped[str] = mapped_column(String(16))
    # [{"code", "region"?, "date"?, "weeks"?, "cleared"?, "note"?}] in docs/clinical-reference.md codes
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(
        EncryptedJSON("health_record.conditions"), default=list
    )
    medications: Mapped[str] = mapped_column(EncryptedText("health_record.medications"), default="")
    anticoagulant: Mapped[bool] = mapped_column(Boolean, default=False)
    allergies: Mapped[str] = mapped_column(EncryptedText("health_record.allergies"), default="")
    pain_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    main_complaint: Mapped[str] = mapped_column(EncryptedText("health_record.main_complaint"), default="")
    onset_date: Mapped[date | None] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(EncryptedText("health_record.goals"), default="")
    consent_name: Mapped[str] = mapped_column(String(160), default="")
    consent_date: Mapped[date | None] = mapped_column(Date)
    guardian_name: Mapped[str] = mapped_column(String(160), default="")
    guardian_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the client said changed since the last version, in their words.
    change_note: Mapped[str] = mapped_column(EncryptedText("health_record.change_note"), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    client: Mapped[Client] = relationship()
    created_by = relationship("User")

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_name.strip()) and self.consent_date is not None


class IntakeLink(db.Model):
    """A private link a client uses once to fill in the intake form on their own device.

    Only a SHA-256 of the token is stored, so a database reader cannot use open links.
    """

    __tablename__ = "intake_link"
    # the home pages' "questionnaires to review": a clinic's submitted links, oldest first (a range)
    __table_args__ = (
        Index("ix_intake_link_clinic_id_status_submitted_at", "clinic_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The client's answers, waiting for a therapist's review (same shape as a HealthRecord).
    submission: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("intake_link.submission"))
    # pending -> submitted -> accepted | rejected; revoked when staff cancel the link
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    health_record_id: Mapped[int | None] = mapped_column(ForeignKey("health_record.id"))

    client: Mapped[Client] = relationship()


class PolicyVersion(db.Model):
    """A version of a clinic's contraindication policy: overrides of the default rules' categories."""

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("clinic_id", "number", name="uq_policy_version_clinic_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    number: Mapped[int]
    overrides: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The change this version made and why (required).
    rule_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    created_by = relationship("User")

    @property
    def label(self) -> str:
        return f"clinic-{self.clinic_id}-v{self.number}"
