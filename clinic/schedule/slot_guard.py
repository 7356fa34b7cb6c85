"""Writing a therapist's appointments where the database has the last word on overlaps.

PostgreSQL checks its exclusion constraint after a row is in the index: two transactions that each
insert into one therapist's time, before either commits, can each find the other's row and wait for
it, a deadlock (40P01) that PostgreSQL breaks by failing one of them. A follow-up series (several
inserts in one transaction) meeting a single booking does it every time. So each writer first takes
a transaction-scoped advisory lock on the therapist's calendar: the second waits before inserting,
then meets the first's committed row as a plain overlap (23P01). SQLite has one writer at a time.

A deadlock or serialization failure that still happens is retried a few times in a savepoint and
then answered like a taken slot, never as an error page.
"""

import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..extensions import db

log = logging.getLogger(__name__)

CALENDAR_LOCK = 0x4B57  # the advisory lock namespace of therapists' calendars ("KW")
RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure
ATTEMPTS = 3


class Overlap(Exception):
    """The database refused the change: the therapist is busy then."""


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def is_overlap(error: IntegrityError) -> bool:
    """The double-booking refusal: SQLSTATE 23P01 (PostgreSQL) or the SQLite trigger's message."""
    return sqlstate(error) == "23P01" or "slot_overlap" in str(error.orig)


def hold_calendar(therapist_id: int) -> None:
    """Be the only writer of this therapist's appointments until the transaction ends (PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :therapist)"),
            {"space": CALENDAR_LOCK, "therapist": therapist_id},
        )


def write_slots(therapist_id: int, change: Callable[[], None]) -> None:
    """Apply `change` (add or move appointments of one therapist) and flush it in a savepoint.

    Raises Overlap when the database refuses an overlap, or when a deadlock or serialization failure
    persists after ATTEMPTS tries; the outer transaction stays usable either way.
    """
    hold_calendar(therapist_id)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.session.begin_nested():
                change()
            return
        except IntegrityError as error:
            if not is_overlap(error):
                raise
            raise Overlap() from None
        except DBAPIError as error:
            if sqlstate(error) not in RETRYABLE:
                raise
            log.warning("booking: %s on attempt %d of %d", sqlstate(error), attempt, ATTEMPTS)
    raise Overlap()
