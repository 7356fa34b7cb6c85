"""The client's self-intake form, reached through a private, expiring link (no account).

The page shows the clinic's name and the client's first name (so they know the link is theirs and
from whom) and nothing else: not their existing history, not the therapist, not the appointment. A
link that is unknown, malformed, expired, revoked or already used gets one and the same page with
status 404, so the answer never tells whether a token ever existed.
"""

from flask import abort, redirect, render_template, request, url_for

from .. import audit
from ..clock import clinic_today
from ..extensions import db
from ..models import Client, Clinic
from . import links, questionnaire
from . import public_bp as bp
from .forms import PublicHealthForm, Questionnaire
from .health import InvalidHealthData, normalise

# The real form posts a few kilobytes; anything far larger is not a person filling it in.
MAX_BODY_BYTES = 128 * 1024


def _dead():
    return render_template("intake/public_dead.html"), 404


@bp.route("/<token>", methods=["GET", "POST"])
def form(token: str):
    if request.method == "POST" and (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413)
    link = links.live_link(token)
    if link is None:
        return _dead()
    clinic = db.session.get(Clinic, link.clinic_id)
    client = db.session.get(Client, link.client_id)
    today = clinic_today(clinic)
    form = PublicHealthForm()
    form.today = today
    checklist = Questionnaire(today, public=True)
    status = 200
    if request.method == "POST":
        if links.too_many_submissions(link.clinic_id, (request.remote_addr or "")[:64]):
            abort(429)
        valid = form.validate_on_submit()
        valid = checklist.load(request.form) and valid
        if valid:
            try:
                data = normalise({**form.answers(), **checklist.data()}, today)
            except InvalidHealthData:
                abort(400)
            if not links.submit(link, data):
                db.session.rollback()
                return _dead()
            audit.record(
                "intake_link.submit",
                object_type="intake_link",
                object_id=link.id,
                client_id=link.client_id,
                clinic_id=link.clinic_id,
            )
            db.session.commit()
            return redirect(url_for("selfintake.sent"))
        status = 400
    return render_template(
        "intake/public_form.html",
        form=form,
        checklist=checklist,
        today=today,
        clinic_name=clinic.name,
        first_name=client.called,
        **questionnaire.template_parts(public=True),
    ), status


@bp.get("/sent")
def sent():
    return render_template("intake/public_sent.html")
