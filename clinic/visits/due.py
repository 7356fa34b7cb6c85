"""Each client's current due date (clinic/rules/recall.py), kept on the client as visits change.

The recall list then reads a range of clients by due date instead of finding every client's latest
visit (issue 19: 18.7 / 82.5 / 454 ms at 2,000 / 20,000 / 100,000 clients). It is kept by a flush
hook rather than by each service, so that every way a visit's due date can change (a draft saved, a
plan chosen or cleared, a note signed, demo and imported data) moves the client's with it, in the
same transaction.
"""

from sqlalchemy import Connection, event, select, update
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.util import identity_key

from ..models import Client, Visit
from ..rules.recall import VisitDue, current_due

# A change to any of these can change which visit's date stands for the client, or that date.
_WATCHED = ("next_due", "visit_date", "client_id")


def refresh_client_due(connection: Connection, client_id: int) -> tuple[int | None, object]:
    """Recompute one client's due date from their visits; returns (visit id, date)."""
    visits = connection.execute(
        select(Visit.visit_date, Visit.id, Visit.next_due).where(
            Visit.client_id == client_id, Visit.next_due.is_not(None)
        )
    )
    due = current_due(VisitDue(*row) for row in visits)
    values = (due.visit_id, due.next_due) if due else (None, None)
    table = Client.__table__
    connection.execute(
        update(table)
        .where(table.c.id == client_id)
        # updated_at says when someone edited the client's details, not when a note was written
        .values(due_visit_id=values[0], due_on=values[1], updated_at=table.c.updated_at)
    )
    return values


def _touched_clients(session: Session) -> set[int]:
    touched: set[int] = set()
    for visit in session.new:
        if isinstance(visit, Visit) and visit.client_id is not None:
            touched.add(visit.client_id)
    for visit in list(session.dirty) + list(session.deleted):
        if not isinstance(visit, Visit):
            continue
        state = attributes.instance_state(visit)
        for name in _WATCHED:
            history = state.attrs[name].history
            if history.has_changes() or visit in session.deleted:
                touched.add(visit.client_id)
                touched.update(old for old in history.deleted or () if name == "client_id" and old)
    return touched


@event.listens_for(Session, "after_flush")
def _keep_clients_due(session: Session, _flush_context) -> None:
    touched = _touched_clients(session)
    if not touched:
        return
    connection = session.connection()
    for client_id in sorted(touched):
        visit_id, due_on = refresh_client_due(connection, client_id)
        client = session.identity_map.get(identity_key(Client, client_id))
        if client is not None:  # the loaded object shows what the database now holds
            attributes.set_committed_value(client, "due_visit_id", visit_id)
            attributes.set_committed_value(client, "due_on", due_on)


def backfill(connection: Connection) -> None:
    """Set every client's due date from their visits in two statements (the bench's bulk load; the
    migration that added the columns runs the same SQL)."""
    connection.exec_driver_sql(BACKFILL_VISIT)
    connection.exec_driver_sql(BACKFILL_DATE)


# The rule of clinic/rules/recall.py in SQL, for rows written without the ORM.
BACKFILL_VISIT = """
UPDATE client SET due_visit_id = (
    SELECT visit.id FROM visit
    WHERE visit.client_id = client.id AND visit.next_due IS NOT NULL
    ORDER BY visit.visit_date DESC, visit.id DESC
    LIMIT 1
)"""
BACKFILL_DATE = (
    "UPDATE client SET due_on = (SELECT visit.next_due FROM visit WHERE visit.id = client.due_visit_id)"
)
