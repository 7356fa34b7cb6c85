"""One place that records who saw or changed what (append-only audit rows)."""

from flask import g, has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditEvent


def record(
    action: str,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    client_id: int | None = None,
    outcome: str = "ok",
    user=None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction; the view's commit saves it with the change.

    Actions are verbs with a noun: "client.view", "note.sign", "user.deactivate", "login.failed".
    No clinical text goes into an audit row: it points at objects by id.
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        outcome=outcome,
        user_id=user.id if user is not None else None,
        clinic_id=clinic_id if clinic_id is not None else (user.clinic_id if user is not None else None),
    )
    if has_request_context():
        event.ip = (request.remote_addr or "")[:64]
        event.user_agent = (request.user_agent.string or "")[:256]
        event.request_id = g.get("request_id")
    db.session.add(event)
    return event
