"""Deliver one message: claim it, check it still makes sense, render, send, record what happened.

The claim is a conditional UPDATE committed before anything is sent ("queued" -> "sending"): of two
workers given the same message, one claims it and the other does nothing. A worker killed between
the claim and the record leaves the row "sending"; after CLAIM_LEASE the sweep puts it back in the
queue and it is sent again (at least once: the e-mail keeps its Message-ID, see render.email_for).
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from ..clock import utcnow
from ..extensions import db
from ..models import Appointment, Message
from ..rules.messaging import RETRY_WAITS, next_attempt_at
from .render import email_for, render
from .transports import PermanentFailure, TemporaryFailure, send_mail, send_sms

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=10)


def claim(message_id: int) -> bool:
    """Take the message for this worker, if it is queued and due; commits."""
    now = utcnow()
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == "queued", Message.send_after <= now)
        .values(status="sending", claimed_at=now, attempts=Message.attempts + 1, updated_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _stale_reason(message: Message) -> str | None:
    """Why a queued message should no longer go (the appointment changed since it was queued)."""
    if message.kind not in ("reminder", "intake_reminder") or message.appointment_id is None:
        return None
    appointment = db.session.get(Appointment, message.appointment_id)
    if appointment is None or appointment.status != "booked":
        return "the appointment is no longer booked"
    if appointment.start_at <= utcnow():
        return "the appointment has started"
    if message.context.get("start") and message.context["start"] != appointment.start_at.isoformat():
        return "the appointment has moved"
    return None


def _finish(message: Message, status: str, reason: str = "", provider_id: str = "") -> None:
    message.status, message.status_reason = status, reason[:300]
    if provider_id:
        message.provider_id = provider_id[:200]
    if status == "sent":
        message.sent_at = utcnow()
    db.session.commit()


def deliver(message_id: int) -> str:
    """Send one message if it is this worker's to send; returns what became of it (for logs and tests).

    A temporary failure puts it back in the queue with a later send_after (rules.messaging's waits);
    the caller schedules the retry.
    """
    if not claim(message_id):
        return "not claimed"
    message = db.session.get(Message, message_id)
    reason = _stale_reason(message)
    if reason:
        _finish(message, "suppressed", reason)
        return "suppressed"
    try:
        rendered = render(message)
        message.subject, message.body = rendered.subject[:200], rendered.record
        mail = email_for(message, rendered) if message.channel == "email" else None
        clinic_id, to_address = message.clinic_id, message.to_address
        # Commit the record (and a private link made for it) before touching the network, and read
        # nothing of the row until the send is over: no transaction stays open while a mail server
        # takes its time.
        db.session.commit()
        if mail is not None:
            provider_id = send_mail(mail, clinic_id, message_id)
        else:
            provider_id = send_sms(to_address, rendered.text, clinic_id, message_id)
    except TemporaryFailure as failure:
        db.session.rollback()
        message = db.session.get(Message, message_id)
        seconds = current_app.config.get("MESSAGE_RETRY_WAIT_SECONDS")
        waits = tuple(timedelta(seconds=s) for s in seconds) if seconds else RETRY_WAITS
        retry_at = next_attempt_at(message.attempts, utcnow(), waits)
        if retry_at is None:
            _finish(message, "failed", f"gave up after {message.attempts} attempts: {failure}")
            return "failed"
        message.send_after = retry_at
        _finish(message, "queued", f"attempt {message.attempts} failed: {failure}")
        return "retry"
    except PermanentFailure as failure:
        db.session.rollback()
        message = db.session.get(Message, message_id)
        _finish(message, "bounced" if failure.bounced else "failed", str(failure))
        return message.status
    except Exception as error:  # a bug or a missing record: recorded, never retried in a loop
        log.exception("message %s could not be sent", message_id)
        db.session.rollback()
        message = db.session.get(Message, message_id)
        _finish(message, "failed", f"could not be prepared: {type(error).__name__}")
        return "failed"
    _finish(message, "sent", "", provider_id)
    return "sent"


def requeue_abandoned() -> list[int]:
    """Messages left "sending" by a worker that died: back in the queue; returns their ids."""
    now = utcnow()
    stuck = list(
        db.session.scalars(
            update(Message)
            .where(Message.status == "sending", Message.claimed_at < now - CLAIM_LEASE)
            .values(
                status="queued", status_reason="the worker sending it stopped; sent again", updated_at=now
            )
            .returning(Message.id)
        )
    )
    db.session.commit()
    return stuck


def due_message_ids(limit: int = 500) -> list[int]:
    """Queued messages whose time has come (reminders scheduled ahead, retries, lost hand-overs)."""
    return list(
        db.session.scalars(
            db.select(Message.id)
            .where(Message.status == "queued", Message.send_after <= utcnow())
            .order_by(Message.send_after)
            .limit(limit)
        )
    )
