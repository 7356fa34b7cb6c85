"""Query plans of what a call really sends, on SQLite and PostgreSQL (no tests here).

A hot query must be served by an index whatever the order the indexes were created in (SQLite without
statistics picks among equally good ones by that order) and whatever PostgreSQL's statistics say, so
the plan tests give PostgreSQL a clinic's worth of rows and ANALYZE them, then read the plan of each
SELECT the call sent, with the parameters it sent.
"""

import re
from collections.abc import Callable

from sqlalchemy import event, text

from clinic.extensions import db


def plans_of(call: Callable[[], object]) -> list[tuple[str, str]]:
    """(statement, plan) of each SELECT `call` sends; run inside an app context."""
    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    connection = db.session.connection()
    plans = []
    for statement, parameters in sent:
        if db.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append((statement, " | ".join(row[3] for row in rows)))
        else:
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans.append((statement, " | ".join(row[0] for row in rows)))
    return plans


def analyze() -> None:
    """Statistics, as autovacuum keeps them on PostgreSQL (SQLite's planner is tested without)."""
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def whole_table_scans(plan: str, tables: tuple[str, ...]) -> list[str]:
    """Steps of a plan that read a table (or all of a clinic's entries of an index) from end to end."""
    found = []
    for table in tables:
        # SQLite: SCAN reads all of a table or an index; SEARCH reads a range of an index.
        found += re.findall(rf"SCAN {table}\b[^|]*", plan)
        # ... and an index searched for the clinic alone reads all of the clinic's rows
        found += re.findall(rf"SEARCH {table} USING (?:COVERING )?INDEX \S+ \(clinic_id=\?\)", plan)
        # ... and one searched for the clinic and a therapist alone, all of the therapist's history
        found += re.findall(
            rf"SEARCH {table} USING (?:COVERING )?INDEX \S+ \(clinic_id=\? AND therapist_id=\?\)", plan
        )
        found += re.findall(rf"Seq Scan on {table}\b[^|]*", plan)
    # PostgreSQL: an index condition on the clinic alone, or the clinic and a therapist alone
    found += re.findall(
        r"Index Cond: \(\(?clinic_id = [^()|]+\)?(?: AND \(therapist_id = [^()|]+\))?\)(?=\s*(?:\||$))", plan
    )
    return found
