"""Document routes: upload to a client or a visit, supersede, download (audited), remove.

Owners and therapists only: the front desk never sees clinical documents, not even their names.
A refused file re-renders the page it came from (the client page or the visit) with the reason next
to the field and what was typed kept, and writes nothing but that page's view audit rows.
"""

import io

from flask import Blueprint, abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from .. import audit
from ..access import clinical_roles_required, get_scoped_or_404
from ..extensions import db
from ..models import Client, Document, Visit
from . import (
    panels,  # noqa: F401  (its panels register on import)
    services,
)
from .checks import FileRefused
from .forms import UploadForm
from .store import DocumentStoreError

bp = Blueprint("documents", __name__)
UPLOADS = frozenset({"documents.upload_client", "documents.upload_visit", "documents.supersede"})
# Room for the form's other fields and the multipart framing around the largest file taken.
FORM_SLACK = 1024 * 1024


@bp.record_once
def _setup(state):
    # First of all before-request hooks: CSRF reads the form, so the larger limit must be set before.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_size_limit)


def _upload_size_limit() -> None:
    if request.endpoint in UPLOADS:
        request.max_content_length = current_app.config["DOCUMENT_MAX_BYTES"] + FORM_SLACK


def _audit(action: str, document: Document) -> None:
    audit.record(action, object_type="document", object_id=document.id, client_id=document.client_id)


def _file_of(form: UploadForm) -> tuple[str | None, bytes]:
    storage = form.file.data
    if not isinstance(storage, FileStorage) or not storage.filename:
        raise FileRefused("Choose a file.")
    return storage.filename, storage.stream.read(current_app.config["DOCUMENT_MAX_BYTES"] + 1)


def _take(form: UploadForm, client: Client, visit: Visit | None = None, supersedes: Document | None = None):
    """The upload, or the error next to the field (None)."""
    if not form.validate_on_submit():
        return None
    try:
        checked = services.check_upload(*_file_of(form))
        return services.add(client, current_user, checked, form.caption.data or "", visit, supersedes)
    except FileRefused as refused:
        db.session.rollback()
        form.file.errors = [refused.message]
        return None


def _refused(form: UploadForm, target: str, page_endpoint: str, **page_args):
    """The page the form was on, again, with the form's errors: 400."""
    g.document_form, g.document_target = form, target
    return current_app.view_functions[page_endpoint](**page_args), 400


def _saved(document: Document, action: str, where: str):
    try:
        _audit(action, document)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        services.erase_unsaved(document)
        raise
    flash("Document saved.", "success")
    return redirect(where + "#documents")


@bp.post("/clients/<int:client_id>/documents")
@clinical_roles_required
def upload_client(client_id: int):
    client = get_scoped_or_404(Client, client_id)
    form = UploadForm()
    document = _take(form, client)
    if document is None:
        return _refused(form, f"client:{client.id}", "clients.detail", client_id=client.id)
    return _saved(document, "document.upload", url_for("clients.detail", client_id=client.id))


@bp.post("/visits/<int:visit_id>/documents")
@clinical_roles_required
def upload_visit(visit_id: int):
    visit = get_scoped_or_404(Visit, visit_id)
    form = UploadForm()
    document = _take(form, visit.client, visit)
    if document is None:
        return _refused(form, f"visit:{visit.id}", "visits.detail", visit_id=visit.id)
    return _saved(document, "document.upload", url_for("visits.detail", visit_id=visit.id))


def _live_or_404(document_id: int) -> Document:
    document = get_scoped_or_404(Document, document_id)
    if document.removed_at is not None:
        abort(404)  # its bytes are gone; the row stays for the record
    return document


def _page_of(document: Document) -> tuple[str, dict]:
    if document.visit_id is not None:
        return "visits.detail", {"visit_id": document.visit_id}
    return "clients.detail", {"client_id": document.client_id}


@bp.post("/documents/<int:document_id>/supersede")
@clinical_roles_required
def supersede(document_id: int):
    old = _live_or_404(document_id)
    client = db.session.get(Client, old.client_id)
    form = UploadForm()
    document = _take(form, client, supersedes=old)
    endpoint, args = _page_of(old)
    if document is None:
        return _refused(form, f"supersede:{old.id}", endpoint, **args)
    return _saved(document, "document.supersede", url_for(endpoint, **args))


@bp.get("/documents/<int:document_id>/file")
@clinical_roles_required
def download(document_id: int):
    document = _live_or_404(document_id)
    try:
        data = services.read(document)
    except DocumentStoreError:
        current_app.logger.error("document %s: its file is missing or does not open", document.id)
        abort(404)
    _audit("document.download", document)
    name, mimetype = document.filename, document.content_type
    db.session.commit()
    # Always an attachment (never rendered by the browser), under the type its content was checked as.
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/documents/<int:document_id>/remove")
@clinical_roles_required
def remove(document_id: int):
    document = _live_or_404(document_id)
    endpoint, args = _page_of(document)
    try:
        services.remove(document, current_user)
    except services.DocumentLocked:
        db.session.rollback()
        flash("This document is part of a signed note: it cannot be removed, only replaced.", "warning")
        return redirect(url_for(endpoint, **args) + "#documents"), 303
    except services.DocumentInUse:
        db.session.rollback()
        flash(
            "The health history names this document as the one holding a clearance: change that there first.",
            "warning",
        )
        return redirect(url_for(endpoint, **args) + "#documents"), 303
    _audit("document.remove", document)
    db.session.commit()
    services.erase_unsaved(document)  # committed: the bytes of a removed document go
    flash("Document removed.", "success")
    return redirect(url_for(endpoint, **args) + "#documents")
