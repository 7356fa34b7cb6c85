"""One place that records who saw or changed what (append-only audit rows).

A change (POST) adds its row to the change's own transaction: both are saved or neither. A page
view (GET) keeps its rows aside and adds them when the view commits, after the page is built, so
that on SQLite the write lock is taken for the audit insert alone and not for the whole page
(clinic/storage/database.py), and without waiting for the disk. A view that fails before its commit records
nothing, as before.
"""

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event as orm_event
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from .clock import utcnow
from .extensions import db
from .models import AuditEvent
from .storage.database import read_only_request


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
    """Add an audit row to the current transaction; the view's commit saves it (with the change).

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
    for name, value in _request_fields().items():
        setattr(event, name, value)
    if read_only_request():
        db.session.info.setdefault(_PENDING, []).append(event)
    else:
        db.session.add(event)
    return event


def record_many(action: str, *, object_type: str, objects: list[tuple[int, int | None]], user) -> None:
    """One row per (object id, client id) in one INSERT, in the current transaction: a day's batch of
    sheets or an import's thousands of clients cost one statement, not one each (issue 19). Rows as
    `record` writes them: from a request, with its address, agent and number."""
    if not objects:
        return
    now, where = utcnow(), _request_fields()
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "at": now,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "client_id": client_id,
                "outcome": "ok",
                "user_id": user.id,
                "clinic_id": user.clinic_id,
                **where,
            }
            for object_id, client_id in objects
        ],
    )


def _request_fields() -> dict:
    """Where an audited action came from (nothing outside a request: a worker, the command line)."""
    if not has_request_context():
        return {}
    return {
        "ip": (request.remote_addr or "")[:64],
        "user_agent": (request.user_agent.string or "")[:256],
        "request_id": g.get("request_id"),
    }


_PENDING = "knotwork_pending_audit"


@orm_event.listens_for(Session, "before_commit")
def _add_pending_rows(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.add_all(rows)
        if session.get_bind().dialect.name == "postgresql":
            # As SQLite's synchronous = NORMAL for these rows (clinic/storage/database.py): the commit does
            # not wait for the WAL flush; a crash of the server may lose the last view records,
            # never a change (only page views keep rows aside).
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))


@orm_event.listens_for(Session, "after_soft_rollback")
def _drop_pending_rows(session: Session, _previous_transaction) -> None:
    session.info.pop(_PENDING, None)
