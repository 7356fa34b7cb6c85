"""Bulk data for the load bench: one clinic with 20,000 clients, 200,000 visits, 50,000 appointments.

The schema comes from the migrations (Flask-Migrate's upgrade, triggers and constraints included);
the rows go in with SQLAlchemy Core executemany in a few large transactions, with explicit ids so
children can point at parents without reading anything back. Data is varied and plausible: names
from many places, 1 or 2 health-history versions per client, visits over three years with pain
scores, SOAP text, a screened plan, a frequency recommendation and a signed hash (trigger points on
the last year's visits), and a never-overlapping calendar for six therapists over past and future
weeks (the database would refuse an overlap: inserts run newest first so the SQLite overlap trigger
finds nothing to scan).

    .venv/bin/python bench/seed.py [--database-url URL] [--instance DIR]   # about a minute on SQLite

Without --database-url or --instance it seeds a temporary SQLite database, prints the timings and
removes it (what `make bench` runs).

The database must be empty (or hold only this bench's clinic, which is then left as it is).
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time as clock
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from loadkit.data import CLINIC_HOURS, SERVICES, SHIFTS  # noqa: E402
from loadkit.rows import add_appointments, add_clients, add_health_records, add_visits  # noqa: E402

BENCH_CLINIC = "Knotwork Bench Clinic"
TIMEZONE = "Europe/London"
PASSWORD = "bench-load-quiet-harbour"  # noqa: S105  (a throwaway database on 127.0.0.1)
DOMAIN = "bench.knotwork.test"
THERAPISTS = (
    "Maya Okafor",
    "Tomás Herrera",
    "Anneli Virtanen",
    "Kwame Asante",
    "Sofia Rossi",
    "Hiroshi Tanaka",
)
STAFF = (
    ("owner", "Ingrid Solberg", "owner"),
    *((f"therapist{n}", name, "therapist") for n, name in enumerate(THERAPISTS, start=1)),
    ("desk", "Priya Raman", "frontdesk"),
)
SIZES = {"clients": 20_000, "visits": 200_000, "appointments": 50_000}
# The bench database's key for clinical text sealed at rest (a throwaway database on this machine).
ENCRYPTION_KEYS = "bench-1:HsAHgBL3I2Mc27Jxf1h1WvxhDKXGVE8K5zR4oqegeEc"


def make_app(database_url: str | None, instance: str | None):
    """The real app, pointed at the bench database (not the developer's instance folder)."""
    if instance:
        os.environ["CLINIC_INSTANCE_PATH"] = instance
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CLINIC_SECRET_KEY", "bench-" + "x" * 40)
    os.environ.setdefault("CLINIC_ENCRYPTION_KEYS", ENCRYPTION_KEYS)
    os.environ.setdefault("CLINIC_LOG_LEVEL", "WARNING")
    os.environ.setdefault("CLINIC_PUBLIC_BASE_URL", "http://127.0.0.1")
    from clinic import create_app

    return create_app()


def bench_state(app) -> str:
    """ "empty", "seeded" (this bench's clinic is there) or "other" (someone else's data: hands off)."""
    from sqlalchemy import inspect, text

    from clinic.extensions import db

    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        if "clinic" not in tables:
            return "empty" if not tables - {"alembic_version"} else "other"
        with db.engine.connect() as conn:
            names = [row[0] for row in conn.execute(text("SELECT name FROM clinic"))]
    if names == [BENCH_CLINIC]:
        return "seeded"
    return "empty" if not names else "other"


def seed(app, sizes: dict[str, int] | None = None, rng_seed: int = 20261126, log=print) -> dict:
    """Migrate (upgrade to head) and load the bench clinic. Returns counts and timings."""
    import flask_migrate

    sizes = {**SIZES, **(sizes or {})}
    started = clock.perf_counter()
    with app.app_context():
        flask_migrate.upgrade()
        migrated = clock.perf_counter()
        counts = _load(app, sizes, random.Random(rng_seed), log)
    counts["seconds_migrate"] = round(migrated - started, 1)
    counts["seconds_total"] = round(clock.perf_counter() - started, 1)
    return counts


def _load(app, sizes, rng, log) -> dict:
    from clinic.auth import services as accounts
    from clinic.clock import clinic_today
    from clinic.extensions import db
    from clinic.models import Service, User, WorkingHours
    from clinic.visits import due

    clinic = accounts.create_clinic(BENCH_CLINIC, TIMEZONE)
    clinic.address = "3 Orchard Mews, Bristol BS1 5TT"
    clinic.phone = "+44 117 496 0000"
    clinic.email = "hello@" + DOMAIN
    # one argon2 hash for every account (each hash takes a quarter of a second, on purpose)
    first, *others = STAFF
    staff = {first[0]: accounts.create_user(clinic, f"{first[0]}@{DOMAIN}", first[1], first[2], PASSWORD)}
    for local, name, role in others:
        staff[local] = User(
            clinic_id=clinic.id, email=f"{local}@{DOMAIN}", name=name, role=role,
            password_hash=staff[first[0]].password_hash,
        )  # fmt: skip
        db.session.add(staff[local])
    db.session.flush()
    services = [Service(clinic_id=clinic.id, name=n, duration_minutes=m) for n, m in SERVICES]
    db.session.add_all(services)
    for weekday, intervals in CLINIC_HOURS.items():
        for start, end in intervals:
            db.session.add(WorkingHours(clinic_id=clinic.id, weekday=weekday, start_time=start, end_time=end))
    therapists = [staff[f"therapist{n}"] for n in range(1, len(THERAPISTS) + 1)]
    for therapist, (days, start, end) in zip(therapists, SHIFTS, strict=True):
        for weekday in days:
            db.session.add(
                WorkingHours(
                    clinic_id=clinic.id, user_id=therapist.id, weekday=weekday, start_time=start, end_time=end
                )
            )
        db.session.flush()
    ctx = SimpleNamespace(
        clinic_id=clinic.id,
        tz=clinic.tz,
        today=clinic_today(clinic),
        rng=rng,
        log=log,
        therapist_ids=[t.id for t in therapists],
        owner_id=staff["owner"].id,
        desk_id=staff["desk"].id,
        service_ids=[s.id for s in services],
        service_minutes={s.id: s.duration_minutes for s in services},
    )
    db.session.commit()
    db.session.close()  # no ORM transaction may hold SQLite's write lock during the bulk load
    engine = db.engine
    timings = {}
    with engine.begin() as conn:
        t = clock.perf_counter()
        clients = add_clients(conn, ctx, sizes["clients"])
        timings["clients"] = clock.perf_counter() - t
        t = clock.perf_counter()
        records = add_health_records(conn, ctx, clients)
        timings["health_records"] = clock.perf_counter() - t
    with engine.begin() as conn:
        t = clock.perf_counter()
        visit_count, point_count = add_visits(conn, ctx, clients, records, sizes["visits"])
        timings["visits"] = clock.perf_counter() - t
    with engine.begin() as conn:
        t = clock.perf_counter()
        due.backfill(conn)  # rows written without the ORM: each client's due date, as the migration sets it
        timings["due_dates"] = clock.perf_counter() - t
    with engine.begin() as conn:
        t = clock.perf_counter()
        appointment_count = add_appointments(conn, ctx, clients, sizes["appointments"])
        timings["appointments"] = clock.perf_counter() - t
    with engine.begin() as conn:
        _after_load(conn)
    log("seeded in " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    return {
        "clinic_id": ctx.clinic_id,
        "clients": len(clients),
        "health_records": sum(len(r) for r in records.values()),
        "visits": visit_count,
        "trigger_points": point_count,
        "appointments": appointment_count,
    }


def _after_load(conn) -> None:
    """PostgreSQL: move the id sequences past the explicit ids, and gather statistics (autovacuum would
    do it after a load this size). SQLite is left unanalysed, as a clinic's own database would be."""
    if conn.dialect.name != "postgresql":
        return
    for table in ("client", "health_record", "visit", "trigger_point", "appointment"):
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
        )
    conn.exec_driver_sql("ANALYZE")


def scaled(sizes: dict[str, int], scale: float) -> dict[str, int]:
    """The sizes times scale, at least one of each (the flat-cost run seeds 0.1x, 1x and 5x)."""
    return {name: max(1, round(count * scale)) for name, count in sizes.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgresql://... (default: SQLite in --instance)")
    parser.add_argument("--instance", help="SQLite instance folder to keep (default: a temporary one)")
    parser.add_argument("--clients", type=int, default=SIZES["clients"])
    parser.add_argument("--visits", type=int, default=SIZES["visits"])
    parser.add_argument("--appointments", type=int, default=SIZES["appointments"])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the three sizes (0.1, 1, 5: the flat-cost run)"
    )
    args = parser.parse_args(argv)
    scratch = not args.database_url and not args.instance
    if scratch:  # a timing of the seeding alone (make bench): the database is thrown away after
        args.instance = tempfile.mkdtemp(prefix="knotwork-bench-")
    try:
        app = make_app(args.database_url, args.instance)
        state = bench_state(app)
        if state == "other":
            print("The database holds other data; the bench only seeds an empty database.", file=sys.stderr)
            return 2
        if state == "seeded":
            print("The bench clinic is already there; nothing to do.")
            return 0
        sizes = scaled(
            {"clients": args.clients, "visits": args.visits, "appointments": args.appointments}, args.scale
        )
        print(json.dumps(seed(app, sizes), indent=1))
    finally:
        if scratch:
            shutil.rmtree(args.instance, ignore_errors=True)
    if not scratch and args.instance:
        print(f"SQLite database in {args.instance}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
