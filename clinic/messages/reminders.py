"""The worker's periodic pass: reminders that fell due, questionnaire reminders, and the sweep.

Run every minute by the task queue (queue.py), by any number of workers at once: every message it
writes has a dedupe key, so two passes at the same minute write each reminder once.
"""

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from ..clock import utcnow
from ..extensions import db
from ..models import Appointment, BookingRequest, Client, Clinic, HealthRecord, IntakeLink, Message, User
from ..rules.messaging import reminder_is_due
from .outbox import queue
from .settings import message_settings

INTAKE_REMINDER_BEFORE = timedelta(hours=24)
COMMIT_EVERY = 50  # appointments per transaction in a pass (a batch's reminders go to the senders at once)


def _hours(offset: timedelta) -> int:
    return int(offset.total_seconds() // 3600)


def reminder_key(appointment: Appointment, offset: timedelta) -> str:
    # The start is part of the key: a moved appointment gets its reminders again, at its new time.
    return f"reminder:{appointment.id}:{appointment.start_at.isoformat()}:{_hours(offset)}h"


def _upcoming(clinic_id: int, now: datetime, within: timedelta) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .options(joinedload(Appointment.client))
            .where(
                Appointment.clinic_id == clinic_id,
                Appointment.start_at > now,
                Appointment.start_at <= now + within,
                Appointment.status == "booked",
                ~_awaiting_approval(),
            )
            .order_by(Appointment.start_at)
        )
    )


def _awaiting_approval():
    """An online booking the clinic has not approved yet: the client was told nothing is confirmed."""
    return exists().where(
        BookingRequest.appointment_id == Appointment.id, BookingRequest.outcome == "awaiting"
    )


def _existing_keys(appointment_ids: list[int], kind: str) -> set[str]:
    if not appointment_ids:
        return set()
    keys = db.session.scalars(
        select(Message.dedupe_key).where(Message.appointment_id.in_(appointment_ids), Message.kind == kind)
    )
    return {key.rsplit(":", 1)[0] for key in keys if key}  # without the channel suffix


def queue_due_reminders(clinic: Clinic, now: datetime) -> int:
    """Write the reminders of this clinic's appointments that are due now; returns how many."""
    settings = message_settings(clinic)
    if not settings.reminder_offsets:
        return 0
    appointments = _upcoming(clinic.id, now, max(settings.reminder_offsets) + timedelta(hours=1))
    sent = _existing_keys([a.id for a in appointments], "reminder")
    written = 0
    for number, appointment in enumerate(appointments, 1):
        if number % COMMIT_EVERY == 0:
            db.session.commit()  # short write transactions: on SQLite the senders wait for this one
        for offset in settings.reminder_offsets:
            key = reminder_key(appointment, offset)
            if key in sent or not reminder_is_due(
                appointment.start_at, offset, settings.quiet, clinic.tz, now
            ):
                continue
            written += len(
                queue(
                    "reminder",
                    clinic,
                    client=appointment.client,
                    appointment=appointment,
                    context={"start": appointment.start_at.isoformat(), "hours_before": _hours(offset)},
                    dedupe_key=key,
                    channels=("email", "sms"),
                )
            )
    return written


def queue_due_intake_reminders(clinic: Clinic, now: datetime) -> int:
    """A day before a visit, remind a client whose questionnaire link is still unfilled."""
    settings = message_settings(clinic)
    appointments = _upcoming(clinic.id, now, INTAKE_REMINDER_BEFORE + timedelta(hours=1))
    sent = _existing_keys([a.id for a in appointments], "intake_reminder")
    written = 0
    for appointment in appointments:
        key = f"intake_reminder:{appointment.id}"
        if key in sent:
            continue
        if not reminder_is_due(appointment.start_at, INTAKE_REMINDER_BEFORE, settings.quiet, clinic.tz, now):
            continue
        unfilled = db.session.scalars(
            select(IntakeLink)
            .where(IntakeLink.client_id == appointment.client_id, IntakeLink.status == "pending")
            .order_by(IntakeLink.id.desc())
            .limit(1)
        ).first()
        if unfilled is None or _has_history(appointment.client_id):
            continue
        written += len(
            queue(
                "intake_reminder",
                clinic,
                client=appointment.client,
                appointment=appointment,
                context={"start": appointment.start_at.isoformat()},
                dedupe_key=key,
                requested_by=unfilled_creator(unfilled),
            )
        )
    return written


def unfilled_creator(link: IntakeLink) -> User:
    return db.session.get(User, link.created_by_id)


def _has_history(client_id: int) -> bool:
    return db.session.scalar(select(exists().where(HealthRecord.client_id == client_id)))


def needs_questionnaire(client: Client) -> bool:
    """A client with no health history and no link out or waiting for review."""
    if _has_history(client.id):
        return False
    return not db.session.scalar(
        select(
            exists().where(IntakeLink.client_id == client.id, IntakeLink.status.in_(("pending", "submitted")))
        )
    )


def queue_all_due(now: datetime | None = None) -> int:
    """The periodic pass over every clinic; commits what it wrote."""
    now = now or utcnow()
    written = 0
    for clinic in db.session.scalars(select(Clinic).order_by(Clinic.id)):
        written += queue_due_reminders(clinic, now)
        written += queue_due_intake_reminders(clinic, now)
    db.session.commit()
    return written
