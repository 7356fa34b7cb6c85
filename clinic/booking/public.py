"""The clinic's public booking pages: pick a service, a therapist or anyone, a day and a free time; give
a name and an e-mail address; confirm from the e-mail.

Every hit is counted per address in the database before anything is looked up. A clinic without online
booking and an unknown clinic get the same 404 page; a request gets the same answer whatever the
address (known client, new, or one that asked too often); dead, used and expired links one 404 page.
"""

from flask import Blueprint, Response, render_template, request
from sqlalchemy import select

from .. import audit
from ..clock import clinic_today
from ..extensions import db
from ..messages.addresses import email_address
from ..models import Clinic, Service, User
from ..rules.online_booking import bookable_days
from ..rules.scheduling import day_label
from ..schedule.booking import bookable_therapists
from ..web.public_throttle import nothing_here, refuse_when_busy
from . import requests as booking_requests
from .policy import policy
from .slots import free_slots, online_services, slot_start, therapists_for

bp = Blueprint("booking_public", __name__, url_prefix="/book")
REQUESTS_PER_IP = 10  # per 10 minutes: a person books once or twice; more is a script


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"
    return response


def _closed(action: str):
    return nothing_here(action, "booking/closed.html")


def _open_clinic(slug: str) -> Clinic | None:
    clinic = (
        db.session.scalars(select(Clinic).where(Clinic.public_slug == slug)).first()
        if len(slug) <= 24
        else None
    )
    if clinic is None or not policy(clinic).enabled or not online_services(clinic, policy(clinic)):
        return None
    return clinic


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _choices(clinic: Clinic, args) -> dict:
    """What the page offers and what was chosen (unknown choices are simply not chosen)."""
    rules = policy(clinic)
    services = online_services(clinic, rules)
    service = next((s for s in services if s.id == _int(args.get("service"))), None)
    therapists = bookable_therapists(clinic.id)
    therapist = next((t for t in therapists if t.id == _int(args.get("therapist"))), None)
    days = bookable_days(clinic_today(clinic), rules)
    day = next((d for d in days if d.isoformat() == args.get("day")), None)
    slots = []
    if service is not None and day is not None:
        slots = free_slots(
            clinic, service, therapists_for(clinic, therapist.id if therapist else None), day, rules
        )
    return {
        "clinic": clinic,
        "services": services,
        "service": service,
        "therapists": therapists,
        "therapist": therapist,
        "days": days,
        "day": day,
        "day_label": day_label,
        "slots": slots,
        "names": {t.id: t.name for t in therapists},
    }


@bp.get("/<slug>")
def page(slug: str):
    refuse_when_busy("booking.page")
    clinic = _open_clinic(slug)
    if clinic is None:
        return _closed("booking.page")
    audit.record("booking.page", clinic_id=clinic.id)
    db.session.commit()
    return render_template("booking/page.html", form={}, errors={}, **_choices(clinic, request.args))


def _read_details(form) -> tuple[dict, dict[str, str]]:
    errors = {}
    details = {name: (form.get(name) or "").strip() for name in ("first_name", "last_name", "email", "phone")}
    for name, label in (("first_name", "First name"), ("last_name", "Last name")):
        if not details[name]:
            errors[name] = f"{label}: please fill this in."
        elif len(details[name]) > 80:
            errors[name] = f"{label}: at most 80 characters."
    if not email_address(details["email"]):
        errors["email"] = "E-mail: an address like name@example.com, so we can send the link to confirm."
    if len(details["phone"]) > 40:
        errors["phone"] = "Phone: at most 40 characters."
    return details, errors


@bp.post("/<slug>")
def ask(slug: str):
    refuse_when_busy("booking.request", limit=REQUESTS_PER_IP)
    clinic = _open_clinic(slug)
    if clinic is None:
        return _closed("booking.request")
    choices = _choices(clinic, request.form)
    details, errors = _read_details(request.form)
    chosen = request.form.get("slot", "")
    slot = next((s for s in choices["slots"] if f"{s.start.isoformat()}|{s.therapist_id}" == chosen), None)
    if choices["service"] is None or choices["day"] is None:
        errors["service"] = "Choose a service and a day, then a time."
    elif slot is None:
        errors["slot"] = "Choose one of the free times (the one you chose may just have gone)."
    if errors:
        audit.record("booking.request", outcome="invalid", clinic_id=clinic.id)
        db.session.commit()
        return render_template("booking/page.html", form=request.form, errors=errors, **choices), 400
    therapist = db.session.get(User, slot.therapist_id)
    booking_requests.ask(clinic, choices["service"], therapist, slot.start, details)
    audit.record("booking.request", clinic_id=clinic.id)
    db.session.commit()
    return render_template("booking/sent.html", clinic=clinic)


def _summary(booking, clinic: Clinic) -> dict:
    local = booking.start_at.astimezone(clinic.tz)
    return {
        "clinic": clinic,
        "request": booking,
        "service": db.session.get(Service, booking.service_id),
        "therapist": db.session.get(User, booking.therapist_id),
        "when": f"{day_label(local.date())} at {local:%H:%M}",
    }


@bp.get("/confirm/<token>")
def confirm(token: str):
    refuse_when_busy("booking.confirm")
    booking = booking_requests.live(token)
    if booking is None:
        return _dead("booking.confirm")
    clinic = db.session.get(Clinic, booking.clinic_id)
    audit.record("booking.confirm_view", clinic_id=clinic.id)
    db.session.commit()
    return render_template("booking/confirm.html", token=token, **_summary(booking, clinic))


def _dead(action: str):
    return nothing_here(action, "booking/dead.html")


@bp.post("/confirm/<token>")
def book(token: str):
    refuse_when_busy("booking.confirm")
    booking = booking_requests.live(token)
    if booking is None:
        return _dead("booking.confirm")
    clinic = db.session.get(Clinic, booking.clinic_id)
    other = request.form.get("start")
    start = slot_start(other) if other else None
    if other and start is None:
        return _dead("booking.confirm")
    outcome = booking_requests.confirm(booking, clinic, clinic_today(clinic), start)
    if outcome.status == "taken":
        db.session.rollback()  # nothing of this try stays (a new client included); the link stays open
    summary = _summary(booking_requests.live(token) or booking, clinic)
    made = outcome.appointment
    audit.record(
        "booking.confirm",
        outcome={"booked": "ok"}.get(outcome.status, outcome.status),
        clinic_id=clinic.id,
        object_type="appointment" if made else None,
        object_id=made.id if made else None,
        client_id=made.client_id if made else None,
    )
    db.session.commit()
    nearest = [
        (s, f"{day_label(s.astimezone(clinic.tz).date())} at {s.astimezone(clinic.tz):%H:%M}")
        for s in outcome.nearest
    ]
    status = 200 if made else 409
    return render_template(
        "booking/result.html", outcome=outcome, nearest=nearest, token=token, **summary
    ), status
