"""Staff side of the self-intake links: create, copy, revoke (any role); review, accept, reject (clinical).

Sending a link reveals no health data and the front desk usually sends the forms, so every role may
create and revoke one. Reading or accepting what the client answered is health data: clinical roles.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import audit
from ..access import clinical_roles_required
from ..clock import clinic_today
from ..extensions import db
from ..web.public_url import public_url
from . import bp, links, services
from .describe import diff
from .forms import ActionForm
from .health import InvalidHealthData
from .web import client_or_404, read_based_on, view_of


def _audit(action: str, link, client_id: int) -> None:
    audit.record(action, object_type="intake_link", object_id=link.id, client_id=client_id)


def _client_link_or_404(client, link_id: int):
    link = links.client_link(client, link_id)
    if link is None:
        abort(404)
    return link


def _checked_form() -> ActionForm:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.post("/clients/<int:client_id>/intake-link")
def create_link(client_id: int):
    client = client_or_404(client_id)
    _checked_form()
    link, token, replaced = links.create_link(client, current_user)
    for old_id in replaced:
        audit.record("intake_link.revoke", object_type="intake_link", object_id=old_id, client_id=client.id)
    _audit("intake_link.create", link, client.id)
    db.session.commit()
    # Shown on this response only: the token is not stored, not flashed and not put in a cookie.
    url = public_url("selfintake.form", token=token)
    return render_template(
        "intake/link_created.html",
        client=client,
        link=link,
        url=url,
        replaced=bool(replaced),
        clinic=current_user.clinic,
    )


@bp.post("/clients/<int:client_id>/intake-link/<int:link_id>/revoke")
def revoke_link(client_id: int, link_id: int):
    client = client_or_404(client_id)
    link = _client_link_or_404(client, link_id)
    _checked_form()
    try:
        links.revoke(link, current_user)
    except links.LinkStateError:
        db.session.rollback()
        flash("That link was already used or cancelled.", "info")
        return redirect(url_for("clients.detail", client_id=client.id))
    _audit("intake_link.revoke", link, client.id)
    db.session.commit()
    flash("Intake link cancelled: it no longer opens.", "success")
    return redirect(url_for("clients.detail", client_id=client.id))


@bp.get("/clients/<int:client_id>/intake-link/<int:link_id>")
@clinical_roles_required
def review(client_id: int, link_id: int):
    client = client_or_404(client_id)
    link = _client_link_or_404(client, link_id)
    current = services.current_record(client.id)
    proposed = changes = None
    if link.status == links.SUBMITTED:
        try:
            data = links.submission_data(link, current, clinic_today(current_user.clinic))
        except InvalidHealthData:
            data = None
        if data is not None:
            proposed = view_of(None, client, data)
            changes = diff(services.record_data(current) if current else None, data)
    _audit("intake.view", link, client.id)
    db.session.commit()
    return render_template(
        "intake/review.html",
        client=client,
        link=link,
        current=current,
        proposed=proposed,
        changes=changes,
        current_view=view_of(current, client) if current else None,
        form=ActionForm(),
        state_label=links.STATE_LABELS[links.state(link)],
    )


@bp.post("/clients/<int:client_id>/intake-link/<int:link_id>/accept")
@clinical_roles_required
def accept(client_id: int, link_id: int):
    client = client_or_404(client_id)
    link = _client_link_or_404(client, link_id)
    form = _checked_form()
    today = clinic_today(current_user.clinic)
    try:
        record = links.accept(link, client, current_user, today, based_on=read_based_on(form))
    except links.LinkStateError:
        db.session.rollback()
        flash("This form was already reviewed.", "info")
        return redirect(url_for("clients.detail", client_id=client.id))
    except services.EditConflict:
        db.session.rollback()
        flash("The health history changed while you were reviewing: compare again, then accept.", "warning")
        return redirect(url_for("intake.review", client_id=client.id, link_id=link.id)), 303
    except InvalidHealthData:
        db.session.rollback()
        flash("These answers no longer fit the questionnaire: enter them with the intake form.", "error")
        return redirect(url_for("intake.review", client_id=client.id, link_id=link.id)), 303
    _audit("intake_link.accept", link, client.id)
    db.session.commit()
    flash(f"The client's answers are now version {record.number} of the health history.", "success")
    return redirect(url_for("clients.detail", client_id=client.id))


@bp.post("/clients/<int:client_id>/intake-link/<int:link_id>/reject")
@clinical_roles_required
def reject(client_id: int, link_id: int):
    client = client_or_404(client_id)
    link = _client_link_or_404(client, link_id)
    _checked_form()
    try:
        links.reject(link, current_user)
    except links.LinkStateError:
        db.session.rollback()
        flash("This form was already reviewed.", "info")
        return redirect(url_for("clients.detail", client_id=client.id))
    _audit("intake_link.reject", link, client.id)
    db.session.commit()
    flash("The client's answers were not added to the record.", "success")
    return redirect(url_for("clients.detail", client_id=client.id))
