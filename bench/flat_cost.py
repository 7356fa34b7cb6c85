"""Flat cost in history: every page at three sizes of the same clinic, in one process, as ratios.

    .venv/bin/python bench/seed.py --scale 0.1 --instance /tmp/b01     # once per size (0.1x, 1x, 5x)
    .venv/bin/python bench/seed.py --scale 1 --instance /tmp/b1
    .venv/bin/python bench/seed.py --scale 5 --instance /tmp/b5
    .venv/bin/python bench/flat_cost.py --instance /tmp/b01 /tmp/b1 /tmp/b5 [--costs]
    .venv/bin/python bench/flat_cost.py --database-url postgresql://.../b01 .../b1 .../b5 [--costs]

Each page of bench/load.py's list (the same URLs, drawn from each database by the same rule) is
requested through Flask's test client, logged in through the real /login form, at every size in turn,
round after round, so the machine's noise falls on all sizes alike. It prints, per page and size, the
median one-user time and the queries per request, and the ratio of the largest size to the smallest:
DESIGN.md's budget is at most 1.2 (the same rows on screen cost the same, whatever the history). The
batch of today's sheets is reported per sheet: the number of today's visits grows with the data.

--costs adds, in the same run, what two parts of the app cost the pages, as ratios:
- encryption at rest: the client page and the signed note on a copy of the smallest database with
  every sealed value opened to plain text (bench/encryption_cost.py's method), sealed / plain;
- the message worker: the pages of the middle size while a real `flask worker` process runs its
  passes against the same database, beside them / alone.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(ROOT))

import encryption_cost  # noqa: E402  (bench/encryption_cost.py)
import load  # noqa: E402  (bench/load.py)
import profile_pages  # noqa: E402
import seed  # noqa: E402

FLAT_RATIO = 1.2  # DESIGN.md: at 5x the data a page costs at most 1.2x what it costs at 0.1x


class Size:
    """One seeded database: its app, its logged-in clients, its pages and its query counter."""

    def __init__(self, url: str | None, instance: str | None):
        from sqlalchemy import func, select

        from clinic.extensions import db
        from clinic.models import Client

        self.url, self.instance = url, instance
        self.app = seed.make_app(url, instance)
        if seed.bench_state(self.app) != "seeded":
            sys.exit(f"No bench clinic in {url or instance}: seed it first (bench/seed.py --scale ...).")
        with self.app.app_context():
            self.clients = db.session.scalar(select(func.count()).select_from(Client))
            self.counter = profile_pages.QueryCounter(db.engine)
        self.label = f"{self.clients / seed.SIZES['clients']:g}x"
        self.targets = load.targets(self.app)
        self.pages = {page.name: page for page in load.endpoints(self.targets) if page.paths}
        self.browsers = {
            role: profile_pages.logged_in_client(self.app, self.targets[role])
            for role in ("therapist", "frontdesk")
        }

    def request(self, page, n: int) -> tuple[float, int]:
        """One request of the page's n-th URL: seconds and queries."""
        path = page.paths[n % len(page.paths)]
        self.counter.count = 0
        started = time.perf_counter()
        response = self.browsers[page.role].get(path)
        seconds = time.perf_counter() - started
        if response.status_code != 200 or not response.content_type.startswith(page.content_type):
            sys.exit(f"{self.label}: {path} answered {response.status_code} {response.content_type}")
        return seconds, self.counter.count


