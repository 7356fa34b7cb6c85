"""Query and rendering shapes that keep pages fast with 20,000 clients (docs/performance.md)."""

import re

import pytest
from sqlalchemy import text

from clinic.clients import services
from clinic.extensions import db
from tests.test_clients import add_clients


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
    add_clients(
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


# The fixed-choice select widget's tests are in tests/test_widgets.py.


def test_todays_visits_read_one_day_of_one_therapist(app, clinic_id, therapist):
    """The home page's and the batch's "today's visits": a range of the day index, not the history.

    Three years of one therapist's visits, with statistics, so PostgreSQL's planner chooses as it
    would in a clinic (on empty tables every index looks alike)."""
    from datetime import date, timedelta

    from clinic.aftercare.panels import visits_of_day
    from clinic.models import Visit
    from tests.visits_helpers import make_client

    client_id = make_client(app, clinic_id, therapist)
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
        query = visits_of_day(clinic_id, therapist, date(2026, 11, 18))
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        if db.engine.dialect.name == "sqlite":
            plan = " | ".join(row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
            index = (
                "ix_visit_clinic_id_therapist_id_visit_date (clinic_id=? AND therapist_id=? AND visit_date=?)"
            )
        else:
            plan = " | ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
            index = "ix_visit_clinic_id_therapist_id_visit_date"
        db.session.rollback()
    assert index in plan, plan
