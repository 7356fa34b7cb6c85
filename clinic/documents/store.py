"""Where a document's bytes live: encrypted with the document's own key, in a store behind one interface.

Each file is sealed with AES-256-GCM under a random key of its own (kept sealed with the clinic keyring
in the document's row), its storage key bound in as associated data: a copied, swapped or altered file
does not open. The filesystem store is the default; another store (an S3-compatible bucket) only has to
put, get and erase bytes by key.
"""

import base64
import os
import secrets
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

NONCE_BYTES = 12


class DocumentStoreError(RuntimeError):
    """A stored file is missing or does not open with its key."""


class DocumentStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def erase(self, key: str) -> None: ...


class FileSystemStore:
    """Files under one folder (mode 0700), one file per key (0600), written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # our keys are hex; anything else never names a file
            raise DocumentStoreError("bad storage key")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise DocumentStoreError("the document's file is missing from the store") from None

    def erase(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph, a hosting provider's object store), one per
    key under a prefix. The bytes are sealed before they leave the app: the provider never holds a
    readable file. Credentials come the usual boto3 way (environment, instance role, config file)."""

    def __init__(
        self, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None
    ):
        import boto3  # only deployments that keep documents in a bucket need it (the "s3" extra)

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)

    def _key(self, key: str) -> str:
        if not key.isalnum():
            raise DocumentStoreError("bad storage key")
        return f"{self.prefix}{key}"

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise DocumentStoreError("the document's file is missing from the store") from None

    def erase(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def store() -> DocumentStore:
    config = current_app.config
    kind = config.get("DOCUMENT_STORE", "filesystem")
    if kind == "s3":
        return S3Store(
            config["DOCUMENT_S3_BUCKET"],
            config.get("DOCUMENT_S3_PREFIX") or "",
            config.get("DOCUMENT_S3_ENDPOINT_URL"),
            config.get("DOCUMENT_S3_REGION"),
        )
    if kind != "filesystem":
        raise RuntimeError(f"DOCUMENT_STORE {kind!r}: use 'filesystem' or 's3'")
    root = config.get("DOCUMENT_PATH") or os.path.join(current_app.instance_path, "documents")
    return FileSystemStore(Path(root))


def new_storage_key() -> str:
    return secrets.token_hex(20)


def new_file_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def seal(file_key: str, storage_key: str, data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(base64.urlsafe_b64decode(file_key)).encrypt(nonce, data, storage_key.encode())


def open_sealed(file_key: str, storage_key: str, sealed: bytes) -> bytes:
    try:
        cipher = AESGCM(base64.urlsafe_b64decode(file_key))
        return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], storage_key.encode())
    except (InvalidTag, ValueError):
        raise DocumentStoreError("the document's file does not open with its key") from None
