"""Keys from configuration, and sealing and opening one field's value with AES-256-GCM.

A sealed value is text: ``kw1:<key id>:<base64url(nonce | ciphertext | tag)>``. The key id says
which key opens it, so values under an old key stay readable while `flask encryption rotate`
moves them to the current one. The field's name ("visit.subjective") is the associated data:
a value copied into another column does not open there.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "kw1:"
NONCE_BYTES = 12
KEY_BYTES = 32
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class EncryptionKeyError(RuntimeError):
    """The configured keys cannot be used, or cannot open the database's values."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_key_text(key_id: str) -> str:
    """A fresh key as configuration expects it: ``<id>:<base64url of 32 random bytes>``."""
    if not KEY_ID.match(key_id):
        raise EncryptionKeyError(f"a key id is 1-32 letters, digits, '.', '_' or '-': {key_id!r}")
    return f"{key_id}:{_b64encode(AESGCM.generate_key(bit_length=256))}"


def parse_keys(setting: str | None) -> dict[str, bytes]:
    """``"k2:<base64>,k1:<base64>"`` (the first is the current key) as {id: key}, in that order."""
    keys: dict[str, bytes] = {}
    for entry in (setting or "").replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise EncryptionKeyError(
                "ENCRYPTION_KEYS: each key is '<id>:<base64url key>' with an id of 1-32 letters, "
                "digits, '.', '_' or '-' (flask encryption new-key prints one)"
            )
        try:
            key = _b64decode(encoded.strip())
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise EncryptionKeyError(f"ENCRYPTION_KEYS: key {key_id!r} is not 32 bytes of base64url")
        if key_id in keys:
            raise EncryptionKeyError(f"ENCRYPTION_KEYS: key id {key_id!r} appears twice")
        keys[key_id] = key
    return keys


def key_id_of(value: str) -> str | None:
    """The id of the key that sealed `value`, or None for plain text."""
    if not value.startswith(PREFIX):
        return None
    return value[len(PREFIX) :].partition(":")[0]


@dataclass
class Keyring:
    """The configured keys; `current` seals, any of them opens. No keys: values stay plain text
    (allowed only in tests and the bench's comparison, see configure_encryption)."""

    keys: dict[str, bytes]
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._ciphers = {key_id: AESGCM(key) for key_id, key in self.keys.items()}

    @property
    def current(self) -> str | None:
        return next(iter(self.keys), None)

    def seal(self, field_name: str, plain: str) -> str:
        if not plain or self.current is None:
            return plain  # an empty field says nothing a sealed one would not (its length)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current].encrypt(nonce, plain.encode(), field_name.encode())
        return f"{PREFIX}{self.current}:{_b64encode(nonce + sealed)}"

    def open(self, field_name: str, stored: str) -> str:
        key_id = key_id_of(stored)
        if key_id is None:
            return stored  # written before encryption was turned on; `rotate` seals it
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise EncryptionKeyError(
                f"a value of {field_name} is sealed with key {key_id!r}, which is not in ENCRYPTION_KEYS"
            )
        raw = _b64decode(stored[len(PREFIX) + len(key_id) + 1 :])
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], field_name.encode()).decode()
        except InvalidTag:
            raise EncryptionKeyError(
                f"a value of {field_name} does not open with key {key_id!r}: wrong key, or the value "
                "was changed or moved"
            ) from None
