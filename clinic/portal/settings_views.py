"""The owner's portal settings: the clinic's portal address to give clients, and the window inside
which clients may cancel online (outside it the portal shows the clinic's phone number)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..access import roles_required
from ..extensions import db
from ..models import Clinic
from ..web.public_url import public_url
from . import services

bp = Blueprint("portal_settings", __name__, url_prefix="/settings/portal")


@bp.route("", methods=["GET", "POST"])
@roles_required("owner")
def index():
    clinic = db.session.get(Clinic, current_user.clinic_id)
    error, chosen = None, services.cancel_hours(clinic)
    if request.method == "POST":
        typed = request.form.get("cancel_hours", "")
        hours = int(typed) if typed.isdigit() else -1
        if hours in services.CANCEL_HOURS_CHOICES:
            services.save_cancel_hours(clinic, hours)
            audit.record("settings.portal", object_type="clinic", object_id=clinic.id)
            db.session.commit()
            flash("Portal settings saved.", "success")
            return redirect(url_for("portal_settings.index"))
        error, chosen = "Choose one of the windows listed.", typed
    return render_template(
        "portal/settings.html",
        address=public_url("portal.ask", slug=clinic.public_slug) if clinic.public_slug else "",
        choices=services.CANCEL_HOURS_CHOICES,
        chosen=chosen,
        error=error,
    ), 400 if error else 200
