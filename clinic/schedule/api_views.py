"""The appointments API for the clinic's own scripts and integrations (docs/api.md): list a bounded
range, book one. The calendar pages do not call it; they book through their own forms.

No tokens: a caller logs in as a member of staff and acts as them (session cookie, CSRF token in
X-CSRFToken on POST, the same clinic scoping and audit rows as the pages). Errors are JSON with an
"error" text; nothing is written on any error. The appointment JSON carries no clinical data, so every
staff role may read it: client display name, service, times, status, desk notes.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import jsonify, request
from flask_login import current_user

from ..extensions import db
from ..messages import notices
from ..models import Appointment
from ..web.json_input import json_object
from ..web.request_numbers import as_id
from . import api_bp as bp
from . import booking, calendar
from .booking import BookingError, NotInClinic, OutsideHours, SlotTaken

MAX_RANGE = timedelta(days=62)
FIELDS = {"therapist_id", "client_id", "service_id", "start", "notes", "outside_hours_ok"}


def _error(status: int, message: str, **extra):
    return jsonify(error=message, **extra), status


def _instant(value: str, name: str) -> datetime:
    """A date (local midnight) or a datetime (local wall time, or with an offset)."""
    tz = current_user.clinic.tz
    try:
        parsed = (
            datetime.fromisoformat(value)
            if len(value) != 10
            else datetime.combine(date.fromisoformat(value), time())
        )
    except ValueError:
        raise BookingError(f"{name}: give an ISO date or date and time.", name) from None
    if not booking.in_calendar(parsed.date()):
        raise BookingError(f"{name}: choose a date between 2000 and 2099.", name)
    return (parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed).astimezone(UTC)


@bp.get("/appointments")
def list_appointments():
    """Appointments starting in [start, end) (at most 62 days), of one therapist or all."""
    args = request.args
    try:
        start = _instant(args.get("start", "")[:40], "start")
        end = _instant(args.get("end", "")[:40], "end")
    except BookingError as error:
        return _error(400, str(error))
    if end <= start:
        return _error(400, "end: must be after start.")
    if end - start > MAX_RANGE:
        return _error(400, f"Ask for at most {MAX_RANGE.days} days at a time.")
    therapist = args.get("therapist", "")
    people = booking.bookable_therapists(current_user.clinic_id)
    if therapist:
        wanted = as_id(therapist)
        if wanted is None:
            return _error(400, "therapist: give a therapist's id.")
        people = [p for p in people if p.id == wanted]
        if not people:
            return _error(404, "No such therapist.")
    tz = current_user.clinic.tz
    rows = calendar.appointments_between(current_user.clinic_id, start, end, [p.id for p in people])
    # row.therapist comes from the identity map (the therapists loaded above): no query per row
    return jsonify(
        start=start.astimezone(tz).isoformat(),
        end=end.astimezone(tz).isoformat(),
        appointments=[appointment_json(a, tz) for a in rows],
    )


@bp.post("/appointments")
def create_appointment():
    """Book one appointment: 201 with it, or a JSON error (400, 404, 409) and nothing written."""
    body = json_object()
    unknown = set(body) - FIELDS
    if unknown:
        return _error(400, f"Unknown fields: {', '.join(sorted(unknown))}.")
    notes = body.get("notes", "")
    ok = body.get("outside_hours_ok", False)
    if not isinstance(notes, str) or len(notes) > 500:
        return _error(400, "notes: text of at most 500 characters.", field="notes")
    if not isinstance(ok, bool):
        return _error(400, "outside_hours_ok: true or false.", field="outside_hours_ok")
    clinic = current_user.clinic
    try:
        refs = {name: _ref(name, body) for name in ("therapist", "client", "service")}
        start = booking.parse_start(body.get("start"), clinic.tz)
        appointment = booking.book(
            clinic,
            refs["therapist"],
            refs["client"],
            refs["service"],
            start,
            notes=notes,
            outside_hours_ok=ok,
            created_by=current_user,
        )
    except NotInClinic as missing:
        return _error(404, f"No such {missing.args[0]}.")
    except BookingError as error:
        return _error(400, str(error), field=error.field)
    except OutsideHours:
        return _error(
            400,
            "This time is outside opening or working hours. Send outside_hours_ok: true to book it anyway.",
            outside_hours=True,
        )
    except SlotTaken as taken:
        return _error(
            409,
            "The therapist is already booked then.",
            nearest_free=[slot_json(s, clinic.tz) for s in taken.nearest],
        )
    notices.appointments_booked([appointment], current_user)
    db.session.commit()
    return jsonify(appointment_json(appointment, clinic.tz)), 201


def _ref(name: str, body: dict):
    getter = {
        "therapist": booking.get_therapist,
        "client": booking.get_client,
        "service": booking.get_service,
    }[name]
    value = body.get(f"{name}_id")
    if type(value) is not int:  # bool is an int subclass but not an id
        raise BookingError(f"{name}_id: give the id as a number.", f"{name}_id")
    return getter(current_user.clinic_id, value)


def appointment_json(appointment: Appointment, tz: ZoneInfo) -> dict:
    """An appointment as the API answers it (docs/api.md), with nothing clinical: every role reads it."""
    return {
        "id": appointment.id,
        "therapist_id": appointment.therapist_id,
        "therapist_name": appointment.therapist.name,
        "client_id": appointment.client_id,
        "client_name": appointment.client.display_name,
        "service_id": appointment.service_id,
        "service_name": appointment.service.name,
        "start": appointment.start_at.astimezone(tz).isoformat(),
        "end": appointment.end_at.astimezone(tz).isoformat(),
        "start_utc": appointment.start_at.astimezone(UTC).isoformat(),
        "end_utc": appointment.end_at.astimezone(UTC).isoformat(),
        "status": appointment.status,
        "cancel_reason": appointment.cancel_reason,
        "notes": appointment.notes,
        "version": appointment.version,
    }


def slot_json(start: datetime, tz: ZoneInfo) -> dict:
    """A free start offered instead of a taken one."""
    local = start.astimezone(tz)
    return {
        "start": local.isoformat(),
        "start_utc": start.astimezone(UTC).isoformat(),
        "label": f"{local:%a %-d %b, %H:%M}",
    }
