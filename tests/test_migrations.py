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


def test_the_due_date_migration_fills_in_existing_clients(empty_database_url, tmp_path):
    """0011 sets each client's due date by the rule of clinic/rules/recall.py from the visits already
    there (written here without the ORM, whose hook keeps the date from then on; the clinic and the user
    as the tables stood at 0010)."""
    from datetime import UTC, date, datetime
    from types import SimpleNamespace

    from sqlalchemy import JSON, DateTime, Integer, String, column, insert, table

    from clinic.models import Client, User, Visit

    app = create_app(base_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade(revision="0010")
        clinic_0010 = table(
            "clinic", column("id", Integer), column("name", String), column("address", String),
            column("phone", String), column("email", String), column("timezone", String),
            column("settings", JSON), column("created_at", DateTime(timezone=True)),
        )  # fmt: skip
        clinic = SimpleNamespace(
            id=db.session.execute(
                insert(clinic_0010)
                .values(
                    name="Backfill Clinic", address="", phone="", email="", timezone="Europe/London",
                    settings={}, created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
                .returning(clinic_0010.c.id)
            ).scalar_one()
        )  # fmt: skip
        user = SimpleNamespace(
            id=db.session.execute(
                insert(User.__table__).values(
                    clinic_id=clinic.id,
                    email="t@example.test",
                    name="Theo",
                    role="therapist",
                    password_hash="x",
                )
            ).inserted_primary_key[0]
        )
        db.session.flush()
        clients = [
            db.session.execute(
                insert(Client.__table__).values(clinic_id=clinic.id, first_name=name, last_name="X")
            ).inserted_primary_key[0]
            for name in ("due", "none", "tie")
        ]
        visits = {}
        for key, client, day, due in (
            ("old", clients[0], date(2026, 1, 5), date(2026, 1, 19)),
            ("latest", clients[0], date(2026, 2, 2), date(2026, 2, 16)),
            ("plain", clients[0], date(2026, 2, 20), None),
            ("nothing", clients[1], date(2026, 2, 20), None),
            ("first", clients[2], date(2026, 3, 1), date(2026, 3, 9)),
            ("second", clients[2], date(2026, 3, 1), date(2026, 3, 8)),
        ):
            visits[key] = db.session.execute(
                insert(Visit.__table__).values(
                    clinic_id=clinic.id, client_id=client, therapist_id=user.id, visit_date=day, next_due=due
                )
            ).inserted_primary_key[0]
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT id, due_on, due_visit_id FROM client ORDER BY id")).all()
        db.session.rollback()
        db.engine.dispose()
    assert [(due_on and str(due_on), visit) for _, due_on, visit in rows] == [
        ("2026-02-16", visits["latest"]),
        (None, None),
        ("2026-03-08", visits["second"]),
    ]


def test_the_search_fold_migration_recomputes_existing_keys(empty_database_url, tmp_path):
    """0017 folds the keys of clients already there ("Siân Pryce" was "siân pryce"); downgrade undoes it."""
    from datetime import UTC, datetime

    from sqlalchemy import JSON, DateTime, Integer, String, column, insert, table

    app = create_app(base_config(empty_database_url, tmp_path))
    clinic_table = table(
        "clinic", column("id", Integer), column("name", String), column("address", String),
        column("phone", String), column("email", String), column("timezone", String),
        column("settings", JSON), column("created_at", DateTime(timezone=True)),
    )  # fmt: skip
    texts = ("preferred_name", "phone", "phone_digits", "email", "address", "emergency_contact",
             "referral_source", "notes")  # fmt: skip
    client_table = table(
        "client", column("id", Integer), column("clinic_id", Integer), column("first_name", String),
        column("last_name", String), column("name_key", String), column("last_key", String),
        column("created_at", DateTime(timezone=True)), column("updated_at", DateTime(timezone=True)),
        column("version", Integer), *(column(name, String) for name in texts),
    )  # fmt: skip
    names = [("Siân", "Pryce"), ("Zoë", "Ölçer"), ("Ada", "Quill")]
    with app.app_context():
        upgrade(revision="0013")
        clinic_id = db.session.execute(
            insert(clinic_table)
            .values(
                name="Fold Clinic", address="", phone="", email="", timezone="Europe/London", settings={},
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            .returning(clinic_table.c.id)
        ).scalar_one()  # fmt: skip
        for first, last in names:  # the keys as 0013 wrote them: lower-cased only
            db.session.execute(
                insert(client_table).values(
                    clinic_id=clinic_id, first_name=first, last_name=last,
                    name_key=f"{first} {last}".lower(), last_key=last.lower(), version=1,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC), updated_at=datetime(2026, 1, 1, tzinfo=UTC),
                    **dict.fromkeys(texts, ""),
                )
            )  # fmt: skip
        db.session.commit()
        read = text("SELECT name_key, last_key FROM client ORDER BY id")
        upgrade(revision="0017")
        folded = db.session.execute(read).all()
        db.session.commit()
        downgrade(revision="0013")
        lowered = db.session.execute(read).all()
        db.session.rollback()
        db.engine.dispose()
    assert [tuple(row) for row in folded] == [
        ("sian pryce", "pryce"),
        ("zoe olcer", "olcer"),
        ("ada quill", "quill"),
    ]
    assert [tuple(row) for row in lowered] == [(f"{f} {la}".lower(), la.lower()) for f, la in names]
