"""What the intake pages and panels share of the request: the client of the URL, the version a form
was based on, a history's view as of the clinic's today, and the health record in force read once.

The client page's health panel, its standing alerts and its planning panel all show the version in
force: they read it here, once a request. A version added in the request replaces it (the
``after_insert`` hook below), whichever service added it.
"""

from flask import abort, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event

from ..access import get_scoped_or_404
from ..clock import clinic_today
from ..models import Client, HealthRecord
from . import services


def client_or_404(client_id: int) -> Client:
    return get_scoped_or_404(Client, client_id)


def read_based_on(form) -> int | None:
    """The version number the form was opened on (its hidden based_on field), or None."""
    value = (form.based_on.data or "").strip()
    if not value:
        return None
    if not value.isdecimal() or len(value) > 9:
        abort(400)
    return int(value)


def view_of(record: HealthRecord | None, client: Client, data=None):
    return services.view_of(record, client, clinic_today(current_user.clinic), data)


def _read_cache() -> dict[int, HealthRecord | None] | None:
    """This request's current records by client id; None outside a request.

    Kept in `g` with the request it belongs to: `g` lives as long as the app context, which a test or a
    command may hold across several requests."""
    if not has_request_context():
        return None
    owner, records = g.get("intake_current_records", (None, None))
    if owner is not request._get_current_object() or records is None:
        records = {}
        g.intake_current_records = (request._get_current_object(), records)
    return records


def current_record_once(client_id: int) -> HealthRecord | None:
    """current_record, read once per request. A version added in the request replaces it."""
    records = _read_cache()
    if records is None:
        return services.current_record(client_id)
    if client_id not in records:
        records[client_id] = services.current_record(client_id)
    return records[client_id]


@event.listens_for(HealthRecord, "after_insert")
def _forget_replaced(_mapper, _connection, record: HealthRecord) -> None:
    records = _read_cache()
    if records is not None:
        records.pop(record.client_id, None)  # the version read earlier in this request is no longer in force
