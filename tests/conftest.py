"""Shared fixtures: an app on a real, migrated database per test, the `web` test client, factories.

SQLite by default (a migrated template file copied for each test). Set CLINIC_TEST_DATABASE_URL to
a PostgreSQL URL to run the same suite there (tables are truncated between tests).
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, event, text

from clinic import create_app
from clinic.clock import SetClock
from clinic.extensions import db
from tests.factories import TEST_PASSWORD, create_clinic, create_user

# CI runs two suites side by side on two cores: how fast hypothesis draws its inputs is not what any test is
# about, so a loaded machine must not fail one (the deadline is off for the same reason).
settings.register_profile("knotwork", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("knotwork")

# Fixtures every test may use: the SMTP server (`smtp`) and an app that sends to it (`mail_app`).
pytest_plugins = ["tests.mail"]

PG_URL = os.environ.get("CLINIC_TEST_DATABASE_URL", "")

# Where every test's clock starts: no test reads the real date or time of day. CI runs the
# date-sensitive tests again with CLINIC_TEST_NOW set to awkward instants (.ci/clock-matrix); a test
# that needs a particular moment sets the clock itself.
DEFAULT_TEST_NOW = "2026-11-18T10:00:00+00:00"  # a Wednesday morning in London
TEST_NOW = os.environ.get("CLINIC_TEST_NOW") or DEFAULT_TEST_NOW


# Every test app seals clinical text with this key (tests/test_encryption.py checks a dump for it).
TEST_ENCRYPTION_KEYS = "test-1:6HTAwqiiLydCOZBwVxWw6LFCeHyi3WGum3KpsvfwSx0"


def base_config(database_url: str, instance_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST_KIB": 8,
        "ARGON2_PARALLELISM": 1,
        "LOG_REQUESTS": False,
        # documents' files beside the test's database (never the worktree's instance folder)
        "DOCUMENT_PATH": str(Path(instance_path) / "documents"),
    }


def migrate_to_head(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A database migrated to head once per run: a SQLite file to copy, or the PostgreSQL schema."""
    instance = tmp_path_factory.mktemp("instance")
    if PG_URL:
        reset_postgres_schema(PG_URL)
        migrate_to_head(create_app(base_config(PG_URL, instance)))
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(create_app(base_config(f"sqlite:///{path}", instance)))
    return path


def _truncate_postgres(app) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def clock():
    """The clock of this test's apps: stands at TEST_NOW until the test sets or advances it."""
    return SetClock(TEST_NOW)


@pytest.fixture
def make_app(database_template, tmp_path, clock):
    """Build an app on this test's database and clock, with config overrides."""
    if PG_URL:
        url = PG_URL
    else:
        path = tmp_path / "knotwork.sqlite3"
        if not path.exists():
            shutil.copy(database_template, path)
        url = f"sqlite:///{path}"
    apps = []

    def factory(**overrides):
        config = base_config(url, tmp_path)
        config["CLOCK"] = clock
        config.update(overrides)
        os.environ["CLINIC_INSTANCE_PATH"] = str(tmp_path / "instance")
        try:
            app = create_app(config)
        finally:
            del os.environ["CLINIC_INSTANCE_PATH"]
        apps.append(app)
        return app

    yield factory
    if PG_URL and apps:
        _truncate_postgres(apps[0])
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def web(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Makes clinics and users with numbered default names (tests/factories.py does the work)."""

    def __init__(self, app):
        self.app = app
        self._count = 0

    def clinic(self, name: str | None = None, timezone: str = "Europe/London"):
        self._count += 1
        return create_clinic(self.app, name or f"Clinic {self._count}", timezone)

    def user(
        self, clinic_id: int, role: str = "therapist", email: str | None = None, name: str | None = None
    ):
        self._count += 1
        email = email or f"{role}{self._count}@example.test"
        return create_user(self.app, clinic_id, role, email, name or f"Sam {role.title()} {self._count}")

    def email_of(self, user_id: int) -> str:
        from clinic.models import User

        with self.app.app_context():
            return db.session.get(User, user_id).email


@pytest.fixture
def factory(app):
    return Factory(app)


@pytest.fixture
def clinic_id(factory):
    return factory.clinic("Harbour Test Clinic")


@pytest.fixture
def owner(factory, clinic_id):
    return factory.user(clinic_id, "owner", "owner@example.test", "Olive Owner")


@pytest.fixture
def therapist(factory, clinic_id, owner):
    return factory.user(clinic_id, "therapist", "theo@example.test", "Theo Therapist")


@pytest.fixture
def frontdesk(factory, clinic_id, owner):
    return factory.user(clinic_id, "frontdesk", "desk@example.test", "Dana Desk")


def login(web, email: str, password: str = TEST_PASSWORD):
    return web.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(web, factory):
    """Log the `web` client in as a user id; returns the login response."""

    def do_login(user_id: int):
        response = login(web, factory.email_of(user_id))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@contextmanager
def count_queries(app):
    """Count SQL statements sent while the block runs: `with count_queries(app) as n: ...; n()`."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def _count(conn, cursor, statement, parameters, context, executemany):
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE"))
        ):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def table_counts(app) -> dict[str, int]:
    """Row counts of every table except the audit trail, to prove a request wrote nothing."""
    with app.app_context():
        counts = {}
        for table in db.metadata.sorted_tables:
            if table.name in ("audit_event", "login_attempt"):
                continue
            counts[table.name] = db.session.execute(text(f"SELECT count(*) FROM {table.name}")).scalar()
        db.session.remove()
        return counts
