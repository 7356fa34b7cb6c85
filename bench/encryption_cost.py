"""What sealing clinical text at rest costs a page: the client page and the signed note, served from
the same seeded clinic once sealed and once in plain text, in one process, as ratios.

    .venv/bin/python bench/encryption_cost.py [--clients 2000 --visits 20000] [--database-url postgresql://.../db]

The bench clinic is seeded sealed (as the app writes it); a copy of the database then has every sealed
value opened back to plain text (under rotate's lease, as rotate itself writes). Plain text reads
through the same app unchanged (a value without the sealed prefix is returned as it is), so the two
differ only by the sealing. Requests alternate between the two, page by page, to share the machine's
noise. Goal (issue 17): sealed within 10% of plain.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

import load  # noqa: E402  (bench/load.py)
import profile_pages  # noqa: E402
import seed  # noqa: E402

PAGES = ("client page", "signed note")


def open_everything(app) -> int:
    """Write every sealed value back as plain text (the baseline database only)."""
    from sqlalchemy import Text, delete, insert, select, type_coerce, update

    from clinic.encryption.rotate import sealed_columns
    from clinic.encryption.types import keyring
    from clinic.extensions import db
    from clinic.models import RekeyLease

    opened = 0
    with app.app_context():
        ring = keyring()
        for table, columns in sealed_columns():
            (key,) = table.primary_key.columns
            rows = db.session.execute(
                select(key, *(type_coerce(c, Text).label(c.name) for c in columns))
            ).all()
            keep = {c: c for c in table.columns if c.onupdate is not None}
            db.session.execute(insert(RekeyLease).values(id=1))
            for row in rows:
                values = {
                    c: type_coerce(ring.open(c.type.field, getattr(row, c.name)), Text)
                    for c in columns
                    if getattr(row, c.name)
                }
                if values:
                    db.session.execute(update(table).where(key == row[0]).values({**keep, **values}))
                    opened += len(values)
            db.session.execute(delete(RekeyLease))
            db.session.commit()
    return opened


def copy_database(app, sealed_url: str | None, sealed_instance: Path, plain_instance: Path) -> str | None:
    """The plain copy: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL."""
    from sqlalchemy import create_engine

    from clinic.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if not sealed_url:
        plain_instance.mkdir(parents=True, exist_ok=True)
        for file in sealed_instance.glob("knotwork.sqlite3*"):
            shutil.copy(file, plain_instance / file.name)
        return None
    base, name = sealed_url.rsplit("/", 1)
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_plain"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}_plain" TEMPLATE "{name}"')
    admin.dispose()
    return f"{base}/{name}_plain"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite files)")
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--appointments", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=400, help="per page and database")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="knotwork-encryption-"))
    try:
        sealed_instance, plain_instance = folder / "sealed", folder / "plain"
        sealed_app = seed.make_app(args.database_url, str(sealed_instance))
        sizes = {"clients": args.clients, "visits": args.visits, "appointments": args.appointments}
        seed.seed(sealed_app, sizes, log=lambda *_: None)
        plain_url = copy_database(sealed_app, args.database_url, sealed_instance, plain_instance)
        sealed_app = seed.make_app(args.database_url, str(sealed_instance))
        plain_app = seed.make_app(plain_url, str(plain_instance))
        opened = open_everything(plain_app)

        targets = load.targets(sealed_app)
        pages = [e for e in load.endpoints(targets) if e.name in PAGES]
        clients = {
            "sealed": profile_pages.logged_in_client(sealed_app, targets["therapist"]),
            "plain": profile_pages.logged_in_client(plain_app, targets["therapist"]),
        }
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{database}, {args.clients} clients, {args.visits} visits; {opened} values opened in the copy")
        print(f"{'page':<14} {'plain ms':>9} {'sealed ms':>10} {'sealed/plain':>13}")
        for page in pages:
            times: dict[str, list[float]] = {"sealed": [], "plain": []}
            for name, client in clients.items():  # warm-up, and a check that both answer
                for path in page.paths[:3]:
                    if client.get(path).status_code != 200:
                        sys.exit(f"{name}: {path} did not answer 200")
            for n in range(args.requests):
                path = page.paths[n % len(page.paths)]
                for name in ("sealed", "plain") if n % 2 else ("plain", "sealed"):
                    started = time.perf_counter()
                    clients[name].get(path)
                    times[name].append(time.perf_counter() - started)
            plain, sealed = (statistics.median(times[k]) * 1000 for k in ("plain", "sealed"))
            print(f"{page.name:<14} {plain:>9.2f} {sealed:>10.2f} {sealed / plain:>13.3f}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
