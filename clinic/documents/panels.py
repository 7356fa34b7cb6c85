"""The Documents section of the client page and of the visit page (owners and therapists only)."""

from flask import g, url_for
from sqlalchemy import select

from .. import audit
from ..access import CLINICAL_ROLES
from ..extensions import db
from ..models import Client, Visit
from ..web.panels import add_panel
from . import services
from .forms import UploadForm


def _form_for(target: str) -> UploadForm:
    """The refused form again (its errors and caption) where it was posted, else a fresh one."""
    if g.get("document_target") == target:
        return g.document_form
    return UploadForm(formdata=None)


def _rows(documents, signed_visits: dict[int, object]) -> list[dict]:
    replaced = services.superseded_ids(documents)
    rows = []
    for document in documents:
        locked = document.visit_id is not None and signed_visits.get(document.visit_id) is not None
        rows.append(
            {
                "doc": document,
                "locked": locked,
                "replaced_by": replaced.get(document.id),
                "form": _form_for(f"supersede:{document.id}"),
            }
        )
    return rows


def client_panel(client: Client, **_) -> dict:
    documents = services.live_documents(client)
    visit_ids = {d.visit_id for d in documents if d.visit_id is not None}
    visits = {}
    if visit_ids:
        visits = {
            row.id: row
            for row in db.session.execute(
                select(Visit.id, Visit.visit_date, Visit.signed_at).where(Visit.id.in_(visit_ids))
            )
        }
    if documents:
        audit.record("document.list", object_type="client", object_id=client.id, client_id=client.id)
    signed = {visit_id: row.signed_at for visit_id, row in visits.items()}
    return {
        "rows": _rows(documents, signed),
        "visits": visits,
        "form": _form_for(f"client:{client.id}"),
        "action": url_for("documents.upload_client", client_id=client.id),
        "scope": "client",
    }


def visit_panel(visit: Visit, **_) -> dict:
    # Part of the note (the visit.view row covers them): no row of its own.
    documents = services.live_documents(visit.client, visit)
    return {
        "rows": _rows(documents, {visit.id: visit.signed_at}),
        "visits": {},
        "form": _form_for(f"visit:{visit.id}"),
        "action": url_for("documents.upload_visit", visit_id=visit.id),
        "scope": "visit",
        "signed": visit.is_signed,
    }


add_panel("client", "documents/_panel.html", CLINICAL_ROLES, 35, client_panel)
add_panel("visit", "documents/_panel.html", CLINICAL_ROLES, 30, visit_panel)
