"""The client's aftercare sheet on a phone, reached through a private, expiring link (no account).

The page and its PDF carry exactly what the printed sheet carries: the same content from
sheet.build_sheet, built from the visit as the staff PDF builds it, and nothing else of the chart.
Every hit is counted per address in the database (clinic/web/public_throttle.py) before the token is
looked at, and unknown, malformed and expired tokens get one and the same 404 page, so the answer
never tells whether a token ever existed.
"""

from flask import Blueprint, Response, current_app, render_template, url_for
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import AftercareLink, Clinic, Visit
from ..web.public_throttle import refuse_when_busy
from . import links
from .documents import visit_sheet
from .from_visit import VISIT_OPTIONS
from .pdf import render_pdf
from .presenting import diagram_svg, tel_href
from .sheet import AftercareSheet
from .wording import CALL_CLINIC_HEADING, URGENT_HEADING

bp = Blueprint("aftercare_public", __name__, url_prefix="/a")
VIEW = "aftercare.client_view"
DOWNLOAD = "aftercare.client_download"


@bp.after_request
def _not_for_search_engines(response: Response) -> Response:
    # A link pasted somewhere public must not put a client's sheet in a search index.
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _dead(action: str):
    """The one answer for every token that opens nothing. Its audit row has no clinic and no object
    (none is known); it is there so the throttle counts bad tokens as it counts good ones."""
    audit.record(action, outcome="denied")
    db.session.commit()
    days = current_app.config.get("AFTERCARE_LINK_DAYS", links.DEFAULT_DAYS)
    return render_template("aftercare/public_dead.html", days=days), 404


def _open(token: str, action: str) -> tuple[AftercareLink, Visit, AftercareSheet] | None:
    refuse_when_busy(action)  # before the lookup: known and unknown tokens cost the same
    link = links.live_link(token)
    if link is None:
        return None
    visit = db.session.scalars(
        select(Visit)
        .options(*VISIT_OPTIONS)
        .where(Visit.id == link.visit_id, Visit.clinic_id == link.clinic_id)
    ).first()
    clinic = db.session.get(Clinic, link.clinic_id)
    # Without the clinic's phone there is no sheet (it must say whom to call); the staff page asks the
    # owner for it, the client can only be told to ask for the link again.
    if visit is None or clinic is None or not (clinic.phone or "").strip():
        return None
    return link, visit, visit_sheet(visit, clinic)


def _record(action: str, link: AftercareLink, visit: Visit) -> None:
    audit.record(
        action,
        object_type="visit",
        object_id=visit.id,
        client_id=visit.client_id,
        clinic_id=visit.clinic_id,
    )
    links.mark_opened(link)
    db.session.commit()


@bp.get("/<token>")
def sheet(token: str):
    opened = _open(token, VIEW)
    if opened is None:
        return _dead(VIEW)
    link, visit, content = opened
    page = render_template(
        "aftercare/public_sheet.html",
        sheet=content,
        pdf_url=url_for("aftercare_public.sheet_pdf", token=token),
        phone_href=tel_href(content.clinic.phone),
        diagram=diagram_svg(content),
        urgent_heading=URGENT_HEADING,
        call_heading=CALL_CLINIC_HEADING,
    )
    _record(VIEW, link, visit)
    return page


@bp.get("/<token>/sheet.pdf")
def sheet_pdf(token: str):
    opened = _open(token, DOWNLOAD)
    if opened is None:
        return _dead(DOWNLOAD)
    link, visit, content = opened
    pdf = render_pdf(content)
    _record(DOWNLOAD, link, visit)
    # The file name carries the visit's date, never a name: it shows in a phone's downloads list.
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="aftercare-{content.visit_date.isoformat()}.pdf"',
            "Cache-Control": "no-store",
        },
    )
