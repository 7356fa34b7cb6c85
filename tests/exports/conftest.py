"""The export tests use the security tests' seeded two-clinic world (tests/security/world.py)."""

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, base_config, migrate_to_head
from tests.security.conftest import seeded, seeded_template, world_app  # noqa: F401  (fixtures)


@pytest.fixture
def empty_app(tmp_path, clock):
    """A second app on a second, migrated and empty database (SQLite file, or a new PostgreSQL database)."""
    from clinic import create_app
    from clinic.extensions import db

    admin = None
    if PG_URL:
        name = f"knotwork_import_{uuid.uuid4().hex[:8]}"
        admin = create_engine(
            PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path / 'imported.sqlite3'}"
    instance = tmp_path / "imported-instance"
    migrate_to_head(create_app(base_config(url, instance)))
    app = create_app({**base_config(url, instance), "CLOCK": clock})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
