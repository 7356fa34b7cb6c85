"""The signed-in client's portal pages: appointments, cancelling, aftercare sheets, the questionnaire
and message choices. Each reads the client from the portal session and finds only their own records
(another id is a 404, audited as denied); CSRF guards every POST (the app's CSRFProtect)."""

from flask import Response, abort, flash, redirect, render_template, request, url_for

from .. import audit
from ..aftercare.documents import visit_sheet
from ..aftercare.from_visit import VISIT_OPTIONS
from ..aftercare.pdf import render_pdf
from ..aftercare.presenting import diagram_svg, tel_href
from ..aftercare.wording import CALL_CLINIC_HEADING, URGENT_HEADING
from ..booking.slots import slot_start
from ..extensions import db
from ..messages import consent
from ..messages.reminders import needs_questionnaire
from ..models import Clinic
from ..rules.scheduling import day_label
from ..schedule import booking
from . import bp, moving, services, sessions


def _signed_in():
    signed_in = sessions.current()
    if signed_in is None:
        db.session.commit()  # an idle session's end is kept
        abort(redirect(url_for("portal.signed_out")))
    client, _ = signed_in
    return client, db.session.get(Clinic, client.clinic_id)


def _denied(object_type: str, object_id: int, client) -> None:
    db.session.rollback()
    audit.record("portal.denied", object_type=object_type, object_id=object_id, outcome="denied",
                 clinic_id=client.clinic_id, client_id=client.id)  # fmt: skip
    db.session.commit()
    abort(404)


def _record(action: str, client, object_type: str = "client", object_id: int | None = None) -> None:
    audit.record(action, object_type=object_type, object_id=object_id or client.id, client_id=client.id,
                 clinic_id=client.clinic_id)  # fmt: skip


@bp.get("/")
def home():
    client, clinic = _signed_in()
    page = render_template(
        "portal/home.html",
        client=client,
        clinic=clinic,
        upcoming=services.upcoming(client, clinic),
        past=services.past(client, clinic),
        visits=services.signed_visits(client),
        questionnaire_due=needs_questionnaire(client),
        cancel_hours=services.cancel_hours(clinic),
        phone_href=tel_href(clinic.phone or ""),
    )
    _record("portal.view", client)
    db.session.commit()
    return page


@bp.post("/appointments/<int:appointment_id>/cancel")
def cancel(appointment_id: int):
    client, clinic = _signed_in()
    appointment = services.own_appointment(client, appointment_id)
    if appointment is None:
        _denied("appointment", appointment_id, client)
    try:
        services.cancel(appointment, clinic)
    except booking.Stale:
        db.session.rollback()
        flash(f"This appointment can no longer be cancelled online. Please call {clinic.phone}.", "error")
        return redirect(url_for("portal.home"), 303)
    _record("portal.appointment_cancel", client, "appointment", appointment.id)
    db.session.commit()
    flash("Your appointment is cancelled. A confirmation is on its way by e-mail.", "success")
    return redirect(url_for("portal.home"), 303)


def _when(start, clinic) -> str:
    local = start.astimezone(clinic.tz)
    return f"{day_label(local.date())} at {local:%H:%M}"


@bp.route("/appointments/<int:appointment_id>/move", methods=["GET", "POST"])
def move(appointment_id: int):
    """GET: the therapist's free times on a day the client picks (the appointment's own day first).
    POST: move to one of them. (One view for both: a URL shared by two views answers 405, not 404, to
    an id beyond the database.)"""
    if request.method == "POST":
        return _move_to(appointment_id)
    client, clinic = _signed_in()
    appointment = services.own_appointment(client, appointment_id)
    if appointment is None:
        _denied("appointment", appointment_id, client)
    if not moving.may_move(appointment, clinic):
        flash(f"This appointment can no longer be moved online. Please call {clinic.phone}.", "error")
        return redirect(url_for("portal.home"), 303)
    days = moving.days(clinic)
    own_day = appointment.start_at.astimezone(clinic.tz).date()
    asked = request.args.get("day", "")
    day = next((d for d in days if d.isoformat() == asked), own_day if own_day in days else days[0])
    page = render_template(
        "portal/move.html",
        client=client,
        clinic=clinic,
        appointment=appointment,
        when=_when(appointment.start_at, clinic),
        days=days,
        day=day,
        day_label=day_label,
        slots=moving.free_times(appointment, clinic, day),
        phone_href=tel_href(clinic.phone or ""),
    )
    _record("portal.appointment_move_view", client, "appointment", appointment.id)
    db.session.commit()
    return page


