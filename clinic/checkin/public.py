"""The client's check-in on a phone, through the private link in the message (no account).

Every hit is counted per address in the database before the token is looked at, and unknown,
malformed and expired tokens get one and the same 404 page. Answers are taken once; afterwards the
link shows the advice for what was answered, so a client who comes back still sees what to do.
"""

from flask import Blueprint, Response, redirect, render_template, request, url_for

from .. import audit
from ..extensions import db
from ..messages.settings import message_settings
from ..models import CheckIn, Clinic, Visit
from ..rules.checkin import ADVICE, BRUISING, RED_FLAGS, SLEEP
from ..rules.vocabulary import region_label
from ..web.public_throttle import nothing_here, refuse_when_busy
from . import answers as answering
from . import links

bp = Blueprint("checkin_public", __name__, url_prefix="/c")


@bp.after_request
def _not_for_search_engines(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"  # answers about health: not kept by a shared browser
    return response


def _dead(action: str):
    return nothing_here(action, "checkin/dead.html")


def _advice(level: str, clinic: Clinic) -> tuple[str, str]:
    settings = message_settings(clinic)
    heading, text = ADVICE[level]
    numbers = {
        "emergency": settings.emergency_number or "your local emergency number",
        "urgent": settings.urgent_care_number or "your doctor or an urgent care service",
        "clinic_phone": clinic.phone or "the clinic",
    }
    return heading, text.format_map(numbers)


def _page(check_in: CheckIn, form=None, errors=None, status=200):
    clinic = db.session.get(Clinic, check_in.clinic_id)
    visit = db.session.get(Visit, check_in.visit_id)
    regions = answering.treated_regions(visit.id)
    context = {
        "clinic": clinic,
        "visit": visit,
        "first_name": check_in.client.preferred_name or check_in.client.first_name,
        "regions": [(code, region_label(code), after) for code, after in regions.items()],
        "red_flags": RED_FLAGS,
        "sleep_choices": SLEEP,
        "bruising_choices": BRUISING,
        "form": form or {},
        "errors": errors or {},
        "settings": message_settings(clinic),
    }
    if check_in.answered_at is not None:
        context["advice"] = _advice(check_in.level, clinic)
        context["reasons"] = (check_in.answers or {}).get("reasons", [])
        context["level"] = check_in.level
        return render_template("checkin/answered.html", **context), status
    return render_template("checkin/form.html", **context), status


@bp.get("/<token>")
def form(token: str):
    refuse_when_busy("checkin.open")
    check_in = links.live(token)
    if check_in is None:
        return _dead("checkin.open")
    audit.record(
        "checkin.open", object_type="visit", object_id=check_in.visit_id,
        client_id=check_in.client_id, clinic_id=check_in.clinic_id,
    )  # fmt: skip
    db.session.commit()
    return _page(check_in)


@bp.post("/<token>")
def answer(token: str):
    refuse_when_busy("checkin.answer")
    check_in = links.live(token)
    if check_in is None:
        return _dead("checkin.answer")
    if check_in.answered_at is not None:  # a second tab, a double tap: the first answers stand
        return redirect(url_for(".form", token=token), 303)
    regions = answering.treated_regions(check_in.visit_id)
    answers, errors = answering.read(request.form, regions)
    if errors:
        audit.record("checkin.answer", outcome="invalid", clinic_id=check_in.clinic_id)
        db.session.commit()
        return _page(check_in, request.form, errors, 400)
    result = answering.assess(answers, regions)
    answering.land(check_in, answers, result)
    audit.record(
        "checkin.answer", object_type="visit", object_id=check_in.visit_id,
        client_id=check_in.client_id, clinic_id=check_in.clinic_id,
    )  # fmt: skip
    db.session.commit()
    return redirect(url_for(".form", token=token), 303)
