"""The entities of a clinic export (schema version 1): which rows, which columns, in which order.

One spec per JSON file. Rows are read with SQLAlchemy Core through the mapped tables, so sealed
columns (EncryptedText / EncryptedJSON) come out as plain values: the export is the owner's own data.
Secrets stay behind: password hashes, and the hashes of link tokens (regenerated on import as random
values no token matches, so an imported copy opens no old link). docs/export.md documents the files.
"""

import base64
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Date, LargeBinary, Select, Table, Time, select

from ..extensions import db
from ..storage.database import UTCDateTime

SCHEMA_VERSION = 1
FORMAT = "knotwork-clinic-export"
BATCH = 1000  # rows fetched at a time (yield_per): the export never holds a whole table


@dataclass(frozen=True)
class Entity:
    name: str  # the file: json/<name>.json
    table_name: str
    # how rows of one clinic are found: "clinic_id", "id" (the clinic itself) or "visit" (via visit_id)
    scope: str = "clinic_id"
    omit: tuple[str, ...] = ()  # never exported (secrets)
    regenerate: tuple[str, ...] = ()  # not exported; a fresh random value on import (token hashes)
    # columns imported empty and set in a second pass (circular references, the signature lock)
    later: tuple[str, ...] = ()
    client_column: str | None = "client_id"  # how one client's rows are found (None: not per client)
    order_by: tuple[str, ...] = field(default=("id",))

    @property
    def table(self) -> Table:
        return db.metadata.tables[self.table_name]

    def columns(self) -> list:
        skipped = set(self.omit) | set(self.regenerate)
        return [column for column in self.table.columns if column.name not in skipped]


# In import order: every row's parents come before it.
ENTITIES: tuple[Entity, ...] = (
    Entity("clinic", "clinic", scope="id", client_column=None),
    Entity("users", "user_account", omit=("password_hash",), client_column=None),
    Entity("services", "service", client_column=None),
    Entity("working_hours", "working_hours", client_column=None),
    Entity("clients", "client", client_column="id"),
    Entity("health_records", "health_record"),
    Entity("policy_versions", "policy_version", client_column=None),
    Entity("aftercare_wordings", "aftercare_wording", client_column=None),
    Entity("message_templates", "message_template", client_column=None),
    Entity("appointments", "appointment", later=("source_visit_id",)),
    # signed_at, signed_by_id and content_hash last: points cannot be added to a signed note
    Entity("visits", "visit", later=("signed_at", "signed_by_id", "content_hash")),
    Entity("trigger_points", "trigger_point", scope="visit", client_column=None),
    # Before the notes are signed (the database keeps a signed note's documents as they were). The file
    # itself travels decrypted as documents/<id>; its storage and file keys are made anew on import.
    Entity("documents", "document", omit=("storage_key", "file_key")),
    Entity("addenda", "addendum", scope="visit", client_column=None),
    Entity("intake_links", "intake_link", regenerate=("token_hash",)),
    Entity("check_ins", "check_in", regenerate=("token_hash",)),
    Entity("booking_requests", "booking_request", regenerate=("token_hash",)),
    Entity("messages", "message"),
    Entity("message_consents", "message_consent"),
    Entity("audit_events", "audit_event"),
)
BY_NAME = {entity.name: entity for entity in ENTITIES}
# Left out, with why (docs/export.md): sign-in secrets and sessions, links whose only content is a
# token hash, local trials' copies of mail (the message rows are the record), and export jobs.
NOT_EXPORTED = (
    "login_attempt",
    "password_reset",
    "two_step",
    "recovery_code",
    "trusted_device",
    "user_session",
    "portal_link",
    "portal_session",
    "aftercare_link",
    "calendar_feed",
    "mailbox_item",
    "export_job",
    "encryption_key_check",
    "encryption_rekey",
    "client_import",  # an owner's upload waiting for its preview: expires in a day
)


def scoped_select(entity: Entity, clinic_id: int) -> Select:
    table = entity.table
    query = select(*entity.columns())
    if entity.scope == "id":
        query = query.where(table.c.id == clinic_id)
    elif entity.scope == "visit":
        visit = db.metadata.tables["visit"]
        query = query.join(visit, visit.c.id == table.c.visit_id).where(visit.c.clinic_id == clinic_id)
    else:
        query = query.where(table.c.clinic_id == clinic_id)
    return query.order_by(*(table.c[name] for name in entity.order_by))


def client_select(entity: Entity, clinic_id: int, client_id: int) -> Select:
    """One client's rows of an entity that has them."""
    return scoped_select(entity, clinic_id).where(entity.table.c[entity.client_column] == client_id)


def stream(query: Select) -> Iterator[dict[str, Any]]:
    """Rows as JSON-ready dicts, fetched BATCH at a time on a server-side cursor where there is one."""
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    try:
        for row in result.mappings():
            yield {name: encode(value) for name, value in row.items()}
    finally:
        result.close()  # a reader that stops early must not leave a server-side cursor open


def first(query: Select) -> dict[str, Any]:
    """The one row a query finds, as a JSON-ready dict (no server-side cursor for a single row)."""
    row = db.session.execute(query).mappings().one()
    return {name: encode(value) for name, value in row.items()}


def encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def decode(entity: Entity, record: dict[str, Any]) -> dict[str, Any]:
    """A JSON record back to column values (unknown keys are an error: a file of another schema)."""
    columns = entity.table.columns
    unknown = set(record) - {c.name for c in entity.columns()}
    if unknown:
        raise ValueError(f"{entity.name}: unknown field(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, value in record.items():
        kind = columns[name].type
        if value is None:
            values[name] = None
        elif isinstance(kind, UTCDateTime):
            values[name] = datetime.fromisoformat(value)
        elif isinstance(kind, Date):
            values[name] = date.fromisoformat(value)
        elif isinstance(kind, Time):
            values[name] = time.fromisoformat(value)
        elif isinstance(kind, LargeBinary):
            values[name] = base64.b64decode(value)
        else:
            values[name] = value
    for name in entity.regenerate:
        values[name] = secrets.token_hex(32)  # a hash no token has: the old links stay closed
    for name in entity.omit:
        if name == "password_hash":
            # Nobody can sign in with this until the operator sets a password (flask reset-password).
            values[name] = "!imported-no-password"
    return values
