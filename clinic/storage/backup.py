"""Consistent online backups and restores: SQLite's backup API, pg_dump/pg_restore for PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done, with a message for the operator."""


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("This database lives in memory: there is no file to back up.")
    return Path(database)


def _pg_url(engine: Engine) -> str:
    """A libpq URL (without the +psycopg driver) for pg_dump and pg_restore."""
    url = make_url(str(engine.url.render_as_string(hide_password=False))).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools.")
    return found


def backup(engine: Engine, target: Path) -> Path:
    """Copy the live database to `target` while others keep writing. Refuses to overwrite."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)  # a consistent snapshot, pages copied under a read lock
        finally:
            destination.close()
            source.close()
        os.chmod(target, 0o600)
        return target
    if engine.dialect.name == "postgresql":
        result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _pg_url(engine)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        os.chmod(target, 0o600)
        return target
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's content with a backup. The app should be stopped meanwhile."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not a SQLite backup ({error}).") from None
        if check != "ok":
            backup_db.close()
            raise BackupError(f"{source} failed its integrity check: {check}")
        live = sqlite3.connect(_sqlite_path(engine))
        try:
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    if engine.dialect.name == "postgresql":
        result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                _pg_url(engine),
                str(source),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    raise BackupError(f"Restores of {engine.dialect.name} databases are not supported.")
