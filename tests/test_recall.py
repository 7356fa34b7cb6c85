"""The recall list: who is overdue and has nothing booked, in one query however many clients."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from clinic.clients.services import set_archived
from clinic.extensions import db
from clinic.models import Client
from clinic.schedule import recall
from tests.conftest import count_queries
from tests.test_schedule_support import LONDON, add_appointment, add_client, add_visit, local, set_up_calendar

TODAY = date(2030, 6, 12)


def freq(phase, chosen_phase=None):
    value = {"recommended": {"phase": phase, "proposed_dates": []}}
    if chosen_phase:
        value["chosen"] = {"phase": chosen_phase, "proposed_dates": []}
    return value


@pytest.fixture
def people(app, clinic_id, therapist, frontdesk):
    services = set_up_calendar(app, clinic_id)
    ids = {}

    def client(key, *names, **extra):
        ids[key] = add_client(app, clinic_id, *names, **extra)
        return ids[key]

    due = client("due", "Dee", "Overdue", phone="07700 900111")
    add_visit(
        app,
        clinic_id,
        due,
        therapist,
        TODAY - timedelta(days=20),
        frequency=freq("acute"),
        next_due=TODAY - timedelta(days=10),
    )
    add_visit(
        app,
        clinic_id,
        due,
        therapist,
        TODAY - timedelta(days=9),
        frequency=freq("acute", "maintenance"),
        next_due=TODAY - timedelta(days=2),
    )  # the latest visit counts
    later = client("not_due", "Nat", "Later")
    add_visit(
        app,
        clinic_id,
        later,
        therapist,
        TODAY - timedelta(days=3),
        frequency=freq("chronic"),
        next_due=TODAY + timedelta(days=4),
    )
    booked = client("booked", "Bea", "Booked")
    add_visit(
        app,
        clinic_id,
        booked,
        therapist,
        TODAY - timedelta(days=20),
        frequency=freq("chronic"),
        next_due=TODAY - timedelta(days=13),
    )
    add_appointment(app, clinic_id, therapist, booked, services[60], local(TODAY + timedelta(days=5), 10))
    cancelled = client("cancelled", "Cal", "Cancelled")  # a cancelled booking does not count
    add_visit(
        app,
        clinic_id,
        cancelled,
        therapist,
        TODAY - timedelta(days=20),
        frequency=freq("review"),
        next_due=TODAY - timedelta(days=5),
    )
    add_appointment(
        app,
        clinic_id,
        therapist,
        cancelled,
        services[60],
        local(TODAY + timedelta(days=1), 10),
        status="cancelled",
        cancel_reason="Unwell",
    )
    past = client("past_booking", "Pat", "Pastbooking")  # a booking before today does not count either
    add_visit(
        app,
        clinic_id,
        past,
        therapist,
        TODAY - timedelta(days=30),
        frequency=freq("chronic"),
        next_due=TODAY - timedelta(days=20),
    )
    add_appointment(
        app,
        clinic_id,
        therapist,
        past,
        services[60],
        local(TODAY - timedelta(days=1), 10),
        status="completed",
    )
    archived = client("archived", "Arch", "Ived")
    add_visit(
        app,
        clinic_id,
        archived,
        therapist,
        TODAY - timedelta(days=20),
        frequency=freq("chronic"),
        next_due=TODAY - timedelta(days=6),
    )
    with app.app_context():
        set_archived(db.session.get(Client, archived), True)
        db.session.commit()
    newer_without = client("newer_without", "New", "Plainvisit")  # a later visit without next_due is ignored
    add_visit(
        app,
        clinic_id,
        newer_without,
        therapist,
        TODAY - timedelta(days=15),
        frequency=freq("chronic"),
        next_due=TODAY - timedelta(days=8),
    )
    add_visit(app, clinic_id, newer_without, therapist, TODAY - timedelta(days=1))
    client("never", "Nev", "Visited")
    return ids


def rows(app, clinic_id, today=TODAY):
    with app.app_context():
        found, more = recall.due_clients(clinic_id, LONDON, today)
        return [(r.client.id, r.next_due, r.phase) for r in found], more


def test_due_not_due_booked_archived(app, clinic_id, people):
    found, more = rows(app, clinic_id)
    assert not more
    assert found == [
        (people["past_booking"], TODAY - timedelta(days=20), "chronic"),
        (people["newer_without"], TODAY - timedelta(days=8), "chronic"),
        (people["cancelled"], TODAY - timedelta(days=5), "review"),
        (people["due"], TODAY - timedelta(days=2), "maintenance"),  # the chosen plan's phase
    ]


def test_due_today_is_not_yet_overdue(app, clinic_id, people):
    found, _ = rows(app, clinic_id, today=TODAY - timedelta(days=2))
    assert people["due"] not in [client_id for client_id, *_ in found]


def test_the_page_for_the_desk_and_for_therapists(app, web, login_as, frontdesk, therapist, people, clock):
    clock.set("2030-06-12T09:00:00+00:00")
    login_as(frontdesk)
    page = web.get("/recall").get_data(as_text=True)
    assert "Overdue, Dee" in page and "07700 900111" in page and "2 days ago" in page
    assert "Later, Nat" not in page and "Booked, Bea" not in page and "Ived" not in page
    assert "Maintenance" not in page and "Phase" not in page  # phase is clinical: not for the desk
    assert f"/appointments/new?client={people['due']}" in page
    web.post("/logout")
    login_as(therapist)
    page = web.get("/recall").get_data(as_text=True)
    assert "Phase" in page and "Maintenance" in page


def test_one_query_however_many_clients(app, clinic_id, therapist, people):
    def count():
        with count_queries(app) as queries, app.app_context():
            found, _ = recall.due_clients(clinic_id, LONDON, TODAY)
            [row.client.display_name for row in found]
        return queries(), len(found)

    few, few_rows = count()
    for i in range(60):
        client = add_client(app, clinic_id, f"Many{i}", "Due")
        add_visit(
            app,
            clinic_id,
            client,
            therapist,
            TODAY - timedelta(days=30),
            frequency=freq("chronic"),
            next_due=TODAY - timedelta(days=1 + i % 9),
        )
    many, many_rows = count()
    assert many_rows == few_rows + 60
    assert few == many == 1


def test_pages_of_a_hundred(app, clinic_id, therapist, monkeypatch):
    monkeypatch.setattr(recall, "PAGE_SIZE", 3)
    for i in range(4):
        client = add_client(app, clinic_id, f"P{i}", "Paged")
        add_visit(
            app,
            clinic_id,
            client,
            therapist,
            TODAY - timedelta(days=30),
            next_due=TODAY - timedelta(days=i + 1),
        )
    with app.app_context():
        first, more = recall.due_clients(clinic_id, LONDON, TODAY, page=1)
        second, more_after = recall.due_clients(clinic_id, LONDON, TODAY, page=2)
    assert (len(first), more, len(second), more_after) == (3, True, 1, False)


def test_another_clinics_clients_never_appear(app, web, login_as, factory, frontdesk, people):
    elsewhere = factory.clinic("Elsewhere")
    stranger = factory.user(elsewhere, "therapist", "stranger@example.test")
    theirs = add_client(app, elsewhere, "Far", "Away")
    add_visit(
        app, elsewhere, theirs, stranger, TODAY - timedelta(days=30), next_due=TODAY - timedelta(days=3)
    )
    found, _ = rows(app, elsewhere)
    assert [client_id for client_id, *_ in found] == [theirs]
    login_as(frontdesk)
    assert "Away" not in web.get("/recall").get_data(as_text=True)


def test_of_two_visits_on_one_day_the_later_recorded_counts(app, clinic_id, therapist):
    client = add_client(app, clinic_id, "Tie", "Sameday")
    day = TODAY - timedelta(days=10)
    for phase, due in (("acute", TODAY + timedelta(days=1)), ("chronic", TODAY - timedelta(days=1))):
        add_visit(app, clinic_id, client, therapist, day, frequency=freq(phase), next_due=due)
    found, _ = rows(app, clinic_id)
    assert found == [(client, TODAY - timedelta(days=1), "chronic")]  # the higher id, as before


def test_the_latest_visit_is_looked_up_per_client_not_ranked_over_all_visits(app, clinic_id, people):
    """A window function over every visit took 1.1 s with 200,000 visits (docs/performance.md): each
    client's latest visit is found on visit(client_id, visit_date) instead, in the shape each database
    runs as such a lookup (PostgreSQL: LATERAL; SQLite: a correlated subquery in the join)."""
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            recall.due_clients(clinic_id, LONDON, TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        [(sql, parameters)] = [(s, p) for s, p in sent if s.lstrip().upper().startswith("SELECT")]
        assert "row_number" not in sql.lower()
        if db.engine.dialect.name == "postgresql":
            assert "JOIN LATERAL" in sql  # on a table this small PostgreSQL's plan would be a scan anyway
            return
        explained = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters)
        plan = " | ".join(row[3] for row in explained)
    assert "SEARCH visit_1 USING INDEX ix_visit_client_id_visit_date (client_id=?)" in plan
    assert "SCAN visit" not in plan and "SCAN latest" not in plan