def _move_to(appointment_id: int):
    client, clinic = _signed_in()
    appointment = services.own_appointment(client, appointment_id)
    if appointment is None:
        _denied("appointment", appointment_id, client)
    start = slot_start(request.form.get("start"))
    back = url_for("portal.move", appointment_id=appointment.id)
    try:
        if start is None:
            raise booking.Stale()
        moving.move(appointment, clinic, start)
    except (booking.Stale, booking.SlotTaken, booking.OutsideHours):
        db.session.rollback()
        audit.record("portal.appointment_move", object_type="appointment", object_id=appointment.id,
                     client_id=client.id, clinic_id=client.clinic_id, outcome="refused")  # fmt: skip
        db.session.commit()
        flash("That time is no longer free. Please choose another.", "error")
        return redirect(back + (f"?day={start.astimezone(clinic.tz).date()}" if start else ""), 303)
    _record("portal.appointment_move", client, "appointment", appointment.id)
    db.session.commit()
    flash(f"Moved to {_when(start, clinic)}. A confirmation is on its way by e-mail.", "success")
    return redirect(url_for("portal.home"), 303)


def _sheet_or_404(visit_id: int):
    client, clinic = _signed_in()
    visit = services.own_signed_visit(client, visit_id, VISIT_OPTIONS)
    if visit is None or not (clinic.phone or "").strip():
        _denied("visit", visit_id, client)
    return client, clinic, visit, visit_sheet(visit, clinic)


@bp.get("/visits/<int:visit_id>/aftercare")
def aftercare(visit_id: int):
    client, clinic, visit, sheet = _sheet_or_404(visit_id)
    page = render_template(
        "aftercare/public_sheet.html",
        sheet=sheet,
        pdf_url=url_for("portal.aftercare_pdf", visit_id=visit.id),
        back_url=url_for("portal.home"),
        phone_href=tel_href(clinic.phone),
        diagram=diagram_svg(sheet),
        urgent_heading=URGENT_HEADING,
        call_heading=CALL_CLINIC_HEADING,
    )
    _record("portal.aftercare_view", client, "visit", visit.id)
    db.session.commit()
    return page


@bp.get("/visits/<int:visit_id>/aftercare.pdf")
def aftercare_pdf(visit_id: int):
    client, _clinic, visit, sheet = _sheet_or_404(visit_id)
    pdf = render_pdf(sheet)
    _record("portal.aftercare_download", client, "visit", visit.id)
    db.session.commit()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="aftercare-{sheet.visit_date.isoformat()}.pdf"'},
    )


@bp.post("/questionnaire")
def questionnaire():
    """The health questionnaire, when one is due: a fresh self-intake link, opened at once."""
    from ..intake import links as intake_links

    client, clinic = _signed_in()
    if not needs_questionnaire(client):
        flash("We have your questionnaire already: nothing to fill in now.", "info")
        return redirect(url_for("portal.home"), 303)
    issuer = services.questionnaire_issuer(client, clinic)
    if issuer is None:
        flash(f"The questionnaire is not available online. Please call {clinic.phone}.", "error")
        return redirect(url_for("portal.home"), 303)
    link, token, _ = intake_links.create_link(client, issuer)
    _record("portal.questionnaire", client, "intake_link", link.id)
    db.session.commit()
    return redirect(url_for("selfintake.form", token=token), 303)


@bp.route("/messages", methods=["GET", "POST"])
def messages():
    client, clinic = _signed_in()
    if request.method == "POST":
        topic, channel = request.form.get("topic", ""), request.form.get("channel", "")
        if (channel, topic) not in consent.DEFAULTS:
            _denied("message_consent", 0, client)
        wanted = request.form.get("allowed") == "yes"
        if consent.set_choice(client, topic, channel, wanted, "portal"):
            _record("portal.message_choice", client)
        db.session.commit()
        flash("Saved: " + consent.TOPICS[topic].lower() + (" on." if wanted else " off."), "success")
        return redirect(url_for("portal.messages"), 303)
    choices = consent.preferences(client.id)
    page = render_template(
        "portal/messages.html",
        clinic=clinic,
        client=client,
        rows=[
            (channel, topic, consent.TOPICS[topic], allowed) for (channel, topic), allowed in choices.items()
        ],
    )
    _record("portal.messages_view", client)
    db.session.commit()
    return page
