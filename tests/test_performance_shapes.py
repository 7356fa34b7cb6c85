"""Query and rendering shapes that keep pages fast with 20,000 clients (docs/performance.md)."""

import re

import pytest
from sqlalchemy import func, select, text

from clinic.clients import services
from clinic.extensions import db
from tests.factories import create_clients


def test_name_search_is_answered_from_both_name_indexes_on_sqlite(app, clinic_id):
    """Without statistics SQLite would walk the last-name index in order and test every client."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's query planner")
        query = services.search_query(clinic_id, "ma").limit(51)
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = " | ".join(row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    for key in ("name_key", "last_key"):
        assert re.search(rf"INDEX ix_client_clinic_id_{key} \(clinic_id=\? AND {key}>\? AND {key}<\?\)", plan)


def test_prefix_search_matches_exactly_the_names_that_start_with_the_text(app, clinic_id):
    create_clients(
        app,
        clinic_id,
        [("Ma", "Lee"), ("Maz", "Ode"), ("Mb", "Ode"), ("M", "Ode"), ("Ann", "Ma_x"), ("Élodie", "Moreau")],
    )
    with app.app_context():

        def names(text):
            rows, _ = services.search(clinic_id, text, 1)
            return sorted(row.client.first_name for row in rows)

        assert names("ma") == ["Ann", "Ma", "Maz"]
        assert names("MA_") == ["Ann"]
        assert names("m") == ["Ann", "M", "Ma", "Maz", "Mb", "Élodie"]
        assert names("él") == ["Élodie"]
        assert names("mo") == ["Élodie"]
        assert names("\U0010ffff") == []  # no code point after it: the LIKE form answers


def test_search_ignores_accents_and_case(app, clinic_id):
    """Issue 15: "sian" found no Siân and "zoe" no Zoë. Keys and typed text fold alike (rules/search.py)."""
    create_clients(
        app,
        clinic_id,
        [
            ("Siân", "Pryce"),
            ("Sian", "Jones"),
            ("Zoë", "Becker"),
            ("Zoe", "Ölçer"),
            ("Siobhán", "Ní Bhriain"),
        ],
    )
    with app.app_context():

        def names(text):
            rows, _ = services.search(clinic_id, text, 1)
            return sorted(f"{row.client.first_name} {row.client.last_name}" for row in rows)

        assert names("sian") == names("SIÂN") == names("Siân") == ["Sian Jones", "Siân Pryce"]
        assert names("zoe") == names("ZOË") == ["Zoe Ölçer", "Zoë Becker"]
        assert names("olc") == names("Ölç") == ["Zoe Ölçer"]
        assert names("ni bh") == ["Siobhán Ní Bhriain"]
        assert names("siobhan ni") == ["Siobhán Ní Bhriain"]


def test_a_folded_search_reads_a_range_of_the_name_indexes(app, clinic_id):
    """The folded text is still a prefix of stored keys: both databases search the indexes for it."""
    from sqlalchemy import insert

    from clinic.models import Client
    from clinic.rules.search import fold
    from tests.plans import analyze, plans_of, whole_table_scans

    people = [(f"Zoë{n}", f"Ölçer{n:04d}") for n in range(300)] + [
        (f"Ann{n}", f"Lee{n:04d}") for n in range(1700)
    ]
    with app.app_context():
        db.session.execute(
            insert(Client),
            [
                {"clinic_id": clinic_id, "first_name": first, "last_name": last}
                | {"name_key": fold(f"{first} {last}"), "last_key": fold(last)}
                for first, last in people
            ],
        )
        analyze()
        [(_, plan)] = plans_of(lambda: services.search(clinic_id, "ZOË1", 1))
        rows, _ = services.search(clinic_id, "ZOË1", 1)
        found = [row.client.first_name for row in rows]
        db.session.rollback()
    assert found and all(name.startswith("Zoë1") for name in found)
    assert "ix_client_clinic_id_name_key" in plan, plan
    assert not whole_table_scans(plan, ("client",)), plan


# The fixed-choice select widget's tests are in tests/test_widgets.py.


def test_todays_visits_read_one_day_of_one_therapist(app, clinic_id, therapist):
    """The home page's and the batch's "today's visits": a range of the day index, not the history.

    Three years of one therapist's visits, with statistics, so PostgreSQL's planner chooses as it
    would in a clinic (on empty tables every index looks alike)."""
    from datetime import date, timedelta

    from clinic.aftercare.panels import clinic_visits_of_day, visits_of_day
    from clinic.models import Visit
    from tests.factories import create_client_with_history

    client_id = create_client_with_history(app, clinic_id, therapist)
    with app.app_context():
        first = date(2024, 1, 1)
        db.session.add_all(
            Visit(
                clinic_id=clinic_id,
                client_id=client_id,
                therapist_id=therapist,
                visit_date=first + timedelta(days=n),
            )
            for n in range(0, 3 * 365)
            for _ in range(2)
        )
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        plans = []
        # the therapist's own day, and every therapist's (the front desk's batch)
        for query in (visits_of_day(clinic_id, therapist, date(2026, 11, 18)),
                      clinic_visits_of_day(clinic_id, date(2026, 11, 18))):  # fmt: skip
            sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
            if db.engine.dialect.name == "sqlite":
                plans.append(
                    " | ".join(row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
                )
                index = (
                    "ix_visit_clinic_id_therapist_id_visit_date (clinic_id=? AND therapist_id=? AND visit_dat"
                )
            else:
                plans.append(" | ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql))))
                index = "ix_visit_clinic_id_therapist_id_visit_date"
        db.session.rollback()
    for plan in plans:
        assert index in plan, plan


def test_a_clients_next_appointments_read_the_client_from_now_on(app, clinic_id, therapist):
    """The client page's next appointments: (clinic_id, client_id, end_at) serves every condition, so
    the plan does not depend on which of (clinic_id, start_at) and (client_id, start_at) was created
    first (SQLite without statistics) and never reads the clinic's or the client's whole history."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from clinic.models import Appointment, Client, Service
    from clinic.schedule.panels import client_panel
    from tests.factories import create_client_with_history
    from tests.plans import analyze, plans_of, whole_table_scans

    regular = create_client_with_history(app, clinic_id, therapist)
    others = [create_client_with_history(app, clinic_id, therapist, first=f"Other{n}") for n in range(30)]
    with app.app_context():
        service = Service(clinic_id=clinic_id, name="Treatment", duration_minutes=60)
        db.session.add(service)
        db.session.flush()
        start = datetime(2023, 1, 2, 9, tzinfo=UTC)
        people = [regular] * 150 + others * 100  # a regular's three years, and the clinic's
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
                for n, client_id in enumerate(people)
            ],
        )
        analyze()
        client = db.session.get(Client, regular)
        [(_, plan)] = plans_of(lambda: client_panel(client))
        db.session.rollback()
    assert "ix_appointment_clinic_id_client_id_end_at" in plan, plan
    if "SEARCH" in plan:  # SQLite
        assert "(clinic_id=? AND client_id=? AND end_at>?)" in plan, plan
    assert not whole_table_scans(plan, ("appointment",)), plan


