"""Database URL handling, SQLite connection settings and column types shared by the models."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, Engine, event
from sqlalchemy.types import TypeDecorator


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that never fail half-way on a lock.

    A deferred SQLite transaction that reads and then writes fails at once ("database is
    locked", SQLITE_BUSY_SNAPSHOT) when another process committed in between, whatever the busy
    timeout. So a transaction that may write starts with BEGIN IMMEDIATE and queues for the
    write lock up front. Holding that lock through a whole page view would make every request
    wait for every other one, though: under WAL readers never block, so GET and HEAD requests
    begin DEFERRED, and if one of them does write (an audit row of the page view), the reads so
    far are committed and the write runs in a BEGIN IMMEDIATE transaction of its own. A read-only
    request has no changes to lose by that, and views that change data are POSTs.

    That write is a page view's audit row, committed with synchronous = NORMAL: no fsync while the
    write lock is held (1.5 ms here, with every other writer waiting). Under WAL this is durable
    when the app or a worker crashes; a power cut may lose the view records written since the last
    synced commit, never a change and never the file's integrity. Changes keep synchronous = FULL.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event, not the sqlite3 module, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        info = connection.info
        page_view = read_only_request()
        if page_view or _READS_FIRST.get():
            info[_READING] = True
            info[_KEEP_FULL] = not page_view
            connection.exec_driver_sql("BEGIN")
            return
        info[_READING] = False
        if info.pop(_RELAXED, False):
            connection.exec_driver_sql("PRAGMA synchronous = FULL")
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection, cursor, statement, _parameters, _context, _executemany):
        info = connection.info
        if info.get(_READING) and _may_write(statement):
            # Nothing was written yet in this transaction: end the reads, queue for the lock.
            info[_READING] = False
            cursor.execute("COMMIT")
            if not info.get(_RELAXED) and not info.get(_KEEP_FULL):
                cursor.execute("PRAGMA synchronous = NORMAL")  # a page view's audit row, see above
                info[_RELAXED] = True
            cursor.execute("BEGIN IMMEDIATE")


_READING = "knotwork_deferred_read"
_KEEP_FULL = "knotwork_writes_stay_synchronous_full"
_READS_FIRST: ContextVar[bool] = ContextVar("knotwork_reads_first", default=False)


@contextmanager
def reads_before_writes() -> Iterator[None]:
    """Background work (the message worker) reads like a page view: its transactions begin DEFERRED
    and take SQLite's write lock at their first write, so a worker reading a row does not hold up
    every writer. Its writes keep synchronous = FULL (they are changes, not view records)."""
    token = _READS_FIRST.set(True)
    try:
        yield
    finally:
        _READS_FIRST.reset(token)


_RELAXED = "knotwork_synchronous_normal"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")


def read_only_request() -> bool:
    """A page view: its transactions read, and only audit rows are written (the security matrix
    checks that no GET changes anything else)."""
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


def _may_write(statement: str) -> bool:
    # SQLAlchemy's own statements start with their verb; a SAVEPOINT is counted as a write so
    # that the COMMIT above can never end a savepoint the session still holds.
    return statement.lstrip()[:9].upper().startswith(_WRITE_VERBS)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zone type: values are stored as naive UTC and given tzinfo back on load.
    Naive values are refused on the way in, so a local time can never be stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times as timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
