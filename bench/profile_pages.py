"""Each page of the load bench, in one process: its own time, its queries, and where the time goes.

    .venv/bin/python bench/seed.py --instance /tmp/bench        # once: seed and keep a database
    .venv/bin/python bench/profile_pages.py --instance /tmp/bench [--only "client page"] [--profile]

No HTTP and no second worker: Flask's test client, logged in through the real /login form, requests
each page of bench/load.py's list (the same URLs, rotated) and prints the median and mean time of a
request, the number of queries per request and the time spent in them. --profile adds a
pyinstrument report of the selected pages (pip install pyinstrument; not a project dependency).
This is the tool for finding a cause; bench/load.py is the one for the figures of the budgets.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

import load  # noqa: E402  (bench/load.py)
import seed  # noqa: E402  (bench/seed.py)


def logged_in_client(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/login", data={"email": email, "password": seed.PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        sys.exit(f"login as {email} failed ({response.status_code})")
    return client


class QueryCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count, self.seconds, self._started = 0, 0.0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args):
        self._started = time.perf_counter()

    def _after(self, *_args):
        self.count += 1
        self.seconds += time.perf_counter() - self._started


def measure(client, paths: list[str], requests: int, counter: QueryCounter, content_type: str) -> dict:
    for path in paths[:3]:  # warm-up, and a check that the page answers what it should
        response = client.get(path)
        if response.status_code != 200 or not response.content_type.startswith(content_type):
            sys.exit(f"{path} answered {response.status_code} {response.content_type}")
    times, queries, query_seconds = [], 0, 0.0
    for n in range(requests):
        path = paths[n % len(paths)]
        counter.count, counter.seconds = 0, 0.0
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
        queries += counter.count
        query_seconds += counter.seconds
    return {
        "median_ms": statistics.median(times) * 1000,
        "mean_ms": statistics.fmean(times) * 1000,
        "queries": queries / requests,
        "query_ms": query_seconds / requests * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instance", help="a kept SQLite bench instance folder (bench/seed.py --instance)")
    parser.add_argument("--database-url", help="a seeded PostgreSQL database")
    parser.add_argument("--only", action="append", help="page name as bench/load.py prints it (repeatable)")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument report per page")
    args = parser.parse_args(argv)
    if not args.instance and not args.database_url:
        parser.error("give --instance or --database-url of a seeded bench database")

    app = seed.make_app(args.database_url, args.instance)
    if seed.bench_state(app) != "seeded":
        sys.exit("No bench clinic in that database: seed it first (bench/seed.py --instance DIR).")
    from clinic.extensions import db

    targets = load.targets(app)
    pages = [e for e in load.endpoints(targets) if not args.only or e.name in args.only]
    with app.app_context():
        counter = QueryCounter(db.engine)
    clients = {role: logged_in_client(app, targets[role]) for role in ("therapist", "frontdesk")}
    print(f"{'page':<28} {'median ms':>9} {'mean ms':>8} {'queries':>7} {'in SQL ms':>9}")
    for page in pages:
        client = clients[page.role]
        figures = measure(client, page.paths, args.requests, counter, page.content_type)
        print(
            f"{page.name:<28} {figures['median_ms']:>9.2f} {figures['mean_ms']:>8.2f} "
            f"{figures['queries']:>7.1f} {figures['query_ms']:>9.2f}",
            flush=True,
        )
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for n in range(args.requests):
                    client.get(page.paths[n % len(page.paths)])
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
