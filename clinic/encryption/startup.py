"""At start-up: every key that sealed values in this database must be configured, and right."""

from flask import Flask
from sqlalchemy import Text, inspect, select, type_coerce
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..models import EncryptionKeyCheck
from .keyring import EncryptionKeyError
from .types import EXTENSION

CHECK_FIELD = "encryption_key_check.sealed_check"
CHECK_TEXT = "Knotwork key check"


def check_keys(app: Flask) -> None:
    """Refuse to start with a key missing or wrong; record the current key's check once.

    Before the first migration there is nothing to check (`flask db upgrade` must still run).
    """
    ring = app.extensions[EXTENSION]
    with app.app_context():
        try:
            _check(ring)
        except EncryptionKeyError:
            db.session.remove()
            db.engine.dispose()  # the app will not run: close its connections now
            raise
        except OperationalError as error:
            # The database is not reachable yet (a server starting before it): start anyway, as the
            # app always has; a value that does not open is then an error page, never garbage.
            db.session.remove()
            app.logger.warning("encryption keys not checked at start-up: %s", type(error.orig).__name__)


def _check(ring) -> None:
    if not inspect(db.engine).has_table(EncryptionKeyCheck.__tablename__):
        return
    stored = dict(
        db.session.execute(
            select(EncryptionKeyCheck.key_id, type_coerce(EncryptionKeyCheck.sealed_check, Text))
        ).all()
    )
    db.session.rollback()
    if stored and not ring.keys:
        raise EncryptionKeyError(
            f"this database holds text sealed with key(s) {', '.join(sorted(stored))}, "
            "and ENCRYPTION_KEYS is empty"
        )
    for key_id, sealed in sorted(stored.items()):
        if key_id not in ring.keys:
            raise EncryptionKeyError(
                f"this database holds text sealed with key {key_id!r}, which is not in "
                f"ENCRYPTION_KEYS (configured: {', '.join(ring.keys) or 'none'})"
            )
        try:
            opened = ring.open(CHECK_FIELD, sealed)
        except EncryptionKeyError:
            opened = None
        if opened != CHECK_TEXT:
            raise EncryptionKeyError(
                f"key {key_id!r} in ENCRYPTION_KEYS is not the key of that id that sealed this "
                "database's text (a wrong key): the notes would not open"
            )
    if ring.current and ring.current not in stored:
        record_current_key(ring)


def record_current_key(ring) -> None:
    sealed = ring.seal(CHECK_FIELD, CHECK_TEXT)
    db.session.add(EncryptionKeyCheck(key_id=ring.current, sealed_check=sealed))
    try:
        db.session.commit()
    except IntegrityError:  # another process started at the same moment and wrote it
        db.session.rollback()
