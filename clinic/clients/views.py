"""Client pages: the searchable list, the client page with its panels, details and archive."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..access import ALL_ROLES, get_scoped_or_404
from ..extensions import db
from ..models import Client
from ..web.navigation import add_nav
from ..web.panels import panels_for
from ..web.request_numbers import query_int
from . import services
from .forms import ClientForm

bp = Blueprint("clients", __name__, url_prefix="/clients")
add_nav("Clients", "clients.index", ALL_ROLES, 20)


@bp.get("")
def index():
    text = request.args.get("q", "", type=str)[:100]
    page = query_int("page", 1)
    archived = request.args.get("archived") == "1"
    rows, more = services.search(current_user.clinic_id, text, page, archived)
    audit.record("client.list", object_type="client")
    # Render, then commit: committing first would expire the 50 clients and reload each one.
    html = render_template("clients/list.html", rows=rows, q=text, page=page, more=more, archived=archived)
    db.session.commit()
    return html


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ClientForm()
    if form.validate_on_submit():
        client = services.create_client(current_user.clinic_id, form.data)
        audit.record("client.create", object_type="client", object_id=client.id, client_id=client.id)
        db.session.commit()
        flash("Client added.", "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    status = 400 if request.method == "POST" else 200
    return render_template("clients/form.html", form=form, client=None), status


@bp.get("/<int:client_id>")
def detail(client_id: int):
    client = get_scoped_or_404(Client, client_id)
    audit.record("client.view", object_type="client", object_id=client.id, client_id=client.id)
    # Render, then commit the audit rows (the page's and its panels'): committing earlier would expire
    # the rows the panels loaded and make the template load each one again.
    page = render_template("clients/detail.html", client=client, panels=panels_for("client", client=client))
    db.session.commit()
    return page


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
def edit(client_id: int):
    client = get_scoped_or_404(Client, client_id)
    form = ClientForm(obj=client)
    if request.method == "GET":
        form.version.data = client.version
    if form.validate_on_submit():
        try:
            seen = int(form.version.data) if form.version.data else None
        except ValueError:
            abort(400)
        try:
            services.update_client(client, form.data, seen)
        except services.EditConflict:
            db.session.rollback()
            fresh = get_scoped_or_404(Client, client_id)
            form.version.data = fresh.version
            return render_template("clients/form.html", form=form, client=fresh, conflict=True), 409
        audit.record("client.update", object_type="client", object_id=client.id, client_id=client.id)
        db.session.commit()
        flash("Details saved.", "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    if request.method == "GET":
        audit.record("client.edit_view", object_type="client", object_id=client.id, client_id=client.id)
    page = render_template("clients/form.html", form=form, client=client)
    db.session.commit()
    return page, 400 if request.method == "POST" else 200


@bp.post("/<int:client_id>/archive")
def archive(client_id: int):
    return _set_archived(client_id, True)


@bp.post("/<int:client_id>/unarchive")
def unarchive(client_id: int):
    return _set_archived(client_id, False)


def _set_archived(client_id: int, archived: bool):
    client = get_scoped_or_404(Client, client_id)
    services.set_archived(client, archived)
    audit.record(
        "client.archive" if archived else "client.unarchive",
        object_type="client",
        object_id=client.id,
        client_id=client.id,
    )
    db.session.commit()
    flash(
        "Client archived: the record is kept and can be restored." if archived else "Client restored.",
        "success",
    )
    return redirect(url_for("clients.detail", client_id=client.id))
