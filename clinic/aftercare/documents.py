"""One visit's aftercare sheet outside the staff pages: for the e-mail attachment and the client's link."""

from ..clock import utcnow
from ..models import Clinic, Visit
from . import wording_store
from .from_visit import inputs_for
from .pdf import render_batch
from .sheet import build_sheet


def visit_sheet(visit: Visit, clinic: Clinic):
    """The sheet's content, built as the staff PDF builds it (the clinic's current wording)."""
    [data] = inputs_for([visit], clinic, wording_store.current_wording(clinic.id), utcnow())
    return build_sheet(data)


def visit_pdf(visit: Visit, clinic: Clinic) -> bytes:
    return render_batch([visit_sheet(visit, clinic)])
