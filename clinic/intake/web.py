"""The health record in force for the page being built, read once a request.

The client page's health panel, its standing alerts and its planning panel all show the version in
force: they read it here, once a request. A version added in the request replaces it (the
``after_insert`` hook below), whichever service added it.
"""

from flask import g, has_request_context, request
from sqlalchemy import event

from ..models import HealthRecord
from .services import current_record


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
        return current_record(client_id)
    if client_id not in records:
        records[client_id] = current_record(client_id)
    return records[client_id]


@event.listens_for(HealthRecord, "after_insert")
def _forget_replaced(_mapper, _connection, record: HealthRecord) -> None:
    records = _read_cache()
    if records is not None:
        records.pop(record.client_id, None)  # the version read earlier in this request is no longer in force
