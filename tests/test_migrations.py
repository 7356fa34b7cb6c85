"""Migrations build the schema from nothing, and agree with the models (on SQLite and PostgreSQL)."""

import uuid

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from clinic import create_app
from clinic.extensions import db
from tests.conftest import PG_URL, base_config


@pytest.fixture
def empty_database_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"knotwork_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_to_head_matches_the_models(empty_database_url, tmp_path):
    app = create_app(base_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        check()  # raises when models and migrations disagree
        tables = set(inspect(db.engine).get_table_names())
        assert {"clinic", "user_account", "audit_event", "login_attempt"} <= tables
        db.engine.dispose()


def test_check_notices_a_model_without_a_migration(empty_database_url, tmp_path):
    app = create_app(base_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_login_attempt_ip_at"))
        with pytest.raises(SystemExit):  # Flask-Migrate turns the detected difference into exit 1
            check()
        db.engine.dispose()


def test_downgrade_to_base_and_up_again(empty_database_url, tmp_path):
    app = create_app(base_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        check()
        db.engine.dispose()


def test_connection_settings(app):
    """SQLite: WAL, foreign keys, busy timeout. PostgreSQL: pings stale pooled connections."""
    with app.app_context():
        assert db.engine.hide_parameters  # bound values (names, notes) never reach an error log
        if PG_URL:
            assert db.engine.pool._pre_ping
            return
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
