"""When a client is due back: the rule the recall list applies, kept on the client as a date.

A visit's own next-due date is the first proposed date of its plan (the therapist's choice, else the
recommendation: clinic/visits/frequency.py). A client's *current* due date is the one of their latest
visit that has a next-due date, signed or not, the latest being the last visit date and, on one day,
the visit recorded last. A later visit without a next-due date does not clear it. A client is overdue
from the day after that date.
"""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple


class VisitDue(NamedTuple):
    visit_date: date
    visit_id: int
    next_due: date | None


def current_due(visits: Iterable[VisitDue]) -> VisitDue | None:
    """The visit whose next-due date stands for the client, or None when none of them has one."""
    with_due = [visit for visit in visits if visit.next_due is not None]
    if not with_due:
        return None
    return max(with_due, key=lambda visit: (visit.visit_date, visit.visit_id))


def is_overdue(due: date | None, today: date) -> bool:
    """Due on `today` is not overdue yet (the recall list's query says `due_on < today`)."""
    return due is not None and due < today
