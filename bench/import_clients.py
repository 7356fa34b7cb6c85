"""Client import bench: a 20,000-row CSV through upload, columns, preview and the worker's run.

The real app and its real requests (the test client; CSRF off), on a fresh SQLite file or an empty
PostgreSQL database, with 2,000 clients already on file so duplicates are looked for in earnest.
The file looks like a Cliniko export (BOM, ten columns) with 1% duplicates of clients on file, 1%
duplicates within the file and 0.5% rows with errors. Prints the time of each step and the total.

    .venv/bin/python bench/import_clients.py [--rows 20000] [--database-url postgresql://...]

The PostgreSQL database is emptied first (DROP SCHEMA public CASCADE): give it a throwaway one.
"""

import argparse
import csv
import io
import random
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEYS = "bench-1:HsAHgBL3I2Mc27Jxf1h1WvxhDKXGVE8K5zR4oqegeEc"
PASSWORD = "bench-load-quiet-harbour"  # noqa: S105 (a throwaway database)
FIRST = [
    "Anna",
    "Zoë",
    "Tomás",
    "Kwame",
    "Sofia",
    "Hiroshi",
    "Priya",
    "Ingrid",
    "Maya",
    "Liam",
    "Noor",
    "Jan",
]
LAST = ["Smith", "Çelik", "Okafor", "Rossi", "Tanaka", "Raman", "Solberg", "Herrera", "Virtanen", "Nowak"]
HEADER = ["Patient ID", "First Name", "Last Name", "Preferred First Name", "Date of Birth", "Email",
          "Phone Numbers", "Address 1", "City", "Notes"]  # fmt: skip


def person(rng: random.Random, n: int) -> list[str]:
    first, last = rng.choice(FIRST), rng.choice(LAST) + ("" if n % 3 else f"-{n % 97}")
    born = f"{rng.randint(1940, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return [str(n), first, last, "", born, f"c{n}@example.test", f"+44 7700 {n:06d}",
            f"{n % 200 + 1} High Street", "Bristol", "Prefers mornings" if n % 5 == 0 else ""]  # fmt: skip


def make_csv(rows: int, on_file: list[list[str]], rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    made: list[list[str]] = []
    for n in range(1, rows + 1):
        if n % 100 == 0:
            row = list(rng.choice(on_file))  # a client on file again (name and birth date)
            row[0], row[5] = str(10_000_000 + n), f"again{n}@example.test"
        elif n % 100 == 50 and made:
            row = list(rng.choice(made))  # an earlier row again (same e-mail)
            row[0] = str(20_000_000 + n)
        elif n % 200 == 7:
            row = person(rng, 30_000_000 + n)
            row[4] = "31/02/1980"  # no such date
        else:
            row = person(rng, 30_000_000 + n)
        made.append(row)
        writer.writerow(row)
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def watch_lock(path: Path, waits: list[float], stop: threading.Event) -> None:
    """Take and release SQLite's write lock every 50 ms, as a booking would, and note each wait."""
    import sqlite3

    connection = sqlite3.connect(path, isolation_level=None, timeout=60)
    while not stop.is_set():
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - start)
        connection.execute("ROLLBACK")
        time.sleep(0.05)
    connection.close()


def make_app(database_url: str | None, instance: Path):
    from clinic import create_app

    return create_app({
        "SECRET_KEY": "bench-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url or
        f"sqlite:///{instance / 'bench.sqlite3'}", "ENCRYPTION_KEYS": KEYS, "WTF_CSRF_ENABLED": False,
        "QUEUE_FILE": str(instance / "queue.sqlite3"), "LOG_REQUESTS": False, "TESTING": True,
    })  # fmt: skip


def seed(app, existing: int, rng: random.Random) -> list[list[str]]:
    import flask_migrate

    from clinic.auth import services as accounts
    from clinic.clients import services
    from clinic.extensions import db

    with app.app_context():
        flask_migrate.upgrade()
        clinic = accounts.create_clinic("Bench Import Clinic", "Europe/London")
        accounts.create_user(clinic, "owner@bench.test", "Olive Owner", "owner", PASSWORD)
        rows = [person(rng, n) for n in range(1, existing + 1)]
        for row in rows:
            born = date.fromisoformat(row[4])
            details = {"first_name": row[1], "last_name": row[2], "date_of_birth": born, "email": row[5]}
            client = services.build_client(clinic.id, {**details, "phone": row[6]})
            db.session.add(client)
        db.session.commit()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--existing", type=int, default=2_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.database_url:
        from sqlalchemy import create_engine, text

        engine = create_engine(args.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    rng = random.Random(20261207)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(args.database_url, Path(folder))
        on_file = seed(app, args.existing, rng)
        data = make_csv(args.rows, on_file, rng)
        web = app.test_client()
        web.post("/login", data={"email": "owner@bench.test", "password": PASSWORD})
        from clinic.client_import.views import bp  # noqa: F401 (the routes exist)
        from clinic.messages.queue import queue_for

        times = {}
        start = time.perf_counter()
        response = web.post("/clients/import", data={"file": (io.BytesIO(data), "export.csv")})
        times["upload (decode, split, seal, store)"] = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        columns_url = response.headers["Location"]
        t = time.perf_counter()
        assert web.get(columns_url).status_code == 200
        times["columns page"] = time.perf_counter() - t
        mapping = {f"col{i}": v for i, v in enumerate(
            ["", "first_name", "last_name", "preferred_name", "date_of_birth", "email", "phone", "address",
             "address", "notes"])}  # fmt: skip
        t = time.perf_counter()
        preview_url = web.post(columns_url, data={**mapping, "date_order": "dmy"}).headers["Location"]
        times["columns saved"] = time.perf_counter() - t
        t = time.perf_counter()
        page = web.get(preview_url)
        times["preview page (every row checked, duplicates found)"] = time.perf_counter() - t
        assert page.status_code == 200
        t = time.perf_counter()
        response = web.post(preview_url, data={"confirm": "1", "skip_errors": "1", "rest": "skip"})
        times["confirm (checks again, queues)"] = time.perf_counter() - t
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        waits: list[float] = []
        stop = threading.Event()
        if not args.database_url:  # how long another writer of the clinic waits for SQLite's lock
            watcher = threading.Thread(target=watch_lock, args=(Path(folder) / "bench.sqlite3", waits, stop))
            watcher.start()
        t = time.perf_counter()
        queue_for(app).run_pending()
        times["worker run (one transaction)"] = time.perf_counter() - t
        stop.set()
        total = time.perf_counter() - start
        from sqlalchemy import func, select

        from clinic.extensions import db
        from clinic.models import Client, ClientImport

        with app.app_context():
            job = db.session.scalars(select(ClientImport)).one()
            clients = db.session.scalar(select(func.count()).select_from(Client))
            backend = db.engine.dialect.name
            db.engine.dispose()
    print(f"client import bench on {backend}: {args.rows:,} rows ({len(data) / 1e6:.1f} MB), "
          f"{args.existing:,} clients on file")  # fmt: skip
    for name, seconds in times.items():
        print(f"  {name:<52} {seconds:7.2f} s")
    print(f"  {'total, upload to done':<52} {total:7.2f} s")
    if waits:
        print(f"  another writer's longest wait for the write lock meanwhile: {max(waits):.2f} s "
              f"({len(waits)} tries)")  # fmt: skip
    print(f"  outcome: {job.status}; {job.created_count:,} created, {job.updated_count} updated, "
          f"{job.skipped_count} skipped; {clients:,} clients now")  # fmt: skip
    return 0 if job.status == "done" and total < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
