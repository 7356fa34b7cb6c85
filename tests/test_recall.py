"""The recall list: who is overdue and has nothing booked, in one query however many clients."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from clinic.clients.services import build_client, set_archived
from clinic.extensions import db
from clinic.models import Client
from clinic.schedule import recall
from tests.conftest import count_queries
from tests.factories import (
    LONDON,
    create_appointment,
    create_calendar,
    create_client,
    legacy_visit_row,
    local,
)
from tests.plans import analyze, plans_of, whole_table_scans

TODAY = date(2030, 6, 12)


def freq(phase, chosen_phase=None):
    value = {"recommended": {"phase": phase, "proposed_dates": []}}
    if chosen_phase:
        value["chosen"] = {"phase": chosen_phase, "proposed_dates": []}
    return value


# One row a client: key, first and last name, phone (None: the factory's), a booking as (days from TODAY,
# status), archived?, and visits as (days before TODAY, phase, chosen phase, next due in days from TODAY).
PEOPLE = (
    # the latest visit counts
    ("due", "Dee", "Overdue", "07700 900111", None, False,
        [(20, "acute", None, -10), (9, "acute", "maintenance", -2)]),
    ("not_due", "Nat", "Later", None, None, False, [(3, "chronic", None, 4)]),
    ("booked", "Bea", "Booked", None, (5, "booked"), False, [(20, "chronic", None, -13)]),
    # a cancelled booking does not count
    ("cancelled", "Cal", "Cancelled", None, (1, "cancelled"), False, [(20, "review", None, -5)]),
    # a booking before today does not count either
    ("past_booking", "Pat", "Pastbooking", None, (-1, "completed"), False, [(30, "chronic", None, -20)]),
    ("archived", "Arch", "Ived", None, None, True, [(20, "chronic", None, -6)]),
    # a later visit without next_due is ignored
    ("newer_without", "New", "Plainvisit", None, None, False,
        [(15, "chronic", None, -8), (1, None, None, None)]),
    ("never", "Nev", "Visited", None, None, False, []),
)  # fmt: skip


@pytest.fixture
def people(app, clinic_id, therapist, frontdesk):
    services = create_calendar(app, clinic_id)
    ids = {}
    for key, first, last, phone, booking, archived, visits in PEOPLE:
        ids[key] = client = create_client(app, clinic_id, first, last, **({"phone": phone} if phone else {}))
        for days_ago, phase, chosen, due_in in visits:
            legacy_visit_row(
                app,
                clinic_id,
                client,
                therapist,
                TODAY - timedelta(days=days_ago),
                frequency=freq(phase, chosen) if phase else None,
                next_due=TODAY + timedelta(days=due_in) if due_in is not None else None,
            )
        if booking:
            days, status = booking
            start = local(TODAY + timedelta(days=days), 10)
            create_appointment(
                app, clinic_id, therapist, client, services[60], start, status=status, cancel_reason="Unwell"
            )
        if archived:
            with app.app_context():
                set_archived(db.session.get(Client, client), True)
                db.session.commit()
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
        client = create_client(app, clinic_id, f"Many{i}", "Due")
        legacy_visit_row(
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
    monkeypatch.setitem(app.config, "RECALL_PAGE_SIZE", 3)
    for i in range(4):
        client = create_client(app, clinic_id, f"P{i}", "Paged")
        legacy_visit_row(
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
    theirs = create_client(app, elsewhere, "Far", "Away")
    legacy_visit_row(
        app, elsewhere, theirs, stranger, TODAY - timedelta(days=30), next_due=TODAY - timedelta(days=3)
    )
    found, _ = rows(app, elsewhere)
    assert [client_id for client_id, *_ in found] == [theirs]
    login_as(frontdesk)
    assert "Away" not in web.get("/recall").get_data(as_text=True)


def test_of_two_visits_on_one_day_the_later_recorded_counts(app, clinic_id, therapist):
    client = create_client(app, clinic_id, "Tie", "Sameday")
    day = TODAY - timedelta(days=10)
    for phase, due in (("acute", TODAY + timedelta(days=1)), ("chronic", TODAY - timedelta(days=1))):
        legacy_visit_row(app, clinic_id, client, therapist, day, frequency=freq(phase), next_due=due)
    found, _ = rows(app, clinic_id)
    assert found == [(client, TODAY - timedelta(days=1), "chronic")]  # the higher id, as before


def many_due_clients(app, clinic_id, therapist, count=3000):
    """`count` clients, each with a visit whose due date falls somewhere in the three years to TODAY."""
    from clinic.models import Appointment, Visit
    from clinic.schedule.catalogue import create_service
    from clinic.visits import due

    with app.app_context():
        first = TODAY - timedelta(days=3 * 365)
        # Bulk inserts: 3,000 clients through the ORM would be most of this test's time. The rows are
        # still what clients/services.py builds (its search keys), not a copy of its rule.
        names = [{"first_name": f"C{n}", "last_name": f"Many{n % 97}"} for n in range(count)]
        built = [build_client(clinic_id, data) for data in names]
        columns = ("clinic_id", "first_name", "last_name", "name_key", "last_key", "phone_digits", "email")
        db.session.execute(insert(Client), [{name: getattr(c, name) for name in columns} for c in built])
        client_ids = db.session.scalars(select(Client.id).where(Client.clinic_id == clinic_id)).all()
        db.session.execute(
            insert(Visit),
            [
                {
                    "clinic_id": clinic_id,
                    "client_id": client_id,
                    "therapist_id": therapist,
                    "visit_date": first + timedelta(days=n % 1000),
                    "next_due": first + timedelta(days=n % 1000 + 28),
                    "frequency": freq("chronic"),
                }
                for n, client_id in enumerate(client_ids)
            ],
        )
        # past appointments, an hour apart, one or two a client: the anti-join reads them by index
        service = create_service(clinic_id, "Treatment", 60)
        start = local(first, 9)
        db.session.execute(
            insert(Appointment),
            [
                {
                    "clinic_id": clinic_id,
                    "therapist_id": therapist,
                    "client_id": client_id,
                    "service_id": service.id,
                    "start_at": start + timedelta(hours=n),
                    "end_at": start + timedelta(hours=n, minutes=50),
                    "status": "completed",
                }
                for n, client_id in enumerate(client_ids + client_ids[:400] + client_ids[-400:])
            ],
        )
        due.backfill(db.session.connection())
        db.session.commit()


def test_the_list_reads_a_range_of_due_dates_not_the_history(app, clinic_id, therapist):
    """Every client's latest visit was found and sorted (82 ms at 20,000 clients, 454 ms at 100,000):
    the list now reads clients in due-date order from the (clinic_id, due_on) index and stops at a page,
    on both databases, PostgreSQL with a clinic's statistics."""
    many_due_clients(app, clinic_id, therapist)
    with app.app_context():
        analyze()
        [(_, plan)] = plans_of(lambda: recall.due_clients(clinic_id, LONDON, TODAY))
        db.session.rollback()
    assert "ix_client_clinic_id_due_on" in plan, plan
    if "SEARCH" in plan:  # SQLite
        assert "SEARCH client USING INDEX ix_client_clinic_id_due_on (clinic_id=? AND due_on<?)" in plan
    assert not whole_table_scans(plan, ("client", "visit", "appointment")), plan
    # The clients booked from today on are read once, as a set, not once per listed client (a
    # correlated NOT EXISTS let PostgreSQL walk the calendar ahead for every row when it misjudged
    # how many bookings lie ahead: 39 ms for the third page at 100,000 clients)
    assert ("hashed SubPlan" in plan) or ("LIST SUBQUERY" in plan), plan


def test_the_page_costs_the_same_queries_for_4_rows_or_64(
    app, web, login_as, clinic_id, frontdesk, therapist, people, clock
):
    clock.set("2030-06-12T09:00:00+00:00")
    login_as(frontdesk)

    def page_queries():
        with count_queries(app) as queries:
            page = web.get("/recall").get_data(as_text=True)
        return queries(), page.count("/appointments/new?client=")

    few, few_rows = page_queries()
    for i in range(60):
        client = create_client(app, clinic_id, f"Many{i}", "Due")
        legacy_visit_row(
            app,
            clinic_id,
            client,
            therapist,
            TODAY - timedelta(days=30),
            frequency=freq("chronic"),
            next_due=TODAY - timedelta(days=1 + i % 9),
        )
    many, many_rows = page_queries()
    assert (few_rows, many_rows) == (4, 64)
    assert few == many
