"""Load generators: wrk with a Lua script for the percentiles, or Python threads in two processes."""

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

from .http import request

USERS, THREADS = 8, 2


@dataclass
class Result:
    name: str
    rps: float
    p50: float
    p95: float
    requests: int
    errors: int
    serial_p50: float | None = None
    ratio: float | None = None
    loadavg: str = ""
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------ load generators

LUA = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%.1f, \\"p95_us\\": %%.1f, " ..
    "\\"errors\\": %%d, \\"status_errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def run_wrk(port: int, paths: list[str], cookie: str | None, seconds: float, workdir: Path) -> Result:
    script = workdir / "paths.lua"
    headers = f'["Cookie"] = {json.dumps(cookie)}' if cookie else ""
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "headers": headers})
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{USERS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if line is None:
        sys.exit("wrk printed no result:\n" + out)
    data = json.loads(line.split(" ", 1)[1])
    return Result(
        "",
        data["requests"] / (data["duration_us"] / 1e6),
        data["p50_us"] / 1000,
        data["p95_us"] / 1000,
        data["requests"],
        data["errors"] + data["status_errors"],
    )


def _python_user(port, paths, cookie, deadline, offset, out) -> None:
    headers = {"Cookie": cookie} if cookie else {}
    conn, n, errors, latencies = None, offset, 0, []
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            if conn is None:
                conn = HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", paths[n % len(paths)], headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
            if response.will_close:
                conn.close()
                conn = None
        except OSError:
            errors += 1
            conn = None
        latencies.append(time.perf_counter() - started)
        n += 1
    out.append((latencies, errors))


def _python_process(port, paths, cookie, seconds, threads, offset, queue) -> None:
    import threading

    deadline = time.perf_counter() + seconds
    out: list = []
    workers = [
        threading.Thread(target=_python_user, args=(port, paths, cookie, deadline, offset + i * 7, out))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(([x for lat, _ in out for x in lat], sum(e for _, e in out)))


def run_python(port: int, paths: list[str], cookie: str | None, seconds: float, _workdir: Path) -> Result:
    """8 users as 2 processes of 4 threads (one process would be held back by its own GIL)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    per = USERS // THREADS
    processes = [
        context.Process(target=_python_process, args=(port, paths, cookie, seconds, per, i * 101, queue))
        for i in range(THREADS)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    parts = [queue.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for part, _ in parts for x in part)
    errors = sum(e for _, e in parts)
    count = len(latencies)
    return Result(
        "",
        count / min(elapsed, seconds + 1),
        1000 * latencies[count // 2],
        1000 * latencies[min(count - 1, int(count * 0.95))],
        count,
        errors,
    )


def serial_median(port: int, paths: list[str], cookie: str | None, seconds: float = 2.0) -> float:
    """One user, one request at a time: the page's own time (the PDF budget is about this one)."""
    times, n, deadline = [], 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline or n < 10:
        started = time.perf_counter()
        request(port, paths[n % len(paths)], cookie)
        times.append((time.perf_counter() - started) * 1000)
        n += 1
    return statistics.median(times)
