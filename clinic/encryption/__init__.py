"""Clinical free text sealed at rest (AES-256-GCM per field, keys from configuration).

keyring: keys and the sealed format; types: the column types the models use; startup: the
configured keys against the database's; rotate: re-seal everything under the current key while
the app runs; cli: `flask encryption new-key | status | rotate`.
"""

import os
from pathlib import Path

from flask import Flask

from .keyring import EncryptionKeyError, Keyring, new_key_text, parse_keys
from .types import EXTENSION

KEYS_FILE = "encryption_keys"


def configure_encryption(app: Flask) -> None:
    """Load ENCRYPTION_KEYS (or instance/encryption_keys, made on the first local run).

    Outside tests a missing key stops the app: without one, clinical text would be written in the
    clear. An empty ENCRYPTION_KEYS is allowed in tests only (the bench's plain-text comparison).
    """
    setting = app.config.get("ENCRYPTION_KEYS")
    keys_path = Path(app.instance_path) / KEYS_FILE
    if setting is None:
        if not keys_path.exists() and app.debug:
            keys_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(keys_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as keys_file:
                keys_file.write(new_key_text("local-1") + "\n")
        if keys_path.exists():
            setting = keys_path.read_text()
    keys = parse_keys(setting)
    if not keys and not app.testing:
        raise EncryptionKeyError(
            "ENCRYPTION_KEYS is not set: clinical text is encrypted at rest and needs a key. "
            "`flask --app clinic encryption new-key` prints one; set it as CLINIC_ENCRYPTION_KEYS or "
            f"ENCRYPTION_KEYS in {Path(app.instance_path) / 'config.py'}, or put it in {keys_path}. "
            "Keep a copy apart from the database's backups: without it the notes cannot be read."
        )
    app.extensions[EXTENSION] = Keyring(keys)


__all__ = ["EncryptionKeyError", "configure_encryption"]