def measure_pages(sizes: list[Size], requests: int, rounds: int) -> list[dict]:
    """Per page, per size: the median time of all its requests (per sheet for the batch), and queries."""
    rows = []
    names = [name for name in sizes[0].pages if all(name in size.pages for size in sizes)]
    for name in names:
        times = {size.label: [] for size in sizes}
        queries = {size.label: [] for size in sizes}
        batch = sizes[0].pages[name].budget == "batch"
        count = max(2, requests // 10) if batch else requests  # a batch request holds many sheets
        for size in sizes:  # warm-up: the first request of a page pays for templates and caches
            size.request(size.pages[name], 0)
        for _ in range(rounds):
            for size in sizes:
                page = size.pages[name]
                for n in range(count):
                    seconds, queried = size.request(page, n)
                    times[size.label].append(seconds * 1000 / (page.sheets if batch else 1))
                    queries[size.label].append(queried)
        row = {
            "page": name + (" (per sheet)" if batch else ""),
            "ms": {label: statistics.median(values) for label, values in times.items()},
            "queries": {label: statistics.median(values) for label, values in queries.items()},
            "sheets": {size.label: size.pages[name].sheets for size in sizes} if batch else None,
        }
        first, last = sizes[0].label, sizes[-1].label
        row["ratio"] = row["ms"][last] / row["ms"][first]
        rows.append(row)
        print_row(row, sizes)
    return rows


def print_header(sizes: list[Size]) -> None:
    cells = "".join(f" {size.label + ' ms':>9} {'q':>4}" for size in sizes)
    print(f"{'page':<36}{cells} {sizes[-1].label + '/' + sizes[0].label:>9}  <= {FLAT_RATIO}")


def print_row(row: dict, sizes: list[Size]) -> None:
    cells = "".join(f" {row['ms'][s.label]:>9.2f} {row['queries'][s.label]:>4.0f}" for s in sizes)
    verdict = "yes" if row["ratio"] <= FLAT_RATIO else "NO"
    sheets = f"  (sheets: {', '.join(str(n) for n in row['sheets'].values())})" if row["sheets"] else ""
    print(f"{row['page']:<36}{cells} {row['ratio']:>9.2f}  {verdict}{sheets}", flush=True)


def alternate(clients: dict, page, requests: int) -> dict[str, float]:
    """Median ms of the page through each client, requests alternating so both share the noise."""
    times: dict[str, list[float]] = {name: [] for name in clients}
    for n in range(requests):
        path = page.paths[n % len(page.paths)]
        order = list(clients) if n % 2 else list(reversed(clients))
        for name in order:
            started = time.perf_counter()
            if clients[name].get(path).status_code != 200:
                sys.exit(f"{name}: {path} did not answer 200")
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def encryption_ratio(size: Size, requests: int, folder: Path) -> None:
    """Sealed / plain on the client page and the signed note (a plain copy of this size's database)."""
    plain_instance = folder / "plain"
    plain_url = encryption_cost.copy_database(size.app, size.url, Path(size.instance or ""), plain_instance)
    plain_app = seed.make_app(plain_url, str(plain_instance))
    opened = encryption_cost.open_everything(plain_app)
    sealed = profile_pages.logged_in_client(size.app, size.targets["therapist"])
    plain = profile_pages.logged_in_client(plain_app, size.targets["therapist"])
    print(f"\nEncryption at rest ({size.label}; {opened} values opened in the plain copy):")
    for name in encryption_cost.PAGES:
        ms = alternate({"plain": plain, "sealed": sealed}, size.pages[name], requests)
        print(f"  {name:<14} plain {ms['plain']:7.2f} ms  sealed {ms['sealed']:7.2f} ms  "
              f"sealed/plain {ms['sealed'] / ms['plain']:.3f}", flush=True)  # fmt: skip
    if plain_url:
        from sqlalchemy import create_engine

        from clinic.extensions import db

        with plain_app.app_context():
            db.engine.dispose()
        base, name = plain_url.rsplit("/", 1)
        admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                              isolation_level="AUTOCOMMIT")  # fmt: skip
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


def worker_ratio(size: Size, requests: int, folder: Path) -> None:
    """The pages alone, then beside a real message worker running its passes on the same database."""
    env = {**os.environ, **load.environment(argparse.Namespace(database_url=size.url), size.instance)}
    names = ("home (therapist)", "client page", "signed note", "week calendar (desk, all)")
    pages = [size.pages[name] for name in names if name in size.pages]
    alone = {page.name: _median_ms(size, page, requests) for page in pages}
    flask = [sys.executable, "-m", "flask", "--app", "clinic", "worker"]
    log = open(folder / "worker.log", "wb")  # noqa: SIM115  (closed after the worker stops)
    messages_before = _messages(size)
    worker = subprocess.Popen(flask, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        # the minute's pass (reminders due, questionnaires, check-ins) now rather than at the minute
        subprocess.run([*flask, "--once"], cwd=ROOT, env=env, check=True, capture_output=True)
        if worker.poll() is not None:
            sys.exit(f"the worker stopped: see {folder / 'worker.log'}")
        beside = {page.name: _median_ms(size, page, requests) for page in pages}
    finally:
        worker.terminate()
        worker.wait(10)
        log.close()
    written = _messages(size) - messages_before
    print(f"\nThe message worker ({size.label}; a `flask worker` process on the same database, "
          f"{written} messages written during the pass):")  # fmt: skip
    for page in pages:
        print(f"  {page.name:<28} alone {alone[page.name]:7.2f} ms  beside the worker "
              f"{beside[page.name]:7.2f} ms  ratio {beside[page.name] / alone[page.name]:.3f}")  # fmt: skip


def _messages(size: Size) -> int:
    from sqlalchemy import func, select

    from clinic.extensions import db
    from clinic.models import Message

    with size.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Message))


def _median_ms(size: Size, page, requests: int) -> float:
    return statistics.median(size.request(page, n)[0] for n in range(requests)) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--instance", nargs="+", help="seeded SQLite instance folders, smallest first")
    where.add_argument("--database-url", nargs="+", help="seeded PostgreSQL databases, smallest first")
    parser.add_argument("--requests", type=int, default=20, help="per page, size and round (20)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--costs", action="store_true", help="add the encryption and worker ratios")
    args = parser.parse_args(argv)

    places = [(None, i) for i in args.instance] if args.instance else [(u, None) for u in args.database_url]
    sizes = [Size(url, instance) for url, instance in places]
    database = "SQLite" if args.instance else "PostgreSQL"
    described = ", ".join(f"{s.label} ({s.clients} clients)" for s in sizes)
    print(f"{database}; sizes {described}; load average {load.loadavg()}; "
          f"{args.requests} requests x {args.rounds} rounds per page and size")  # fmt: skip
    print_header(sizes)
    rows = measure_pages(sizes, args.requests, args.rounds)
    worst = max(rows, key=lambda row: row["ratio"])
    print(f"largest ratio: {worst['page']} {worst['ratio']:.2f}; load average {load.loadavg()}")
    if args.costs:
        folder = Path(tempfile.mkdtemp(prefix="knotwork-costs-"))
        try:
            worker_ratio(sizes[len(sizes) // 2], args.requests * 2, folder)
            encryption_ratio(sizes[0], args.requests * 10, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
