"""Issue 19: the calendar's week, a client's visit history and the signed note's "previous visit" read
what they show, whatever the clinic's history: no plan scans the clinic's whole appointment or visit
table, on SQLite (no statistics: the index creation order decides) or PostgreSQL (with statistics)."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, update

from clinic.extensions import db
from clinic.models import Appointment, Client, HealthRecord, Service, Visit
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


def test_the_home_pages_unsigned_notes_and_alerts_read_what_they_show(app, clinic_id, therapist):
    """bench/plan_audit.py found both reading the therapist's or the clinic's whole history."""
    from flask_login import login_user

    from clinic.models import User
    from clinic.screening.panels import alerts_for_clients
    from clinic.visits.panels import unsigned_notes

    regular = _history(app, clinic_id, therapist)
    with app.app_context():  # as in a clinic: the history signed, three notes of the week left open
        client_ids = db.session.scalars(select(Client.id).where(Client.clinic_id == clinic_id)).all()
        db.session.execute(  # and three years of health-history versions
            insert(HealthRecord),
            [
                {"clinic_id": clinic_id, "client_id": client_id, "number": number, "source": "update"}
                for client_id in client_ids
                for number in range(100, 160)
            ],
        )
        open_ids = db.session.scalars(select(Visit.id).order_by(Visit.id.desc()).limit(3)).all()
        db.session.execute(
            update(Visit)
            .where(Visit.id.not_in(open_ids))
            .values(signed_at=Visit.created_at, content_hash="x" * 64)
        )
        db.session.commit()
        analyze()
    with app.test_request_context():
        login_user(db.session.get(User, therapist))
        plans = plans_of(lambda: unsigned_notes(clinic_id, therapist))
        plans += plans_of(lambda: alerts_for_clients([regular]))
        db.session.rollback()
    read = [plan for statement, plan in plans if "FROM visit" in statement or "health_record" in statement]
    assert len(read) == 2, plans
    for plan in read:
        assert not whole_table_scans(plan, ("visit", "health_record")), plan


def test_the_follow_ups_booked_from_a_visit_read_that_visits_bookings(app, clinic_id, therapist):
    from clinic.followups.services import booked_from

    regular = _history(app, clinic_id, therapist)
    with app.app_context():
        visit = db.session.query(Visit).filter_by(client_id=regular).first()
        plans = plans_of(lambda: booked_from(visit))
        db.session.rollback()
    [plan] = [plan for statement, plan in plans if "FROM appointment" in statement]
    assert not whole_table_scans(plan, ("appointment",)), plan
    assert "source_visit_id" in plan, plan
