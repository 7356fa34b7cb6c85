"""SQLite: page views read without the write lock; changes queue for it up front.

Under WAL, readers never block a writer, so a GET that held the write lock for its whole life
would make every request wait for every other one. A GET that writes (the audit row of a page
view) must still never fail with SQLITE_BUSY_SNAPSHOT when another process wrote meanwhile.
"""

import sqlite3

import pytest
from sqlalchemy import event, func, select, text

from clinic import audit
from clinic.extensions import db
from clinic.models import AuditEvent, Clinic


@pytest.fixture
def sqlite_path(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's locking; PostgreSQL has row locks and MVCC")
        return db.engine.url.database


def other_process_writes(path: str, name: str) -> None:
    """Another worker commits a change at once, or raises "database is locked"."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE clinic SET name = ? WHERE id = (SELECT min(id) FROM clinic)", (name,))
        other.execute("COMMIT")
    finally:
        other.close()


def test_a_page_view_reads_without_taking_the_write_lock(app, sqlite_path, clinic_id):
    with app.test_request_context("/clients", method="GET"):
        db.session.scalar(select(func.count()).select_from(Clinic))  # the transaction has begun
        other_process_writes(sqlite_path, "Written meanwhile")  # would raise if the GET held the lock
        db.session.rollback()


def test_a_page_views_audit_row_is_written_after_another_process_wrote(app, sqlite_path, clinic_id):
    with app.test_request_context("/clients", method="GET"):
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        other_process_writes(sqlite_path, "Written meanwhile")
        # A deferred transaction upgraded to a write here would fail with SQLITE_BUSY_SNAPSHOT.
        audit.record("client.list", clinic_id=clinic_id)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
        assert db.session.get(Clinic, clinic_id).name == "Written meanwhile"


def test_a_change_holds_the_write_lock_from_its_first_statement(app, sqlite_path, clinic_id):
    with app.test_request_context("/clients/new", method="POST"):
        db.session.scalar(select(func.count()).select_from(Clinic))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other_process_writes(sqlite_path, "Refused")
        db.session.rollback()
    other_process_writes(sqlite_path, "Free again")


def test_a_page_views_audit_row_waits_for_the_commit_and_the_lock_with_it(app, sqlite_path, clinic_id):
    with app.test_request_context("/clients", method="GET"):
        audit.record("client.list", clinic_id=clinic_id)
        db.session.scalar(select(func.count()).select_from(Clinic))  # autoflush: nothing to write yet
        other_process_writes(sqlite_path, "Written while the page is built")
        db.session.commit()
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "client.list")
            )
            == 1
        )


def test_a_page_view_that_fails_before_its_commit_records_nothing(app, clinic_id):  # any database
    with app.test_request_context("/clients", method="GET"):
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        audit.record("client.list", clinic_id=clinic_id)
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_savepoint_in_a_page_view_survives_the_switch_to_writing(app, sqlite_path, clinic_id):
    with app.test_request_context("/clients", method="GET"):
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        with db.session.begin_nested():
            audit.record("client.list", clinic_id=clinic_id)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before + 1


def test_view_records_commit_without_an_fsync_and_changes_with_one(make_app, clinic_id):
    """A page view's audit row is committed with synchronous = NORMAL (no fsync under the write lock);
    the next change on the same connection is back to FULL."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})

    def synchronous() -> int:
        return db.session.execute(text("PRAGMA synchronous")).scalar_one()

    with app.test_request_context("/clients", method="GET"):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's pragma; PostgreSQL: see test_view_records_do_not_wait_for_the_wal_flush")
        assert synchronous() == 2  # FULL: a page view that writes nothing changes nothing
        db.session.rollback()
        audit.record("client.list", clinic_id=clinic_id)
        db.session.commit()
        assert synchronous() == 1  # NORMAL, set for the audit row's transaction
        db.session.rollback()
    with app.test_request_context("/clients/new", method="POST"):
        assert synchronous() == 2


def test_view_records_do_not_wait_for_the_wal_flush(app, clinic_id):
    """PostgreSQL: the view's commit sets synchronous_commit off for itself alone (SET LOCAL)."""
    settings = []

    def keep(_conn, _cursor, statement, *_args):
        if statement.startswith("SET") and "synchronous_commit" in statement:
            settings.append(statement)

    with app.test_request_context("/clients", method="GET"):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's setting; SQLite: see test_view_records_commit_without_an_fsync...")
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            db.session.scalar(select(func.count()).select_from(Clinic))
            db.session.commit()
            assert settings == []  # nothing recorded: nothing to relax
            audit.record("client.list", clinic_id=clinic_id)
            db.session.commit()
            assert settings == ["SET LOCAL synchronous_commit TO OFF"]
            assert db.session.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
    with app.test_request_context("/clients/new", method="POST"):
        audit.record("client.create", clinic_id=clinic_id)
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        assert len(settings) == 1  # a change's commit waits for the disk
