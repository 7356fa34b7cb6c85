"""Column types that seal a value on its way into the database and open it on the way out.

The application sees plain text (and the signing hash is taken of it); the database, its dumps
and its backups hold only sealed values. A sealed column cannot be searched or compared in SQL:
only free text that no query looks into is sealed (see the README, "Encryption at rest").
"""

import json
from typing import Any

from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from .keyring import Keyring

EXTENSION = "knotwork.keyring"


def keyring() -> Keyring:
    return current_app.extensions[EXTENSION]


class _Sealed(TypeDecorator):
    """A text column whose values are sealed; `field` ("table.column") is bound into each value."""

    impl = Text
    cache_ok = True

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field


class EncryptedText(_Sealed):
    """Free text, sealed with the current key."""

    cache_ok = True  # SQLAlchemy asks each subclass

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        return None if value is None else keyring().seal(self.field, value)

    def process_result_value(self, value: str | None, dialect) -> str | None:
        return None if value is None else keyring().open(self.field, value)


class EncryptedJSON(_Sealed):
    """A JSON document sealed as one value (structured, but holding free text: reasons, notes)."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        return keyring().seal(self.field, json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: str | None, dialect) -> Any:
        return None if value is None else json.loads(keyring().open(self.field, value))


SEALED_TYPES = (EncryptedText, EncryptedJSON)
