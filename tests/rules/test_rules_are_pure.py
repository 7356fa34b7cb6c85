"""The pure modules are pure: standard library only, nothing of ours but other pure modules, no clock.

clinic/rules/ is pure by DESIGN.md; so are the modules beside the features that hold content or
geometry rather than behaviour: the body map and its shapes, the intake questionnaire and its
description, the aftercare sheet's content (its inputs, wording and the sheet itself; pdf.py renders
it with reportlab and is not pure), and the visit charts.
"""

import ast
from pathlib import Path

import pytest

CLINIC = Path(__file__).resolve().parents[2] / "clinic"
RULES = CLINIC / "rules"
# Pure modules outside clinic/rules/, by dotted name; they may import each other and clinic.rules.
PURE_MODULES = (
    "clinic.bodymap",
    "clinic.bodymap.shapes",
    "clinic.intake.describe",
    "clinic.intake.questionnaire",
    "clinic.aftercare.inputs",
    "clinic.aftercare.wording",
    "clinic.aftercare.sheet",
    "clinic.visits.charts",
)
FORBIDDEN_PACKAGES = ("flask", "sqlalchemy", "wtforms", "reportlab", "werkzeug", "jinja2", "markupsafe")
CLOCK_METHODS = {"today", "now", "utcnow"}  # date.today(), datetime.now(), datetime.utcnow(), ...
CLOCK_FUNCTIONS = {"time", "time_ns", "localtime", "gmtime", "ctime"}  # from the time module


def _pure_module(module: str) -> bool:
    return module == "clinic.rules" or module.startswith("clinic.rules.") or module in PURE_MODULES


def _forbidden_module(module: str) -> bool:
    top = module.split(".")[0]
    # flask_login, flask_wtf, ... are flask too
    if any(top == name or top.startswith(f"{name}_") for name in FORBIDDEN_PACKAGES):
        return True
    return top == "clinic" and not _pure_module(module)


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """The dotted name a `from ... import` reads, relative imports resolved from `module`."""
    if not node.level:
        return node.module or ""
    package = module.split(".")[: -node.level]
    return ".".join(package + ([node.module] if node.module else []))


def violations(source: str, name: str = "<source>", module: str = "clinic.rules.checked") -> list[str]:
    """What makes this module (dotted name `module`) impure, one line per problem."""
    problems = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            problems += [f"{name}:{node.lineno} imports {alias.name}" for alias in node.names
                         if _forbidden_module(alias.name)]  # fmt: skip
        elif isinstance(node, ast.ImportFrom):
            source_module = _absolute(node, module)
            # `from clinic import bodymap` reads clinic.bodymap; `from clinic import db` reads clinic
            problems += [
                f"{name}:{node.lineno} imports {source_module}.{alias.name}"
                for alias in node.names
                if _forbidden_module(source_module) and _forbidden_module(f"{source_module}.{alias.name}")
            ]
            if source_module == "time":
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


def _path(module: str) -> Path:
    """The file of a dotted module: clinic/x/y.py, or clinic/x/y/__init__.py for a package."""
    path = CLINIC.parent.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


PURE_FILES = sorted(RULES.glob("*.py")) + [_path(module) for module in PURE_MODULES]


def _dotted(path: Path) -> str:
    parts = path.relative_to(CLINIC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_rules_package_is_where_we_think():
    names = {path.name for path in RULES.glob("*.py")}
    assert {"__init__.py", "vocabulary.py", "policy.py", "screening.py"} <= names


def test_the_pure_modules_are_where_we_think():
    assert [path for path in PURE_FILES if not path.is_file()] == []


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda path: path.relative_to(CLINIC).as_posix())
def test_module_is_pure(path):
    module = _dotted(path)
    # a package's __init__ resolves `from . import x` from itself
    module = f"{module}.__init__" if path.name == "__init__.py" else module
    assert violations(path.read_text(encoding="utf-8"), path.name, module) == []


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
        "from markupsafe import Markup",
        "from clinic.aftercare import pdf",  # renders with reportlab
        "from clinic.intake import services",
        "from clinic.visits import charts, services",
        "from ..intake import services",
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
        "from ..rules.policy import WINDOWS",  # leaves clinic.rules to come back
        "from clinic import bodymap",
        "from clinic.bodymap.shapes import Polygon",
        "from clinic.aftercare import wording as w",
        "from clinic.aftercare.inputs import ClinicInfo",
        "from ..visits.charts import Series",
    ],
)
def test_the_checker_allows(source):
    assert violations(source) == []
