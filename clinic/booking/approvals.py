"""New clients' online bookings that wait for the clinic's approval ("approval required").

The appointment exists from the client's confirmation, so the time is held and the database still
refuses a double booking; the client hears nothing more until the front desk (or the owner) approves it,
which sends the confirmation and the questionnaire, or declines it, which cancels the appointment and
tells the client kindly. Services flush, never commit.
"""

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..messages import notices
from ..messages.outbox import queue
from ..models import Appointment, BookingRequest, Clinic, User
from ..schedule.booking import set_status

DECLINE_REASON = "Online booking not approved by the clinic"
SHOWN = 50  # the panel lists this many, oldest first; more would mean nobody is looking at it


def awaiting(clinic_id: int, therapist_id: int | None = None) -> list[BookingRequest]:
    """Requests holding a time for approval, the soonest appointment first, with their appointment."""
    query = (
        select(BookingRequest)
        .join(Appointment, Appointment.id == BookingRequest.appointment_id)
        .options(
            contains_eager(BookingRequest.appointment).options(
                joinedload(Appointment.service), joinedload(Appointment.therapist)
            )
        )
        .where(BookingRequest.clinic_id == clinic_id, BookingRequest.outcome == "awaiting")
        .order_by(Appointment.start_at)
        .limit(SHOWN)
    )
    if therapist_id is not None:
        query = query.where(Appointment.therapist_id == therapist_id)
    return list(db.session.scalars(query))


def get_awaiting(clinic_id: int, request_id: int) -> BookingRequest | None:
    return db.session.scalars(
        select(BookingRequest).where(
            BookingRequest.id == request_id,
            BookingRequest.clinic_id == clinic_id,
            BookingRequest.outcome == "awaiting",
        )
    ).first()


def approve(request: BookingRequest) -> Appointment:
    """Confirm the held time to the client (with the questionnaire, as for any new client online)."""
    request.outcome = "booked"
    db.session.flush()
    notices.booked_online(request.appointment, new_client=True)
    return request.appointment


def decline(request: BookingRequest, clinic: Clinic, by: User) -> Appointment:
    """Free the time and tell the client the clinic could not take the booking (no reason is given in
    the e-mail: the front desk calls if there is something to say)."""
    appointment = request.appointment
    set_status(appointment, "cancelled", seen_version=None, reason=DECLINE_REASON)
    request.outcome = "declined"
    queue(
        "booking_declined",
        clinic,
        client=appointment.client,
        appointment=appointment,
        dedupe_key=f"booking_declined:{request.id}",
        requested_by=by,
    )
    return appointment
