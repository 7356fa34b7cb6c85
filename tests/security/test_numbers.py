"""Numbers beyond what the database holds, in every URL id and every numeric query argument, by themselves.

The matrix finds the `<int:...>` parameters in app.url_map and the query arguments read as numbers in
the app's source (query_int("name"), as_id(request.args...)), then sends each one alone with 2^63 and
2^31, signed and not, as the owner: an id out of range is a 404, a query number out of range a 400, and
nothing answers 500 or changes a row.
"""

import ast
from pathlib import Path

import pytest

from .conftest import log_in
from .test_matrix import send
from .world import changed_tables, content_checksum, fill_url, routes

ROOT = Path(__file__).resolve().parents[2]
HUGE = [str(2**63), str(2**63 - 1), str(2**31), "-" + str(2**63), "9" * 40]


def numeric_query_arguments() -> set[str]:
    """Names the app reads as numbers from a query string (or a query-string id)."""
    names = set()
    for path in (ROOT / "clinic").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if called == "query_int" and isinstance(first, ast.Constant):
                names.add(first.value)
            elif (
                called == "get"
                and isinstance(first, ast.Constant)
                and any(
                    isinstance(k, ast.keyword) and k.arg == "type" and getattr(k.value, "id", "") == "int"
                    for k in node.keywords
                )
            ):
                names.add(first.value)
    names.add("appointment_id")  # read as request.args["appointment_id"] into a form field, then as_id
    return names


def test_the_finder_sees_the_arguments_it_should():
    assert {"page", "user", "before", "service", "appointment_id"} <= numeric_query_arguments()


def test_every_id_in_a_url_beyond_the_database_is_a_404(world_app):
    app, world = world_app
    owner = log_in(app.test_client(), world.a.emails["owner"])
    before = content_checksum(app)
    problems, checked = [], 0
    for rule, method in routes(app):
        for name in sorted(a for a in rule.arguments if f"<int:{a}>" in rule.rule):
            for huge in HUGE[:3]:
                url = _with(rule, world, name, huge)
                response = send(owner, method, url)
                checked += 1
                if response.status_code != 404:
                    problems.append((method, url, response.status_code))
    assert checked > 60 and not problems, problems
    assert changed_tables(before, content_checksum(app)) == []


def _with(rule, world, name: str, value: str) -> str:
    """The route's URL with one id replaced by `value` as text (url building would refuse it)."""
    marker = 7_654_321
    return fill_url(rule, world.a, query=False, **{name: marker}).replace(str(marker), value)


@pytest.mark.parametrize("argument", sorted(numeric_query_arguments()))
def test_every_numeric_query_argument_beyond_range_is_refused_alone(world_app, argument):
    app, world = world_app
    owner = log_in(app.test_client(), world.a.emails["owner"])
    before = content_checksum(app)
    problems, refused = [], set()
    for rule, method in routes(app, methods=("GET",)):
        if rule.endpoint == "static" or "<path:" in rule.rule:
            continue
        for huge in HUGE:
            url = fill_url(rule, world.a, query=False) + f"?{argument}={huge}"
            response = send(owner, method, url)
            if response.status_code >= 500:
                problems.append((url, response.status_code))
            if response.status_code == 400:
                refused.add(rule.endpoint)
    assert not problems, problems
    assert refused, f"no page refused ?{argument}= out of range: is it still read as a number?"
    assert changed_tables(before, content_checksum(app)) == []
