"""The load bench: seeded data, gunicorn with 2 workers, 8 users, every page as a ratio of a ceiling.

    .venv/bin/python bench/load.py [--database-url postgresql://...] [--duration 10] [--runs 3] [--keep]

Seeds (bench/seed.py) 20,000 clients, 200,000 visits and 50,000 appointments into a new SQLite
database in a temporary folder, or into the empty PostgreSQL database given by --database-url; starts
the app under gunicorn (2 sync workers) and the bare Flask table of bench/ceiling.py beside it; logs in
through the real /login form (one session per role); then loads each page from this process with wrk
(-t2 -c8, a Lua script for p50/p95) or, when wrk is missing, a Python load generator (2 processes x 4
threads). Each page gets a warm-up, then --duration seconds; the ceiling is measured first and last in
the same run. It prints req/s, p50, p95, the ratio to the ceiling, the single-user median latency and
whether the budgets of DESIGN.md hold: each page's one-user time at most 3x the floor's and p95 < 50 ms;
the floor at least 0.40 of the ceiling's throughput on SQLite (0.35 on PostgreSQL); one aftercare sheet
at most 5x the floor's time; today's batch under 300 ms for 30 sheets (its one-user time per sheet x 30).

Everything stays on 127.0.0.1 and ends with the run: both servers are stopped, the temporary SQLite
folder is removed and bench tables created in PostgreSQL are dropped (migrations down to base), unless
--keep. A database that already holds the bench clinic (kept from an earlier run) is reused as it is.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(ROOT))

import seed  # noqa: E402  (bench/seed.py)
from loadkit.generators import THREADS, USERS, Result, run_python, run_wrk, serial_median  # noqa: E402
from loadkit.http import login, request, start_server, stop_server  # noqa: E402

SECRET = "bench-secret-" + "k" * 40  # noqa: S105  (a throwaway server on 127.0.0.1)
# The budgets of DESIGN.md, as ratios to the yardsticks measured in the same run.
PAGE_FLOOR_TIMES, PAGE_P95_MS = 3.0, 50.0  # a page's one-user time vs the floor's; p95 at 8 users
FLOOR_RATIO = {"sqlite": 0.40, "postgresql": 0.35}  # the floor's throughput vs the ceiling's
SHEET_FLOOR_TIMES = 5.0  # one aftercare sheet's one-user time vs the floor's
BATCH_SHEETS, BATCH_MS = 30, 300.0  # today's batch of 30 sheets


@dataclass
class Endpoint:
    name: str
    role: str | None  # None: the ceiling server, no login
    paths: list[str]
    budget: str  # "page", "pdf", "batch", "floor" or "" (the ceiling)
    content_type: str = "text/html"
    sheets: int = 0  # the batch: sheets in one response


# ----------------------------------------------------------------------------------------------- data


def prepare(args) -> tuple:
    """The app (for queries), its instance folder, and whether this run created the data."""
    instance = args.instance or (None if args.database_url else tempfile.mkdtemp(prefix="knotwork-bench-"))
    app = seed.make_app(args.database_url, instance)
    state = seed.bench_state(app)
    if state == "other":
        sys.exit("The database holds data that is not the bench's: give an empty database (nothing touched).")
    created = state == "empty"
    if created:
        sizes = seed.scaled(seed.SIZES, args.scale)
        print(f"Seeding {sizes} (load average {loadavg()}) ...", flush=True)
        counts = seed.seed(app, sizes)
        print("Seeded: " + json.dumps(counts), flush=True)
    else:
        print("Reusing the bench clinic already in the database.")
    return app, instance, created


def targets(app) -> dict:
    """The URLs to load, drawn from the seeded data with a fixed random seed."""
    import random

    from sqlalchemy import func, select

    from clinic.clock import clinic_today
    from clinic.extensions import db
    from clinic.models import Client, Clinic, TriggerPoint, User, Visit

    rng = random.Random(5)
    with app.app_context():
        clinic = db.session.scalar(select(Clinic).where(Clinic.name == seed.BENCH_CLINIC))
        today = clinic_today(clinic)
        users = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
        therapist = users["therapist1"]
        keys = db.session.execute(select(Client.name_key, Client.last_key).order_by(Client.id)).all()
        prefixes = []
        for name_key, last_key in rng.sample(keys, 12):
            prefixes.append(
                last_key[: rng.choice((2, 3, 4))] if rng.random() < 0.6 else name_key[: rng.choice((2, 3))]
            )
        visited = db.session.scalars(
            select(Visit.client_id)
            .join(Client, Client.id == Visit.client_id)
            .where(Client.archived_at.is_(None))
            .group_by(Visit.client_id)
            .order_by(Visit.client_id)
        ).all()
        client_ids = rng.sample(list(visited), min(40, len(visited)))
        visits_per_client = db.session.execute(
            select(func.count()).select_from(Visit).where(Visit.client_id.in_(client_ids))
        ).scalar_one() / len(client_ids)
        drafts = db.session.scalars(
            select(Visit.id)
            .where(Visit.therapist_id == therapist.id, Visit.signed_at.is_(None))
            .order_by(Visit.id)
        ).all()
        with_points = select(TriggerPoint.visit_id).where(TriggerPoint.visit_id == Visit.id).exists()
        recent = db.session.scalars(
            select(Visit.id)
            .where(Visit.signed_at.is_not(None), Visit.visit_date >= today - timedelta(days=60), with_points)
            .order_by(Visit.id)
        ).all()
        notes = rng.sample(list(recent), min(40, len(recent)))
        todays = db.session.scalar(
            select(func.count()).where(Visit.therapist_id == therapist.id, Visit.visit_date == today)
        )
    monday = today - timedelta(days=today.weekday())
    weeks = [(monday + timedelta(weeks=n)).isoformat() for n in range(4)]
    days = [d.isoformat() for d in (today + timedelta(days=n) for n in range(8)) if d.weekday() < 5][:5]
    return {
        "therapist": "therapist1@" + seed.DOMAIN,
        "frontdesk": "desk@" + seed.DOMAIN,
        "prefixes": prefixes,
        "clients": client_ids,
        "visits_per_client": round(visits_per_client, 1),
        "drafts": list(drafts[:12]),
        "notes": notes,
        "todays_sheets": todays,
        "weeks": weeks,
        "days": days,
    }


def endpoints(t: dict) -> list[Endpoint]:
    return [
        # Not a budgeted page: the app's floor, a logged-in page with a 3-field form and no query of its
        # own (the session check, the base template, the security headers), to read the others against.
        Endpoint("floor: /account/password", "therapist", ["/account/password"], "floor"),
        Endpoint("home (therapist)", "therapist", ["/"], "page"),
        Endpoint(
            "client search", "therapist", [f"/clients?{urlencode({'q': p})}" for p in t["prefixes"]], "page"
        ),
        Endpoint("client page", "therapist", [f"/clients/{i}" for i in t["clients"]], "page"),
        Endpoint(
            "week calendar (own)", "therapist", [f"/calendar/week?date={d}" for d in t["weeks"]], "page"
        ),
        Endpoint(
            "week calendar (desk, all)", "frontdesk", [f"/calendar/week?date={d}" for d in t["weeks"]], "page"
        ),
        Endpoint("day calendar (desk, all)", "frontdesk", [f"/calendar?date={d}" for d in t["days"]], "page"),
        Endpoint("visit form", "therapist", [f"/visits/{i}/edit" for i in t["drafts"]], "page"),
        Endpoint("signed note", "therapist", [f"/visits/{i}" for i in t["notes"]], "page"),
        # the first three pages of the list, most overdue first, as the front desk calls through it
        Endpoint("recall list", "frontdesk", ["/recall", "/recall?page=2", "/recall?page=3"], "page"),
        Endpoint(
            "aftercare PDF",
            "therapist",
            [f"/visits/{i}/aftercare.pdf" for i in t["notes"][:20]],
            "pdf",
            "application/pdf",
        ),
        # the therapist's own sheets of today in one PDF: the budget is per sheet (x 30)
        Endpoint(
            "today's batch (therapist)",
            "therapist",
            ["/aftercare/today.pdf"] if t["todays_sheets"] else [],
            "batch",
            "application/pdf",
            t["todays_sheets"],
        ),
    ]


# ---------------------------------------------------------------------------------------------- runs


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def check(port: int, endpoint: Endpoint, cookie: str | None) -> None:
    """Every URL answers 200 with the expected type before it is loaded (a 302 to /login would be fast)."""
    for path in endpoint.paths:
        status, headers, _ = request(port, path, cookie)
        if status != 200 or not headers.get("content-type", "").startswith(endpoint.content_type):
            sys.exit(f"{endpoint.name}: GET {path} answered {status} {headers.get('content-type')}")


def measure(runner, port, endpoint, cookie, args, workdir) -> Result:
    runner(port, endpoint.paths, cookie, args.warmup, workdir)
    result = runner(port, endpoint.paths, cookie, args.duration, workdir)
    result.name, result.loadavg = endpoint.name, loadavg()
    result.serial_p50 = serial_median(port, endpoint.paths, cookie)
    return result


def one_run(number, runner, app_port, ceiling_port, pages, emails, args, workdir) -> list[Result]:
    ceiling = Endpoint("ceiling: bare Flask 50-row table", None, ["/"], "")
    print(f"\nRun {number} (load average {loadavg()})", flush=True)
    first = measure(runner, ceiling_port, ceiling, None, args, workdir)
    results = []
    for endpoint in pages:
        # a fresh session for each page: a session idles out after 30 minutes
        cookie = login(app_port, emails[endpoint.role], seed.PASSWORD)
        check(app_port, endpoint, cookie)
        results.append(measure(runner, app_port, endpoint, cookie, args, workdir))
        print(
            f"  {endpoint.name}: {results[-1].rps:.0f} req/s (load average {results[-1].loadavg})", flush=True
        )
    last = measure(runner, ceiling_port, ceiling, None, args, workdir)
    reference = (first.rps + last.rps) / 2
    top = Result(
        ceiling.name,
        reference,
        (first.p50 + last.p50) / 2,
        (first.p95 + last.p95) / 2,
        first.requests + last.requests,
        first.errors + last.errors,
        (first.serial_p50 + last.serial_p50) / 2,
        1.0,
        last.loadavg,
        {"first_rps": round(first.rps), "last_rps": round(last.rps)},
    )
    for result, endpoint in zip(results, pages, strict=True):
        result.ratio = result.rps / reference
        result.extra["sheets"] = endpoint.sheets
    rows = [top, *results]
    print_table(rows, {e.name: e.budget for e in pages}, args.dialect)
    return rows


def verdict(result: Result, budget: str, floor: Result | None, dialect: str) -> str:
    """Whether the row meets its budget of DESIGN.md, with the figure it was judged by."""
    if budget == "floor":
        return _judged(result.ratio >= FLOOR_RATIO[dialect], f"ratio >= {FLOOR_RATIO[dialect]:.2f}")
    if floor is None or not budget:
        return ""
    times = result.serial_p50 / floor.serial_p50
    if budget == "page":
        ok = times <= PAGE_FLOOR_TIMES and result.p95 < PAGE_P95_MS
        return _judged(ok, f"{times:.1f}x floor")
    if budget == "pdf":
        return _judged(times <= SHEET_FLOOR_TIMES, f"{times:.1f}x floor")
    if budget == "batch":
        thirty = result.serial_p50 / max(1, result.extra.get("sheets", 1)) * BATCH_SHEETS
        return _judged(thirty < BATCH_MS, f"{result.extra.get('sheets')} sheets; 30 in {thirty:.0f} ms")
    return ""


def _judged(ok: bool, figure: str) -> str:
    return f"{'yes' if ok else 'NO'} ({figure})"


def print_table(rows: list[Result], budgets: dict[str, str], dialect: str) -> None:
    floor = next((r for r in rows if budgets.get(r.name) == "floor"), None)
    print(f"  {'endpoint':34} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'1-user':>7}  budget")
    for r in rows:
        errors = f"  ({r.errors} errors)" if r.errors else ""
        print(
            f"  {r.name:34} {r.rps:7.0f} {r.p50:7.1f} {r.p95:7.1f} {r.ratio:6.2f} {r.serial_p50:7.1f}  "
            f"{verdict(r, budgets.get(r.name, ''), floor, dialect)}{errors}"
        )


def summarise(runs: list[list[Result]], budgets: dict[str, str], dialect: str) -> list[Result]:
    """Per endpoint, the median over runs of each figure (ratios taken within each run)."""
    out = []
    for rows in zip(*runs, strict=True):
        med = {
            k: statistics.median(getattr(r, k) for r in rows)
            for k in ("rps", "p50", "p95", "serial_p50", "ratio")
        }
        out.append(
            Result(
                rows[0].name,
                med["rps"],
                med["p50"],
                med["p95"],
                sum(r.requests for r in rows),
                sum(r.errors for r in rows),
                med["serial_p50"],
                med["ratio"],
                extra={"sheets": rows[0].extra.get("sheets", 0)},
            )
        )
    print(f"\nMedians of {len(runs)} runs:")
    print_table(out, budgets, dialect)
    return out


def environment(args, instance: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLINIC_INSTANCE_PATH")}
    env.update({"CLINIC_SECRET_KEY": SECRET, "CLINIC_LOG_LEVEL": "WARNING", "PYTHONDONTWRITEBYTECODE": "1"})
    env.setdefault("CLINIC_ENCRYPTION_KEYS", seed.ENCRYPTION_KEYS)
    # the production settings over plain HTTP on loopback: the documented opt-out of Secure cookies
    env.update({"CLINIC_PUBLIC_BASE_URL": "http://127.0.0.1", "CLINIC_SESSION_COOKIE_SECURE": "false"})
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if instance:
        env["CLINIC_INSTANCE_PATH"] = instance
    env.pop("FLASK_DEBUG", None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (default: SQLite in a temp folder)"
    )
    parser.add_argument(
        "--instance", help="SQLite instance folder to use (seeded if empty, reused if seeded)"
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page (10)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per page (3)")
    parser.add_argument("--runs", type=int, default=1, help="runs; the summary quotes medians (1)")
    parser.add_argument(
        "--port", type=int, default=5151, help="the app's port; the ceiling uses the next (5151)"
    )
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", help="comma-separated endpoint names to load (default: all)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--scale", type=float, default=1.0, help="seed this share of the data (smoke tests)")
    parser.add_argument("--app", default="clinic:create_app()", help="gunicorn app (for experiments)")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for later runs")
    args = parser.parse_args(argv)
    args.dialect = "postgresql" if args.database_url else "sqlite"

    use_wrk = args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk"))
    if args.tool == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk), or use --tool python")
    runner = run_wrk if use_wrk else run_python
    app, instance, created = prepare(args)
    t = targets(app)
    _dispose(app)
    pages = endpoints(t)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        pages = [e for e in pages if e.name in wanted]
    for endpoint in [e for e in pages if not e.paths]:
        print(f"{endpoint.name}: nothing in the data to load (a smaller --scale?); left out")
        pages.remove(endpoint)
    workdir = Path(tempfile.mkdtemp(prefix="knotwork-load-"))
    env = environment(args, instance)
    servers = []
    try:
        servers.append(start_server(args.app, args.port, env, workdir / "app.log", "/health"))
        servers.append(start_server("ceiling:create_app()", args.port + 1, env, workdir / "ceiling.log", "/"))
        print(_header(args, use_wrk, t), flush=True)
        emails = {"therapist": t["therapist"], "frontdesk": t["frontdesk"]}
        runs = [
            one_run(n, runner, args.port, args.port + 1, pages, emails, args, workdir)
            for n in range(1, args.runs + 1)
        ]
        budgets = {e.name: e.budget for e in pages}
        summary = summarise(runs, budgets, args.dialect) if args.runs > 1 else runs[0]
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "machine": machine(),
                        "tool": "wrk" if use_wrk else "python",
                        "targets": t,
                        "duration": args.duration,
                        "database": "postgresql" if args.database_url else "sqlite",
                        "runs": [[asdict(r) for r in rows] for rows in runs],
                        "summary": [asdict(r) for r in summary],
                    },
                    indent=1,
                )
            )
    finally:
        for server in servers:
            stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)
        _cleanup(app, args, instance, created)
    return 0


def _dispose(app) -> None:
    from clinic.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _cleanup(app, args, instance: str | None, created: bool) -> None:
    if args.keep or not created:
        where = instance if not args.database_url else "the PostgreSQL database"
        print(f"\nThe bench database is kept in {where}.")
        return
    if args.database_url:
        import flask_migrate

        with app.app_context():
            flask_migrate.downgrade(revision="base")
            _dispose(app)
        print("\nBench tables dropped from the PostgreSQL database (migrations down to base).")
    elif instance and not args.instance:
        shutil.rmtree(instance, ignore_errors=True)


def machine() -> dict:
    import platform
    import sqlite3

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "?",
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _header(args, use_wrk: bool, t: dict) -> str:
    m = machine()
    database = "PostgreSQL" if args.database_url else "SQLite"
    tool = (
        f"wrk -t{THREADS} -c{USERS}"
        if use_wrk
        else f"Python load generator ({THREADS} processes x 4 threads)"
    )
    return (
        f"\n{m['cpus']} CPUs ({m['cpu']}), {m['memory']}, Python {m['python']}, SQLite {m['sqlite']}\n"
        f"Database: {database}. Load: {tool}, {USERS} concurrent users, warm-up {args.warmup:g} s, "
        f"{args.duration:g} s per page; gunicorn -w 2 sync on each server.\n"
        f"Pages rotate over: {len(t['prefixes'])} search prefixes {t['prefixes']}, "
        f"{len(t['clients'])} clients "
        f"({t['visits_per_client']} visits each on average), {len(t['weeks'])} weeks, {len(t['days'])} days, "
        f"{len(t['drafts'])} draft notes, {len(t['notes'])} signed notes (20 for the PDF)."
    )


if __name__ == "__main__":
    sys.exit(main())
