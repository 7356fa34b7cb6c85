"""The recall rule: which visit's next-due date stands for a client, and when they are overdue."""

from datetime import date

from clinic.rules.recall import VisitDue, current_due, is_overdue

D = date(2026, 3, 2)


def test_the_latest_visit_with_a_date_stands():
    first = VisitDue(date(2026, 1, 5), 1, date(2026, 1, 19))
    second = VisitDue(date(2026, 2, 2), 2, D)
    plain = VisitDue(date(2026, 2, 20), 3, None)  # later, but no date: does not clear it
    assert current_due([second, plain, first]) == second
    assert current_due([plain]) is None
    assert current_due([]) is None


def test_on_one_day_the_visit_recorded_last_stands():
    early = VisitDue(date(2026, 2, 2), 7, date(2026, 2, 9))
    late = VisitDue(date(2026, 2, 2), 8, date(2026, 2, 1))
    assert current_due([late, early]) == late


def test_overdue_from_the_day_after():
    assert not is_overdue(D, D)
    assert is_overdue(D, date(2026, 3, 3))
    assert not is_overdue(None, D)
