"""Questionnaires that clients sent and nobody has reviewed yet, for the home pages (intake.panels).

A therapist's list holds those of the clients they will see (an appointment from `since` on) and those
they sent the link for; the owner's the clinic's; the front desk's only how many there are (the answers
are health data). Oldest first: a form waiting longest is the one most likely to be needed today.
"""

from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, IntakeLink
from .links import SUBMITTED

SHOWN = 20


def _submitted(clinic_id: int):
    return select(IntakeLink).where(IntakeLink.clinic_id == clinic_id, IntakeLink.status == SUBMITTED)


def waiting(clinic_id: int, therapist_id: int | None, since: datetime) -> list[IntakeLink]:
    """Submitted links with their client, oldest first; a therapist's own only when `therapist_id`."""
    query = (
        _submitted(clinic_id)
        .join(IntakeLink.client)
        .options(contains_eager(IntakeLink.client))
        .order_by(IntakeLink.submitted_at)
        .limit(SHOWN)
    )
    if therapist_id is not None:
        theirs = exists().where(
            Appointment.client_id == IntakeLink.client_id,
            Appointment.therapist_id == therapist_id,
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.start_at >= since,
        )
        query = query.where(or_(IntakeLink.created_by_id == therapist_id, theirs))
    return list(db.session.scalars(query))


def waiting_count(clinic_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(_submitted(clinic_id).subquery()))
