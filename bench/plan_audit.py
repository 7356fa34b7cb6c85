"""Every query of every bench page, with its plan: which ones read a clinic's whole table.

    .venv/bin/python bench/plan_audit.py --instance /tmp/bench          # a seeded SQLite bench database
    .venv/bin/python bench/plan_audit.py --database-url postgresql://.../bench

Requests each page of bench/load.py's list once per URL through Flask's test client and asks the
database for the plan of each SELECT it sent (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL,
with the same parameters). A plan that scans a table, or searches an index by `clinic_id` alone (the
whole clinic's rows), is printed with the page and the statement: the plan lottery of issue 19, found
before it costs a page at five times the data. tests/plans.py holds the hot ones to it for good.
"""

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

import load  # noqa: E402  (bench/load.py)
import profile_pages  # noqa: E402
import seed  # noqa: E402

# Tables that grow with a clinic's history; a scan of the small ones (users, services, hours) is fine.
LARGE = ("client", "visit", "appointment", "trigger_point", "health_record", "audit_event", "message")
# An index searched by the clinic alone, or by the clinic and a therapist: all of their history.
WHOLE_HISTORY = re.compile(r"\((clinic_id=\?)( AND therapist_id=\?)?\)$")
PG_WHOLE_HISTORY = re.compile(r"Index Cond: \(\(?clinic_id = \$?\w+\)?( AND \(therapist_id = \$?\w+\))?\)$")


def suspicious(line: str) -> bool:
    """A scan of a large table, or a search of one by its clinic (and therapist) alone."""
    line = line.strip()
    for table in LARGE:
        if re.search(rf"\bSCAN {table}\b", line) or re.search(rf"Seq Scan on {table}\b", line):
            return True
        if re.search(rf"\bSEARCH {table}\b", line) and WHOLE_HISTORY.search(line):
            return True
    return bool(PG_WHOLE_HISTORY.search(line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instance")
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    from sqlalchemy import event

    from clinic.extensions import db

    app = seed.make_app(args.database_url, args.instance)
    targets = load.targets(app)
    statements: list[tuple] = []
    with app.app_context():
        engine = db.engine

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    browsers = {
        role: profile_pages.logged_in_client(app, targets[role]) for role in ("therapist", "frontdesk")
    }
    found: dict[str, set] = defaultdict(set)
    for page in load.endpoints(targets):
        for path in page.paths[:5]:
            statements.clear()
            browsers[page.role].get(path)
            taken = list(statements)
            for statement, parameters in taken:
                for line in explain(engine, statement, parameters):
                    if suspicious(line):
                        found[page.name].add((" ".join(statement.split())[:400], line.strip()))
    event.remove(engine, "before_cursor_execute", remember)
    for page, rows in found.items():
        print(f"\n== {page}")
        for statement, line in sorted(rows):
            print(f"  {line}\n    {statement}")
    print(f"\n{sum(len(rows) for rows in found.values())} suspicious plans on {len(found)} pages")
    return 0


def explain(engine, statement: str, parameters) -> list[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [row[-1] for row in rows]
        rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return [row[0] for row in rows]


if __name__ == "__main__":
    sys.exit(main())
