"""What the clinic tells a client when something happens: the calls other features make.

Each writes its message rows in the caller's transaction (the booking and its confirmation commit
together, or neither does) with a dedupe key, so a double-submitted form cannot send twice.
"""

from datetime import timedelta

from sqlalchemy import update

from ..clock import clinic_today, utcnow
from ..extensions import db
from ..models import Appointment, Client, Clinic, Message, User, Visit
from ..rules.checkin import send_time as check_in_send_time
from .outbox import queue
from .reminders import needs_questionnaire
from .settings import message_settings


def _clinic(clinic_id: int) -> Clinic:
    return db.session.get(Clinic, clinic_id)


def appointments_booked(appointments: list[Appointment], by: User | None) -> list[Message]:
    """One confirmation for one booking or a follow-up series; the questionnaire for a new client."""
    if not appointments:
        return []
    first = min(appointments, key=lambda a: a.start_at)
    clinic, client = _clinic(first.clinic_id), first.client
    written = queue(
        "confirmation",
        clinic,
        client=client,
        appointment=first,
        context={"appointment_ids": [a.id for a in sorted(appointments, key=lambda a: a.start_at)]},
        dedupe_key=f"confirmation:{first.id}",
        requested_by=by,
    )
    if by is not None and message_settings(clinic).intake_on_booking and needs_questionnaire(client):
        written += queue(
            "intake_link",
            clinic,
            client=client,
            appointment=first,
            dedupe_key=f"intake_link:{client.id}:{first.id}",
            requested_by=by,
        )
    return written


def booked_online(appointment: Appointment, new_client: bool) -> list[Message]:
    """A client's own online booking: the confirmation, and for a new client the questionnaire at once,
    issued in the therapist's name (the link needs a member of staff behind it)."""
    written = appointments_booked([appointment], by=None)
    clinic = _clinic(appointment.clinic_id)
    if new_client and message_settings(clinic).intake_on_booking and needs_questionnaire(appointment.client):
        written += queue(
            "intake_link",
            clinic,
            client=appointment.client,
            appointment=appointment,
            dedupe_key=f"intake_link:{appointment.client_id}:{appointment.id}",
            requested_by=appointment.therapist,
        )
    return written


def appointment_moved(appointment: Appointment, by: User | None) -> list[Message]:
    return queue(
        "change",
        _clinic(appointment.clinic_id),
        client=appointment.client,
        appointment=appointment,
        context={"start": appointment.start_at.isoformat()},
        dedupe_key=f"change:{appointment.id}:{appointment.start_at.isoformat()}",
        requested_by=by,
    )


def appointment_cancelled(
    appointment: Appointment, by: User | None, hold: timedelta | None = None
) -> list[Message]:
    """The cancellation e-mail; `hold` keeps it back while the cancel may still be undone."""
    return queue(
        "cancellation",
        _clinic(appointment.clinic_id),
        client=appointment.client,
        appointment=appointment,
        # the version is in the key: a cancel undone and made again is told again
        dedupe_key=f"cancellation:{appointment.id}:{appointment.version}",
        send_after=utcnow() + hold if hold else None,
        requested_by=by,
    )


def cancellation_withdrawn(appointment: Appointment) -> int:
    """The cancel was undone: its e-mail, still waiting, is never sent (kept, as suppressed, for the
    record). Returns how many were withdrawn."""
    result = db.session.execute(
        update(Message)
        .where(
            Message.appointment_id == appointment.id,
            Message.kind == "cancellation",
            Message.status == "queued",
        )
        .values(status="suppressed", status_reason="the cancellation was undone before it was sent")
    )
    return result.rowcount


def visit_signed(visit: Visit, by: User) -> list[Message]:
    """The aftercare sheet now, and the check-in a day or two later (when the clinic sends them)."""
    clinic = _clinic(visit.clinic_id)
    messages = queue(
        "aftercare",
        clinic,
        client=visit.client,
        visit=visit,
        dedupe_key=f"aftercare:{visit.id}",
        requested_by=by,
    )
    settings = message_settings(clinic)
    if settings.check_in_delay is not None:
        messages += queue(
            "check_in",
            clinic,
            client=visit.client,
            visit=visit,
            dedupe_key=f"check_in:{visit.id}",
            send_after=check_in_send_time(
                visit.signed_at, settings.check_in_delay, settings.quiet, clinic.tz
            ),
            requested_by=by,
        )
    return messages


def intake_link_requested(client: Client, by: User) -> list[Message]:
    """Staff asked to e-mail the questionnaire now (a new link replaces any open one at sending)."""
    return queue("intake_link", _clinic(client.clinic_id), client=client, requested_by=by)


def recall(client: Client, by: User) -> list[Message]:
    """The recall note; once a day at most, however often the button is pressed."""
    clinic = _clinic(client.clinic_id)
    return queue(
        "recall",
        clinic,
        client=client,
        dedupe_key=f"recall:{client.id}:{clinic_today(clinic).isoformat()}",
        requested_by=by,
    )
