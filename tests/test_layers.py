"""Imports point inward (DESIGN.md): views -> services -> models and rules. Read from the source with `ast`.

- A service never renders or reads the request: no render_template, request, session, g, flash,
  redirect, abort or current_user. A service is any module of a feature package (clinic/<feature>/)
  that is not web plumbing by its name (views, *_views, public, pages, panels, *_panels, web, forms,
  api, feeds, cli, sessions, demo) and registers no routes.
- The models import no feature: only other models and the storage (extensions, database, clock, the
  encrypted column types) and the pure rules.
- Only the app factory (clinic/__init__.py) imports a module that defines a blueprint. Inside one
  package, `from . import bp` from the package's __init__ (microblog's form) is the exception.

ALLOWED would list exceptions by (importing module, what it imports); it is empty, and an entry whose
import no longer happens fails the test, so the list can only shrink.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLINIC = ROOT / "clinic"

WEB_NAMES = re.compile(
    r"(views|.+_views|public|pages|panels?|.+_panels?|web|forms|api|feeds|cli|sessions|demo)"
)
REQUEST_NAMES = {
    "flask": {"render_template", "render_template_string", "request", "session", "g", "flash", "redirect",
              "make_response", "abort"},
    "flask_login": {"current_user", "login_user", "logout_user"},
}  # fmt: skip
MODEL_MAY_IMPORT = ("clinic.models", "clinic.extensions", "clinic.storage.database", "clinic.clock",
                    "clinic.encryption.types", "clinic.rules")  # fmt: skip
FACTORY = "clinic"

# What is still true, by (importing module, what it imports). The lead empties this list.
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Module:
    name: str  # dotted: clinic.visits.services
    is_package: bool  # an __init__.py
    tree: ast.Module

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _module(path: Path) -> Module:
    parts = path.relative_to(ROOT).with_suffix("").parts
    is_package = parts[-1] == "__init__"
    name = ".".join(parts[:-1] if is_package else parts)
    return Module(name, is_package, ast.parse(path.read_text(encoding="utf-8"), str(path)))


MODULES = {module.name: module for module in map(_module, sorted(CLINIC.rglob("*.py")))}


def imports(module: Module, known=MODULES) -> list[tuple[str, str | None, int]]:
    """(module imported, name taken from it or None, line) for every import, in functions too.

    `from clinic.visits import services` imports the module clinic.visits.services; `from clinic.visits
    import x`, where x is no module, takes the name x from clinic.visits."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.append(
                    (submodule, None, node.lineno)
                    if submodule in known
                    else (source, alias.name, node.lineno)
                )
    return found


def defines_blueprint(module: Module) -> bool:
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if (isinstance(func, ast.Name) and func.id == "Blueprint") or (
                isinstance(func, ast.Attribute) and func.attr == "Blueprint"
            ):
                return True
    return False


