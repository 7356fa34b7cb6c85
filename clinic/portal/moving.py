"""Moving an appointment from the portal: to a free time of the same therapist and service, inside the
clinic's window (the one that lets a client cancel online), by the staff booking's own rules.

The times offered respect the clinic's online booking notice and horizon (rules/online_booking), whether
or not new bookings are taken online: moving is a change the client could otherwise phone in. The
database still refuses a double booking; a time lost meanwhile offers the next free ones. Services flush.
"""

from datetime import date, datetime

from ..booking.policy import policy
from ..booking.slots import Slot, free_slots
from ..clock import clinic_today, utcnow
from ..messages import notices
from ..models import Appointment, Clinic
from ..rules.online_booking import bookable_days, in_window
from ..schedule import booking
from .services import may_cancel


def may_move(appointment: Appointment, clinic: Clinic) -> bool:
    return may_cancel(appointment, clinic, utcnow())


def days(clinic: Clinic) -> list[date]:
    return bookable_days(clinic_today(clinic), policy(clinic))


def free_times(appointment: Appointment, clinic: Clinic, day: date) -> list[Slot]:
    """The therapist's free starts for this service on `day`, the appointment's own time left out."""
    slots = free_slots(clinic, appointment.service, [appointment.therapist], day, policy(clinic))
    return [slot for slot in slots if slot.start != appointment.start_at]


def move(appointment: Appointment, clinic: Clinic, start: datetime) -> None:
    """Move to `start`: booking.Stale when the window has closed or the time is not one offered,
    booking.SlotTaken when someone took it a moment ago. The client gets the usual change e-mail."""
    rules = policy(clinic)
    local_day = start.astimezone(clinic.tz).date()
    if not may_move(appointment, clinic) or not in_window(
        start, utcnow(), clinic_today(clinic), local_day, rules
    ):
        raise booking.Stale()
    if start not in {slot.start for slot in free_times(appointment, clinic, local_day)}:
        raise booking.Stale()
    booking.reschedule(
        clinic, appointment, appointment.therapist, appointment.service, start, seen_version=None
    )
    notices.appointment_moved(appointment, by=None)
