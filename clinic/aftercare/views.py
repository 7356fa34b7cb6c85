"""Aftercare pages: a visit's sheet as a PDF, today's sheets in one PDF, the owner's wording.

Printing is audited as "aftercare.print", one row per sheet (also in the day's batch PDF), each
with the visit and the client, so a client's audit trail lists every sheet printed for them.
"""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..access import ALL_ROLES, roles_required, scoped
from ..clock import clinic_today, utcnow
from ..extensions import db
from ..models import Visit
from . import panels, wording_store
from .forms import FIELD_NAMES, WordingForm
from .from_visit import VISIT_OPTIONS, clinic_info, inputs_for
from .pdf import render_batch
from .sheet import AftercareInput, FrequencyAdvice, NextAppointment, TreatedPoint, build_sheet
from .wording import DEFAULT_WORDING, Wording

bp = Blueprint("aftercare", __name__)


def _pdf_response(pdf: bytes, filename: str) -> Response:
    # Inline: the sheet opens in the browser's viewer, one tap from printing, instead of landing in a
    # downloads folder. The file name carries a date and an id, never a name: print queues show it.
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _needs_phone():
    """Every sheet tells the client when to call: without the clinic's phone there is no sheet."""
    return render_template("aftercare/needs_phone.html"), 409


def _sheets_pdf(visits: list[Visit]) -> bytes:
    clinic = current_user.clinic
    inputs = inputs_for(visits, clinic, wording_store.current_wording(clinic.id), utcnow())
    return render_batch([build_sheet(data) for data in inputs])


def _audit_print(visits: list[Visit]) -> None:
    """One "aftercare.print" row per sheet, in one INSERT however many sheets the PDF holds."""
    objects = [(visit.id, visit.client_id) for visit in visits]
    audit.record_many("aftercare.print", object_type="visit", objects=objects, user=current_user)


@bp.get("/visits/<int:visit_id>/aftercare.pdf")
def visit_pdf(visit_id: int):
    """Any role, the front desk included: the sheet holds only what the client should know."""
    visit = db.session.scalars(scoped(Visit).options(*VISIT_OPTIONS).where(Visit.id == visit_id)).first()
    if visit is None:
        abort(404)
    if not current_user.clinic.phone.strip():
        return _needs_phone()
    pdf = _sheets_pdf([visit])
    # Named before the commit, which expires the visit (reading it after would load it again).
    filename = f"aftercare-{visit.visit_date.isoformat()}-{visit.id}.pdf"
    _audit_print([visit])
    db.session.commit()
    return _pdf_response(pdf, filename)


@bp.get("/aftercare/today.pdf")
@roles_required(*ALL_ROLES)
def today_pdf():
    """Every sheet of today's visits in one PDF: the therapist's own, or all of them for the front desk
    (who may print any one sheet, so may print the day's)."""
    visits = panels.todays_visits(VISIT_OPTIONS)
    if not visits:
        return render_template("aftercare/none_today.html"), 404
    if not current_user.clinic.phone.strip():
        return _needs_phone()
    pdf = _sheets_pdf(visits)
    _audit_print(visits)
    db.session.commit()
    return _pdf_response(pdf, f"aftercare-{clinic_today(current_user.clinic).isoformat()}-all.pdf")


def _wording_page(form: WordingForm, status: int = 200, conflict: bool = False):
    clinic_id = current_user.clinic_id
    return render_template(
        "aftercare/wording.html",
        form=form,
        current=wording_store.current_wording(clinic_id),
        standard=DEFAULT_WORDING,
        versions=wording_store.history(clinic_id),
        conflict=conflict,
        label=wording_store.label,
    ), status


def _fill(form: WordingForm, wording: Wording, number: int) -> None:
    for key, field, _ in form.text_rows():
        field.data = wording.text(key)
    form.version.data = str(number)


@bp.route("/settings/aftercare", methods=["GET", "POST"])
@roles_required("owner")
def wording():
    """The clinic's standard wording: each editable text, the standard beside it, the versions."""
    clinic_id = current_user.clinic_id
    form = WordingForm()
    if request.method == "GET":
        latest = wording_store.latest(clinic_id)
        _fill(form, wording_store.as_wording(latest), latest.number if latest else 0)
        return _wording_page(form)
    if not form.validate_on_submit():
        return _wording_page(form, 400)
    unknown = sorted(set(request.form) - FIELD_NAMES)
    if unknown:
        form.form_errors.append(
            "Only the texts listed here can be changed; red flags and precautions are fixed."
        )
        return _wording_page(form, 400)
    texts = {
        key: DEFAULT_WORDING.text(key) if standard.data else (field.data or "")
        for key, field, standard in form.text_rows()
    }
    try:
        seen = int(form.version.data) if form.version.data else None
    except ValueError:
        abort(400)
    try:
        version = wording_store.save(clinic_id, current_user, texts, seen)
    except wording_store.WordingError as error:
        for key, message in error.errors.items():
            (form[key].errors if key else form.form_errors).append(message)
        return _wording_page(form, 400)
    except (wording_store.StaleWording, IntegrityError):
        db.session.rollback()
        latest = wording_store.latest(clinic_id)
        form.version.data = str(latest.number if latest else 0)
        return _wording_page(form, 409, conflict=True)
    if version is None:
        flash("Nothing changed: the wording is as it was.", "info")
        return redirect(url_for("aftercare.wording"))
    audit.record("aftercare_wording.change", object_type="aftercare_wording", object_id=version.id)
    db.session.commit()
    flash(f"Aftercare wording saved as version {version.number}.", "success")
    return redirect(url_for("aftercare.wording"))


@bp.get("/settings/aftercare/versions/<int:number>")
@roles_required("owner")
def version(number: int):
    """One saved version's texts, to read what an older sheet said (its footer names the version)."""
    row = wording_store.get_version(current_user.clinic_id, number)
    if row is None:
        abort(404)
    return render_template(
        "aftercare/version.html",
        row=row,
        wording=wording_store.as_wording(row),
        keys=wording_store.ordered_keys(),
        label=wording_store.label,
        standard=DEFAULT_WORDING,
    )


@bp.get("/settings/aftercare/sample.pdf")
@roles_required("owner")
def sample_pdf():
    """A sheet for a made-up client with the clinic's header, paper and current wording."""
    clinic = current_user.clinic
    if not clinic.phone.strip():
        return _needs_phone()
    today = clinic_today(current_user.clinic)
    wording = wording_store.current_wording(clinic.id)
    data = sample_input(clinic_info(clinic), wording, today, current_user.name)
    return _pdf_response(render_batch([build_sheet(data)]), f"aftercare-sample-{today.isoformat()}.pdf")


def sample_input(clinic, wording: Wording, today: date, therapist: str) -> AftercareInput:
    next_week = datetime.combine(today + timedelta(days=7), time(10, 0))
    return AftercareInput(
        clinic=clinic,
        client_first_name="Alex (sample)",
        visit_date=today,
        therapist_name=therapist,
        regions=["neck_posterior", "shoulder_r"],
        muscles=["Upper trapezius", "Levator scapulae"],
        techniques=["hand_pressure", "massage_ball", "stretching"],
        points=[
            TreatedPoint("back", None, None, 1, "shoulder_r"),
            TreatedPoint("back", None, None, 2, "neck_posterior"),
        ],
        precautions=["acute_injury"],
        next_appointments=[NextAppointment(next_week, therapist)],
        frequency=FrequencyAdvice("chronic", 7),
        wording=wording,
    )