def registers_routes(module: Module) -> bool:
    """A module whose functions are routes of a blueprint (@bp.route, @bp.get, ...)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    if target.value.id.endswith("bp"):
                        return True
    return False


def is_service(module: Module) -> bool:
    parts = module.name.split(".")
    # clinic/web is the request's plumbing and clinic/storage begins a transaction by the request's
    # method (a page view reads without SQLite's write lock): neither is a service
    if len(parts) < 3 or parts[1] in ("models", "rules", "web", "storage") or module.is_package:
        return False
    return (
        not WEB_NAMES.fullmatch(parts[-1]) and not defines_blueprint(module) and not registers_routes(module)
    )


def service_problems(module: Module, known=MODULES) -> set[tuple[str, str]]:
    return {
        (module.name, f"{source}.{name}")
        for source, name, _ in imports(module, known)
        if name in REQUEST_NAMES.get(source, ())
    }


def model_problems(module: Module, known=MODULES) -> set[tuple[str, str]]:
    if not module.name.startswith("clinic.models"):
        return set()
    return {
        (module.name, source)
        for source, _, _ in imports(module, known)
        if source.split(".")[0] == "clinic"
        and not any(source == ok or source.startswith(f"{ok}.") for ok in MODEL_MAY_IMPORT)
    }


def view_import_problems(module: Module, blueprints: set[str], known=MODULES) -> set[tuple[str, str]]:
    """A module that imports a blueprint or a module of routes (the app factory and, microblog's way, a
    package's __init__ importing its own route modules at the bottom excepted)."""
    if module.name == FACTORY:
        return set()
    problems = set()
    for source, name, _ in imports(module, known):
        routes = source in known and registers_routes(known[source])
        if source not in blueprints and not routes:
            continue
        own_package = known.get(source) is not None and known[source].is_package and module.package == source
        if own_package and name is not None and name.endswith("bp"):
            continue  # microblog's form: the routes of a package take the package's bp (or api_bp, ...)
        if module.is_package and source.rpartition(".")[0] == module.name:
            continue  # the package's __init__ registers its own route modules
        problems.add((module.name, source))
    return problems


BLUEPRINTS = {name for name, module in MODULES.items() if defines_blueprint(module)}
SERVICES = sorted(name for name, module in MODULES.items() if is_service(module))


def problems_of(module: Module, modules=MODULES, blueprints=BLUEPRINTS) -> set[tuple[str, str]]:
    problems = service_problems(module, modules) if is_service(module) else set()
    return problems | model_problems(module, modules) | view_import_problems(module, blueprints, modules)


def all_problems() -> set[tuple[str, str]]:
    return set().union(*(problems_of(module) for module in MODULES.values()))


def test_the_layers_are_where_we_think():
    assert {"clinic.visits.services", "clinic.screening.services", "clinic.visits.frequency"} <= set(SERVICES)
    assert not {"clinic.visits.views", "clinic.visits.panels", "clinic.screening.pages"} & set(SERVICES)
    assert {"clinic.visits.views", "clinic.auth", "clinic.schedule"} <= BLUEPRINTS


def test_imports_point_inward():
    problems = all_problems()
    assert sorted(problems - ALLOWED) == [], "a layer imports outward (see the docstring)"
    assert sorted(ALLOWED - problems) == [], "fixed: take these out of ALLOWED"


# The checker catches what it is meant to catch (each source is planted as the module named).
def planted(name: str, source: str, is_package: bool = False) -> Module:
    return Module(name, is_package, ast.parse(source))


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("clinic.visits.services", "from flask import render_template"),
        ("clinic.visits.services", "from flask import g, current_app"),
        ("clinic.visits.services", "def f():\n    from flask_login import current_user"),
        ("clinic.visits.frequency", "from flask import request"),
        ("clinic.screening.alerts", "from flask_login import current_user"),
        ("clinic.models.visit", "from ..visits import services"),
        ("clinic.models.visit", "from clinic.schedule.booking import x"),
        ("clinic.models.visit", "import clinic.intake.services"),
        ("clinic.visits.services", "from ..schedule import calendar_views"),
        ("clinic.visits.services", "from ..schedule import bp"),
        ("clinic.visits.panels", "from clinic.auth.views import safe_next"),
        ("clinic.portal.services", "from ..aftercare import public"),
    ],
)
def test_the_checker_catches(name, source):
    assert problems_of(planted(name, source)) != set()


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("clinic.visits.services", "from flask import current_app, url_for"),
        ("clinic.visits.views", "from flask import render_template, request"),
        ("clinic.visits.panels", "from flask_login import current_user"),
        ("clinic.models.visit", "from ..extensions import db\nfrom ..rules.vocabulary import REGIONS"),
        ("clinic.models.visit", "from ..encryption.types import Encrypted"),
        ("clinic.visits.services", "from ..schedule import booking"),
        ("clinic", "from .auth.views import bp"),  # the app factory
    ],
)
def test_the_checker_allows(name, source):
    assert problems_of(planted(name, source)) == set()


def test_a_blueprint_in_its_package_is_taken_from_there():
    """microblog's form: bp in clinic/x/__init__.py, the routes import it; nobody else does."""
    package = planted("clinic.demo_feature", "bp = Blueprint('x', __name__)", is_package=True)
    importers = [
        planted("clinic.demo_feature.views", "from . import bp"),
        planted("clinic.demo_feature.routes", "from clinic.demo_feature import bp"),
        planted("clinic.other.services", "from ..demo_feature import bp"),
    ]
    modules = MODULES | {module.name: module for module in [package, *importers]}
    blueprints = BLUEPRINTS | {package.name}
    problems = set().union(*(problems_of(module, modules, blueprints) for module in importers))
    assert problems == {("clinic.other.services", "clinic.demo_feature")}
