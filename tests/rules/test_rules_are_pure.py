"""clinic/rules/ is pure: standard library only, nothing else of ours, and no clock (DESIGN.md)."""

import ast
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "clinic" / "rules"
FORBIDDEN_PACKAGES = ("flask", "sqlalchemy", "wtforms", "reportlab", "werkzeug", "jinja2")
CLOCK_METHODS = {"today", "now", "utcnow"}  # date.today(), datetime.now(), datetime.utcnow(), ...
CLOCK_FUNCTIONS = {"time", "time_ns", "localtime", "gmtime", "ctime"}  # from the time module


def _forbidden_module(module: str) -> bool:
    top = module.split(".")[0]
    # flask_login, flask_wtf, ... are flask too
    if any(top == name or top.startswith(f"{name}_") for name in FORBIDDEN_PACKAGES):
        return True
    return top == "clinic" and not (module == "clinic.rules" or module.startswith("clinic.rules."))


def violations(source: str, name: str = "<source>") -> list[str]:
    """What makes this module impure, one line per problem."""
    problems = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            problems += [f"{name}:{node.lineno} imports {alias.name}" for alias in node.names
                         if _forbidden_module(alias.name)]  # fmt: skip
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:  # `from .. import x` leaves clinic.rules
                problems.append(
                    f"{name}:{node.lineno} imports from outside clinic.rules (level {node.level})"
                )
            elif node.level == 0 and node.module and _forbidden_module(node.module):
                problems.append(f"{name}:{node.lineno} imports {node.module}")
            elif node.level == 0 and node.module == "time":
                clock = [alias.name for alias in node.names if alias.name in CLOCK_FUNCTIONS]
                problems += [
                    f"{name}:{node.lineno} imports the clock time.{clock_name}" for clock_name in clock
                ]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if node.func.attr in CLOCK_METHODS:
                problems.append(f"{name}:{node.lineno} reads the clock (.{node.func.attr}())")
            elif isinstance(owner, ast.Name) and owner.id == "time" and node.func.attr in CLOCK_FUNCTIONS:
                problems.append(f"{name}:{node.lineno} reads the clock (time.{node.func.attr}())")
    return problems


def test_the_rules_package_is_where_we_think():
    names = {path.name for path in RULES.glob("*.py")}
    assert {"__init__.py", "vocabulary.py", "policy.py", "screening.py"} <= names


@pytest.mark.parametrize("path", sorted(RULES.glob("*.py")), ids=lambda path: path.name)
def test_rules_module_is_pure(path):
    assert violations(path.read_text(encoding="utf-8"), path.name) == []


# The checker itself must catch what it is meant to catch.
@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from flask import Flask",
        "import flask_login",
        "from flask_sqlalchemy import SQLAlchemy",
        "import sqlalchemy.orm",
        "from sqlalchemy import select",
        "import wtforms",
        "from reportlab.lib import colors",
        "from werkzeug.exceptions import NotFound",
        "import jinja2",
        "import clinic",
        "from clinic import db",
        "from clinic.models import Client",
        "import clinic.extensions",
        "from .. import extensions",
        "from ..models import user",
        "from datetime import date\nx = date.today()",
        "import datetime\nx = datetime.date.today()",
        "from datetime import datetime\nx = datetime.now()",
        "from datetime import datetime, UTC\nx = datetime.now(UTC)",
        "import datetime\nx = datetime.datetime.utcnow()",
        "import time\nx = time.time()",
        "from time import time",
    ],
)
def test_the_checker_catches(source):
    assert violations(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from . import vocabulary",
        "from .vocabulary import REGIONS",
        "from clinic.rules.vocabulary import REGIONS",
        "import clinic.rules.policy",
        "from datetime import date, timedelta\nx = date(2026, 1, 1) + timedelta(days=1)",
        "import re\nfrom types import MappingProxyType",
        "from flasky_thing import x",  # only flask itself and flask_* are flask
    ],
)
def test_the_checker_allows(source):
    assert violations(source) == []
