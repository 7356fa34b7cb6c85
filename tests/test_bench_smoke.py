"""The load bench and the page profiler still run end to end, on a tiny seed (figures not judged).

The bench's one command is part of what issue 8 asks for; without this it would only be run by
hand, and a change to a page or a login form could break it unnoticed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_NOW

ROOT = Path(__file__).resolve().parent.parent
PAGES = "client search,client page,aftercare PDF"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "CLINIC_CLOCK": TEST_NOW},  # the seed and the servers share the test's clock
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_load_bench_and_page_profiler_run_on_a_small_seed(tmp_path):
    instance = tmp_path / "bench-instance"
    figures = tmp_path / "figures.json"
    bench = run(
        "bench/load.py", "--instance", str(instance), "--scale", "0.003", "--tool", "python",
        "--duration", "0.5", "--warmup", "0.2", "--port", "5171", "--only", PAGES, "--json", str(figures),
    )  # fmt: skip
    assert bench.returncode == 0, bench.stdout[-3000:] + bench.stderr[-3000:]
    summary = {row["name"]: row for row in json.loads(figures.read_text())["summary"]}
    assert set(summary) == {"ceiling: bare Flask 50-row table", *PAGES.split(",")}
    for name, row in summary.items():
        assert row["rps"] > 0 and row["p95"] >= row["p50"] > 0 and row["errors"] == 0, (name, row)
    assert "client page" in bench.stdout and "ratio" in bench.stdout

    profile = run(
        "bench/profile_pages.py", "--instance", str(instance), "--requests", "3", "--only", "client page"
    )
    assert profile.returncode == 0, profile.stdout[-3000:] + profile.stderr[-3000:]
    line = next(row for row in profile.stdout.splitlines() if row.startswith("client page"))
    median_ms, mean_ms, queries, _ = (float(value) for value in line.split()[-4:])
    assert median_ms > 0 and mean_ms > 0 and queries >= 3
