"""Client search with folded keys at 20,000 clients: the migration's cost, queries, time and plans.

    .venv/bin/python bench/search_fold.py [--database-url postgresql://.../empty_db] [--clients 20000]

Builds the schema up to 0013 (keys lower-cased only, as before issue 15), bulk-inserts the clients
with names from bench/loadkit/data.py (Siân, Zoë, Bjørn, Ngô-Łukasiewicz, ...), then times the
upgrade to head, whose search-fold migration recomputes every key. Then, for typed texts with and
without accents, prints per search: statements sent, median and p95 milliseconds over the runs,
matches on the first page, and whether the plan reads the name indexes without a whole-table scan.
SQLite in a temporary folder by default; the PostgreSQL database given is emptied first and after.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(ROOT))

import seed  # noqa: E402  (bench/seed.py)
from loadkit.data import FIRST, LAST  # noqa: E402

NAMES = (*FIRST, "Siân", "Sian", "Zoe")  # the walkthrough's names, beside the load bench's
TEXTS = ("sian", "Siân", "SIAN", "zoe", "ZOË", "siob", "bjorn", "muller", "ngo", "wis", "ma", "o'b")


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _seed_at_0013(count: int) -> int:
    """The clinic and `count` clients as 0013 stored them (keys lower-cased); returns the clinic id."""
    from datetime import UTC, datetime

    from flask_migrate import upgrade
    from sqlalchemy import JSON, DateTime, Integer, String, column, insert, table

    from clinic.extensions import db

    upgrade(revision="0013")
    clinic = table(
        "clinic", column("id", Integer), column("name", String), column("address", String),
        column("phone", String), column("email", String), column("timezone", String),
        column("settings", JSON), column("created_at", DateTime(timezone=True)),
    )  # fmt: skip
    texts = ("preferred_name", "phone", "phone_digits", "email", "address", "emergency_contact",
             "referral_source", "notes")  # fmt: skip
    client = table(
        "client", column("clinic_id", Integer), column("first_name", String), column("last_name", String),
        column("name_key", String), column("last_key", String), column("version", Integer),
        column("created_at", DateTime(timezone=True)), column("updated_at", DateTime(timezone=True)),
        *(column(name, String) for name in texts),
    )  # fmt: skip
    clinic_id = db.session.execute(
        insert(clinic)
        .values(name="Fold bench", address="", phone="", email="", timezone="Europe/London", settings={},
                created_at=datetime(2026, 1, 1, tzinfo=UTC))
        .returning(clinic.c.id)
    ).scalar_one()  # fmt: skip
    rng = random.Random(15)
    made = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for _ in range(count):
        first, last = rng.choice(NAMES), rng.choice(LAST)
        rows.append(
            {"clinic_id": clinic_id, "first_name": first, "last_name": last,
             "name_key": f"{first} {last}".lower()[:170], "last_key": last.lower()[:80], "version": 1,
             "created_at": made, "updated_at": made, **dict.fromkeys(texts, "")}
        )  # fmt: skip
    db.session.execute(insert(client), rows)
    db.session.commit()
    return clinic_id


def _measure(clinic_id: int, text: str, runs: int) -> dict:
    from sqlalchemy import event

    from clinic.clients import services
    from clinic.extensions import db
    from tests.plans import plans_of, whole_table_scans

    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT")):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows, _ = services.search(clinic_id, text, 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        services.search(clinic_id, text, 1)
        times.append((time.perf_counter() - start) * 1000)
    [(_, plan)] = plans_of(lambda: services.search(clinic_id, text, 1))
    indexed = "ix_client_clinic_id_name_key" in plan or "ix_client_clinic_id_last_key" in plan
    return {
        "statements": len(sent),
        "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))],
        "matches": len(rows),
        "indexed": indexed and not whole_table_scans(plan, ("client",)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (emptied again at the end)")
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="knotwork-fold-")
    if args.database_url:
        _reset_postgres(args.database_url)
    app = seed.make_app(args.database_url, instance)
    try:
        from flask_migrate import upgrade

        from clinic.extensions import db
        from tests.plans import analyze

        with app.app_context():
            print(f"database: {db.engine.dialect.name}, {args.clients:,} clients")
            clinic_id = _seed_at_0013(args.clients)
            start = time.perf_counter()
            upgrade()
            print(f"upgrade 0013 -> head (recomputes every key): {time.perf_counter() - start:.2f} s")
            analyze()
            print(f"{'typed':<8} {'stmts':>5} {'median ms':>10} {'p95 ms':>8} {'matches':>8}  index, no scan")
            for text in TEXTS:
                m = _measure(clinic_id, text, args.runs)
                print(
                    f"{text:<8} {m['statements']:>5} {m['median_ms']:>10.2f} {m['p95_ms']:>8.2f}"
                    f" {m['matches']:>8}  {'yes' if m['indexed'] else 'NO'}"
                )
            db.session.rollback()
            db.engine.dispose()
    finally:
        if args.database_url:
            _reset_postgres(args.database_url)
        shutil.rmtree(instance, ignore_errors=True)
        os.environ.pop("CLINIC_INSTANCE_PATH", None)


if __name__ == "__main__":
    main()
