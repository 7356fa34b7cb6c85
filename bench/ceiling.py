"""The ceiling of the load bench: a bare Flask app whose one route renders a 50-row Jinja table of objects.

No database, no login, no hooks: what Flask, Jinja and gunicorn cost on this machine. bench/load.py
serves it with the same gunicorn settings as the app and quotes every page as a ratio of it.

    gunicorn -w 2 --pythonpath bench 'ceiling:create_app()'      # what load.py runs
    .venv/bin/python bench/ceiling.py                            # in-process cost of one request
"""

import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, render_template
from jinja2 import DictLoader

ROWS = 50

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clients</title></head>
<body><main><h1>Clients</h1>
<table class="list">
<thead><tr><th>Name</th><th>Phone</th><th>Email</th><th>Born</th><th>Last visit</th></tr></thead>
<tbody>
{% for row in rows %}<tr><td><a href="/clients/{{ row.id }}">{{ row.name }}</a></td><td>{{ row.phone }}</td>
<td>{{ row.email }}</td><td>{{ row.born }}</td><td>{{ row.last_visit or '—' }}</td></tr>
{% endfor %}</tbody></table></main></body></html>
"""


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    phone: str
    email: str
    born: date
    last_visit: date | None


def _rows() -> list[Row]:
    first = date(1960, 1, 1)
    return [
        Row(
            n,
            f"Client <{n}> O'Brien",
            f"+44 7700 9{n:05d}",
            f"client.{n}@example.com",
            first + timedelta(days=97 * n),
            None if n % 7 == 0 else date(2026, 1, 1) + timedelta(days=n),
        )
        for n in range(1, ROWS + 1)
    ]


def create_app() -> Flask:
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"table.html": PAGE})
    rows = _rows()

    @app.get("/")
    def table():
        return render_template("table.html", rows=rows)

    return app


def main() -> None:
    client = create_app().test_client()
    for _ in range(200):
        client.get("/")
    times = []
    for _ in range(2000):
        started = time.perf_counter()
        client.get("/")
        times.append((time.perf_counter() - started) * 1e6)
    print(f"ceiling page in-process (test client): median {statistics.median(times):.0f} µs per request")


if __name__ == "__main__":
    main()
