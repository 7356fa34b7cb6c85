"""Time and peak memory of a whole-clinic export (clinic/exports/builder.py) of the bench clinic.

    .venv/bin/python bench/export_clinic.py --instance /tmp/knotwork-bench          # 20,000 / 200,000
    .venv/bin/python bench/export_clinic.py --clients 2000 --visits 20000          # a scratch SQLite
    .venv/bin/python bench/export_clinic.py --database-url postgresql://... [--import-check]

Seeds the bench clinic (bench/seed.py) when the database is empty, then builds the export the way the
worker does (one read transaction, progress written on its own connection) into a temporary file and
prints: seconds per part (JSON, CSV, notes PDFs), rows, the ZIP's size, and memory: the process's
resident size before the build and its peak (getrusage ru_maxrss) after, so the growth is what the
build itself held. No tracemalloc: it would slow the build several times over.
With --import-check it also imports the ZIP into a new SQLite database and times that.
"""

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))

import seed as bench_seed  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--instance")
    parser.add_argument("--clients", type=int, default=bench_seed.SIZES["clients"])
    parser.add_argument("--visits", type=int, default=bench_seed.SIZES["visits"])
    parser.add_argument("--appointments", type=int, default=bench_seed.SIZES["appointments"])
    parser.add_argument("--import-check", action="store_true", help="import the ZIP into a new SQLite file")
    args = parser.parse_args(argv)
    scratch = not args.database_url and not args.instance
    if scratch:
        args.instance = tempfile.mkdtemp(prefix="knotwork-export-bench-")
    try:
        return _run(args)
    finally:
        if scratch:
            shutil.rmtree(args.instance, ignore_errors=True)


def _run(args) -> int:
    app = bench_seed.make_app(args.database_url, args.instance)
    state = bench_seed.bench_state(app)
    if state == "other":
        print("The database holds other data; the bench only uses its own clinic.", file=sys.stderr)
        return 2
    if state == "empty":
        sizes = {"clients": args.clients, "visits": args.visits, "appointments": args.appointments}
        print("seeding", json.dumps(bench_seed.seed(app, sizes, log=lambda *a: None)))
    from sqlalchemy import select

    from clinic.exports import builder
    from clinic.extensions import db
    from clinic.models import Clinic
    from clinic.storage.database import reads_before_writes

    folder = Path(tempfile.mkdtemp(prefix="knotwork-export-zip-"))
    target = folder / "export.zip"
    figures: dict = {}
    try:
        with app.app_context(), reads_before_writes():
            clinic_id = db.session.scalar(select(Clinic.id).where(Clinic.name == bench_seed.BENCH_CLINIC))
            db.session.rollback()
            rss_before = rss_mb()
            cpu_before = time.process_time()
            started = time.perf_counter()
            units = builder.count_units(clinic_id)
            counted = time.perf_counter() - started
            reports = []
            timings: dict[str, float] = {}
            with open(target, "wb") as handle:
                manifest = builder.build(clinic_id, handle, reports.append, timings)
            total = time.perf_counter() - started
            cpu = time.process_time() - cpu_before
            db.session.rollback()
        figures = {
            "database": "postgresql" if args.database_url else "sqlite",
            "rows": {name: entry["rows"] for name, entry in manifest["entities"].items()},
            "notes_pdfs": manifest["notes_pdfs"],
            "progress_units": units,
            "progress_reports": len(reports),
            "seconds": {
                "count": round(counted, 1),
                **{k: round(v, 1) for k, v in timings.items()},
                "total": round(total, 1),
                "cpu": round(cpu, 1),  # this process only (the database server's time is not in it)
            },
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "zip_mb": round(target.stat().st_size / 1048576, 1),
            "rss_before_mb": round(rss_before, 1),
            "peak_rss_mb": round(peak_mb(), 1),
            "growth_mb": round(peak_mb() - rss_before, 1),
        }
        if args.import_check:
            figures["import"] = _import(target, folder)
    finally:
        print(json.dumps(figures, indent=1))
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _import(zip_path: Path, folder: Path) -> dict:
    """Time the import of the ZIP into a new, migrated SQLite database (a child process: its own app)."""
    import subprocess

    instance = folder / "imported"
    instance.mkdir()
    env = {**os.environ, "CLINIC_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "clinic"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run([*flask, "import-clinic", str(zip_path)], env=env, capture_output=True, text=True)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "ok": done.returncode == 0,
        "last_line": (done.stdout.strip().splitlines() or [done.stderr.strip()[-300:]])[-2:],
    }


if __name__ == "__main__":
    sys.exit(main())
