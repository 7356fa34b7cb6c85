"""The owner's clinic settings page: details, time zone, paper, logo, and links to other settings."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from .. import audit
from ..access import roles_required
from ..extensions import db
from ..web.navigation import add_nav
from . import services
from .forms import ClinicForm, LogoForm, RemoveLogoForm

bp = Blueprint("settings", __name__, url_prefix="/settings")
add_nav("Settings", "settings.index", ("owner",), 85)

# Settings pages of other features, linked when the app has them (found by address, not by name).
OTHER_PAGES = (
    ("Aftercare wording", "/settings/aftercare", "The standard texts of the aftercare sheet, with versions."),
    ("Messages", "/settings/messages", "Reminders, quiet hours, the aftercare e-mail, and the wording."),
    ("Screening rules", "/settings/screening", "The contraindication policy and this clinic's changes."),
    (
        "Client portal",
        "/settings/portal",
        "The portal's address for clients, and how late they may cancel online.",
    ),
    ("Services", "/settings/services", "What clients can book, and how long each takes."),
    ("Opening hours", "/settings/hours", "When the clinic and each therapist can be booked."),
    ("Staff", "/admin/users", "Accounts, roles, deactivation."),
)


def _other_pages() -> list[tuple[str, str, str]]:
    adapter = current_app.url_map.bind("localhost")
    found = []
    for label, path, hint in OTHER_PAGES:
        try:
            adapter.match(path, method="GET")
        except RequestRedirect:
            pass
        except HTTPException:
            continue
        found.append((label, path, hint))
    return found


def _page(form: ClinicForm | None = None, logo_form: LogoForm | None = None, status: int = 200):
    clinic = current_user.clinic
    if form is None:
        form = ClinicForm(formdata=None)
        form.fill_from(clinic)
    return render_template(
        "settings/index.html",
        form=form,
        logo_form=logo_form or LogoForm(formdata=None),
        remove_form=RemoveLogoForm(formdata=None),
        clinic=clinic,
        has_logo=bool(clinic.logo_png),
        time_zones=services.time_zones(),
        other_pages=_other_pages(),
    ), status


@bp.route("", methods=["GET", "POST"])
@roles_required("owner")
def index():
    form = ClinicForm()
    if not form.is_submitted():
        return _page()
    if not form.validate():
        return _page(form, status=400)
    try:
        services.update_clinic(current_user.clinic, form.data)
    except services.SettingsError as error:
        db.session.rollback()
        form[error.field].errors.append(str(error))
        return _page(form, status=400)
    audit.record("clinic.update", object_type="clinic", object_id=current_user.clinic_id)
    db.session.commit()
    flash("Clinic settings saved.", "success")
    return redirect(url_for("settings.index"))


@bp.post("/logo")
@roles_required("owner")
def upload_logo():
    logo_form = LogoForm()
    if logo_form.validate_on_submit():
        upload = logo_form.logo.data
        # One byte over the limit is enough to refuse: never read a large upload into memory.
        data = upload.stream.read(services.MAX_LOGO_BYTES + 1)
        try:
            services.set_logo(current_user.clinic, data)
        except services.SettingsError as error:
            db.session.rollback()
            logo_form.logo.errors.append(str(error))
        else:
            audit.record("clinic.logo_upload", object_type="clinic", object_id=current_user.clinic_id)
            db.session.commit()
            flash("Logo saved. It appears at the top of every aftercare sheet.", "success")
            return redirect(url_for("settings.index"))
    return _page(logo_form=logo_form, status=400)


@bp.post("/logo/remove")
@roles_required("owner")
def remove_logo():
    if not RemoveLogoForm().validate_on_submit():
        abort(400)
    services.remove_logo(current_user.clinic)
    audit.record("clinic.logo_remove", object_type="clinic", object_id=current_user.clinic_id)
    db.session.commit()
    flash("Logo removed.", "success")
    return redirect(url_for("settings.index"))


@bp.get("/logo.png")
@roles_required("owner")
def logo():
    png = current_user.clinic.logo_png
    if not png:
        abort(404)
    return Response(bytes(png), mimetype="image/png")
