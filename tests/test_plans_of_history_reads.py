"""Issue 19: the calendar's week, a client's visit history and the signed note's "previous visit" read
what they show, whatever the clinic's history: no plan scans the clinic's whole appointment or visit
table, on SQLite (no statistics: the index creation order decides) or PostgreSQL (with statistics)."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from clinic.extensions import db
from clinic.models import Appointment, Client, Service, Visit
from tests.factories import create_client_with_history
from tests.plans import analyze, plans_of, whole_table_scans


def _history(app, clinic_id, therapist):
    """Three years of a busy clinic: 40 clients, 2,400 appointments and visits; returns one regular."""
    regular = create_client_with_history(app, clinic_id, therapist)
    others = [create_client_with_history(app, clinic_id, therapist) for _ in range(39)]
    with app.app_context():
        service = Service(clinic_id=clinic_id, name="Treatment", duration_minutes=50)
        db.session.add(service)
        db.session.flush()
        start = datetime(2024, 1, 1, 9, tzinfo=UTC)
        people = [regular, *others] * 60
        db.session.execute(
            insert(Appointment),
            [
                {
                    "clinic_id": clinic_id,
                    "therapist_id": therapist,
                    "client_id": client_id,
                    "service_id": service.id,
                    "start_at": start + timedelta(hours=11 * n),
                    "end_at": start + timedelta(hours=11 * n, minutes=50),
                    "status": "completed",
                }
                for n, client_id in enumerate(people)
            ],  # fmt: skip
        )
        db.session.execute(
            insert(Visit),
            [
                {
                    "clinic_id": clinic_id,
                    "client_id": client_id,
                    "therapist_id": therapist,
                    "visit_date": date(2024, 1, 1) + timedelta(days=n // 3),
                }
                for n, client_id in enumerate(people)
            ],  # fmt: skip
        )
        db.session.commit()
        analyze()
    return regular


def test_the_week_reads_one_week_of_the_calendar(app, clinic_id, therapist):
    from clinic.schedule.calendar import bookings_between

    _history(app, clinic_id, therapist)
    with app.app_context():
        monday = datetime(2025, 3, 3, tzinfo=UTC)
        plans = plans_of(
            lambda: bookings_between(clinic_id, monday, monday + timedelta(days=7), [therapist], UTC)
        )
        db.session.rollback()
    [plan] = [plan for statement, plan in plans if "FROM appointment" in statement]
    assert not whole_table_scans(plan, ("appointment",)), plan


def test_a_clients_history_and_previous_visit_read_that_client_only(app, clinic_id, therapist):
    from clinic.visits.panels import client_visits
    from clinic.visits.services import previous_visit

    regular = _history(app, clinic_id, therapist)
    with app.app_context():
        client = db.session.get(Client, regular)
        history = plans_of(lambda: client_visits(client))
        latest = (
            db.session.query(Visit).filter_by(client_id=regular).order_by(Visit.visit_date.desc()).first()
        )
        previous = plans_of(lambda: previous_visit(latest))
        db.session.rollback()
    for statement, plan in [*history, *previous]:
        if "FROM visit" in statement:
            assert not whole_table_scans(plan, ("visit",)), plan
            assert "client_id" in plan or "ix_visit_client_id_visit_date" in plan, plan
