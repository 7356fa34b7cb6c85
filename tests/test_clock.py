"""The app's clock: one place reads the time of day, tests set it, and no test reads the real one."""

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clinic import create_app
from clinic.clock import SetClock, clinic_today, utcnow
from tests.conftest import DEFAULT_TEST_NOW, TEST_NOW, base_config
from tests.rules.test_rules_are_pure import CLOCK_FUNCTIONS, CLOCK_METHODS

ROOT = Path(__file__).resolve().parents[1]
# Durations and waits are not the time of day: tests and the request log may measure them.
SYSTEM_CLOCK_READERS = {"clinic/clock.py"}


def system_clock_reads(path: Path) -> list[str]:
    """Calls that read the system's date or time of day: date.today(), datetime.now(), time.time()."""
    name = path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), name)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if node.func.attr in CLOCK_METHODS and not (isinstance(owner, ast.Name) and owner.id == "clock"):
                found.append(f"{name}:{node.lineno} .{node.func.attr}()")
            elif isinstance(owner, ast.Name) and owner.id == "time" and node.func.attr in CLOCK_FUNCTIONS:
                found.append(f"{name}:{node.lineno} time.{node.func.attr}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [f"{name}:{node.lineno} time.{a.name}" for a in node.names if a.name in CLOCK_FUNCTIONS]
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_only_the_clock_module_reads_the_time_of_day_in_the_app():
    reads = [
        read
        for path in python_files("clinic")
        if path.relative_to(ROOT).as_posix() not in SYSTEM_CLOCK_READERS
        for read in system_clock_reads(path)
    ]
    assert reads == []


def test_no_test_reads_the_real_date_or_time():
    reads = [read for path in python_files("tests") for read in system_clock_reads(path)]
    assert reads == []


def test_no_test_calls_the_apps_clock_outside_the_app():
    """clinic.clock.utcnow() outside an app context is the system's clock: tests use the `clock` fixture."""
    imports = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in python_files("tests")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module in ("clinic.clock", "clinic.storage.database")
        and any(alias.name == "utcnow" for alias in node.names)
        and path.name != "test_clock.py"
    ]
    assert imports == []


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import date\nx = date.today()",
        "from datetime import datetime, UTC\nx = datetime.now(UTC)",
        "import time\nx = time.time()",
        "from time import localtime",
    ],
)
def test_the_checker_finds_a_system_clock_read(source, tmp_path):
    path = ROOT / "tests" / "_clock_probe.py"
    try:
        path.write_text(source)
        assert system_clock_reads(path)
    finally:
        path.unlink()


def test_a_set_clock_stands_still_until_moved():
    clock = SetClock("2027-03-28T00:30:00+00:00")
    assert clock() == clock() == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert clock.advance(hours=2) == datetime(2027, 3, 28, 2, 30, tzinfo=UTC)
    clock.set(datetime(2027, 3, 28, 3, 30, tzinfo=ZoneInfo("Europe/London")))  # BST
    assert clock() == datetime(2027, 3, 28, 2, 30, tzinfo=UTC) and clock().tzinfo is UTC
    with pytest.raises(ValueError, match="aware instant"):
        clock.set(datetime(2027, 3, 28, 1, 30))
    with pytest.raises(ValueError):
        SetClock("not a date")


def test_the_app_reads_its_configured_clock(app, clock):
    with app.app_context():
        assert utcnow() == clock()
        clock.advance(days=3)
        assert utcnow() == datetime.fromisoformat(TEST_NOW) + timedelta(days=3)


def test_without_a_configured_clock_the_app_reads_the_system_clock(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path))
    with app.app_context():
        first = utcnow()
    assert first.tzinfo is UTC and app.config["CLOCK"] is None
    assert datetime.fromisoformat(DEFAULT_TEST_NOW) < first  # the system's clock, not the tests'


def test_a_clock_given_as_text_stands_at_that_instant(tmp_path):
    config = base_config(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path)
    app = create_app({**config, "CLOCK": "2028-02-29T23:30:00+00:00"})
    with app.app_context():
        assert utcnow() == datetime(2028, 2, 29, 23, 30, tzinfo=UTC)


def test_a_clock_that_is_not_a_clock_stops_the_app(tmp_path):
    config = {**base_config(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path), "CLOCK": 42}
    with pytest.raises(RuntimeError, match="CLOCK"):
        create_app(config)


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        ("2027-01-10T23:30:00+00:00", "Europe/London", date(2027, 1, 10)),  # Sunday night, still Sunday
        ("2026-12-31T23:59:00+00:00", "Pacific/Auckland", date(2027, 1, 1)),  # already next year there
        ("2027-03-28T00:30:00+00:00", "Europe/London", date(2027, 3, 28)),  # the night the clocks go forward
        ("2027-06-10T23:30:00+00:00", "Europe/London", date(2027, 6, 11)),  # BST: past midnight in London
        ("2028-02-29T04:00:00+00:00", "America/Los_Angeles", date(2028, 2, 28)),
    ],
)
def test_today_is_the_clinics_calendar_day(app, clock, instant, zone, expected):
    class Clinic:
        tz = ZoneInfo(zone)

    clock.set(instant)
    with app.app_context():
        assert clinic_today(Clinic()) == expected