def test_search_dates_the_clients_of_the_page(app, clinic_id, therapist):
    """Issue 19 said the last-visit subquery ran for every prefix match. Measured, it does not: the
    rows of the page get it. PostgreSQL evaluates it after the sort and the LIMIT (its plan has the
    SubPlan above the Sort: 51 loops for 2,600 matches) and SQLite's top-N sorter drops a row that
    cannot make the page before computing it. Cutting the page first cost more (a derived table takes
    SQLAlchemy 2.5 ms to build; a second query 0.4 ms). This keeps the dates right and the shape."""
    from datetime import date, timedelta

    from sqlalchemy import insert

    from clinic.models import Client, Visit
    from tests.plans import analyze, plans_of, whole_table_scans

    with app.app_context():
        db.session.execute(
            insert(Client),
            [
                {"clinic_id": clinic_id, "first_name": f"C{n}", "last_name": f"Ma{n:04d}"}
                | {"name_key": f"c{n} ma{n:04d}", "last_key": f"ma{n:04d}"}
                for n in range(400)
            ]
            + [
                {"clinic_id": clinic_id, "first_name": f"D{n}", "last_name": f"Zo{n:04d}"}
                | {"name_key": f"d{n} zo{n:04d}", "last_key": f"zo{n:04d}"}
                for n in range(2000)
            ],
        )
        ids = db.session.scalars(select(Client.id).order_by(Client.last_key)).all()
        first = date(2024, 1, 1)
        db.session.execute(
            insert(Visit),
            [
                {
                    "clinic_id": clinic_id,
                    "client_id": client_id,
                    "therapist_id": therapist,
                    "visit_date": first + timedelta(days=(n * 7 + k * 30) % 1000),
                }
                for n, client_id in enumerate(ids)
                for k in range(4)
            ],
        )
        analyze()
        with app.test_request_context():
            [(_, plan)] = plans_of(lambda: services.search(clinic_id, "ma", 2))
            rows, more = services.search(clinic_id, "ma", 2)
            shown = [(row.client.id, row.client.last_name, row.last_visit) for row in rows]
        expected = dict(
            db.session.execute(
                select(Visit.client_id, func.max(Visit.visit_date)).group_by(Visit.client_id)
            ).all()
        )
        db.session.rollback()
    assert more and [name for _, name, _ in shown] == [f"Ma{n:04d}" for n in range(50, 100)]
    assert [last for *_, last in shown] == [expected[client_id] for client_id, *_ in shown]
    assert "ix_visit_client_id_visit_date" in plan, plan
    if "Sort" in plan:  # PostgreSQL: the subplan hangs above the sort, run for the rows kept
        assert plan.index("SubPlan") > plan.index("Sort"), plan
        assert re.search(r"Limit .*\| +-> +Result .*\| +-> +Sort ", plan), plan
    assert not whole_table_scans(plan, ("client", "visit")), plan
