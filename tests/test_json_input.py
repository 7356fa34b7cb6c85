"""JSON bodies: one bounded parser (depth and size), clear 4xx answers, and no other way in."""

import ast
from pathlib import Path

import pytest

from clinic.web.json_input import JSONBodyError, nesting_depth, parse

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[["', 0),  # brackets inside a string do not nest
        ('["]", {"a": "\\"[{"}]', 2),  # nor after an escaped quote
        ("[[], [[]], {}]", 3),
        ('{"a": {"b": [1, {"c": []}]}}', 5),
        ("[" * 1000 + "]" * 1000, 1000),
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text) == depth


def test_parse_refuses_deep_large_and_broken_bodies_with_a_reason():
    assert parse('{"a": [1, 2]}', max_depth=2, max_bytes=100) == {"a": [1, 2]}
    with pytest.raises(JSONBodyError, match="nests 3 levels deep; at most 2") as deep:
        parse('{"a": [[1]]}', max_depth=2, max_bytes=100)
    assert deep.value.status == 400
    with pytest.raises(JSONBodyError, match="larger than 10 bytes") as large:
        parse("[" + "1," * 20 + "1]", max_depth=2, max_bytes=10)
    assert large.value.status == 413
    with pytest.raises(JSONBodyError, match=r"not valid JSON: Expecting value \(line 1, column 7\)"):
        parse('{"a": }', max_depth=2, max_bytes=100)
    with pytest.raises(JSONBodyError, match="not UTF-8"):
        parse(b'{"a": "\xff"}', max_depth=2, max_bytes=100)


def test_no_view_reads_a_json_body_around_the_bounded_parser():
    """request.get_json() and request.json would recurse without a bound: only json_input parses."""
    found = []
    for path in sorted((ROOT / "clinic").rglob("*.py")):
        if path.name == "json_input.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("get_json", "json")
                and (isinstance(node.value, ast.Name) and node.value.id == "request")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


@pytest.mark.parametrize("url", ["/api/appointments", "/api/screening"])
def test_a_deeply_nested_body_is_a_400_with_a_message(web, login_as, therapist, url):
    login_as(therapist)
    response = web.post(url, data="[" * 1000 + "]" * 1000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "The JSON body nests 1000 levels deep; at most 16 are accepted."}


def test_a_body_that_is_not_json_is_named(web, login_as, therapist):
    login_as(therapist)
    response = web.post(
        "/api/appointments", data="therapist=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415 and "application/json" in response.get_json()["error"]
