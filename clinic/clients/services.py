"""Client operations: search, create, update with conflict detection, archive. Services flush."""

import re
import sys
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from ..clock import utcnow
from ..extensions import db
from ..models import Client, Visit
from ..rules.search import fold

EDITABLE = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "emergency_contact",
    "referral_source",
    "notes",
)


class EditConflict(Exception):
    """Someone saved the record after this form was opened."""


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def set_search_keys(client: Client) -> None:
    # Folded (rules/search.py): "sian" finds Siân, "zoe" finds Zoë, and both keys stay prefix-searchable.
    client.name_key = fold(f"{client.first_name} {client.last_name}".strip())[:170]
    client.last_key = fold(client.last_name.strip())[:80]
    client.phone_digits = _digits(client.phone)[:40]
    client.email = (client.email or "").strip().lower()


def apply_details(client: Client, data: dict) -> None:
    for name in EDITABLE:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        setattr(client, name, value if value is not None else ("" if name != "date_of_birth" else None))
    set_search_keys(client)


def build_client(clinic_id: int, data: dict) -> Client:
    """A client with its details and search keys, not yet in the session: the import builds its
    thousands before it takes the write lock, then adds and flushes them in batches."""
    client = Client(clinic_id=clinic_id)
    apply_details(client, data)
    return client


def create_client(clinic_id: int, data: dict) -> Client:
    client = build_client(clinic_id, data)
    db.session.add(client)
    db.session.flush()
    return client


def update_client(client: Client, data: dict, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != client.version:
        raise EditConflict()
    apply_details(client, data)
    try:
        db.session.flush()
    except StaleDataError:  # saved by someone else between our read and our write
        raise EditConflict() from None


def set_archived(client: Client, archived: bool) -> None:
    client.archived_at = utcnow() if archived else None
    db.session.flush()


@dataclass(frozen=True)
class ClientRow:
    client: Client
    last_visit: date | None


def _starts_with(column, text: str, sqlite: bool):
    """`column` starts with `text` (both lower-cased), in a form the (clinic_id, column) index serves.

    PostgreSQL: LIKE 'text%' on its text_pattern_ops index. SQLite's LIKE is case-insensitive, so it
    cannot use a BINARY index; a range can, and is exact here: BINARY compares UTF-8 bytes, which
    orders like code points, so 'al' <= key < 'am' holds for exactly the keys that start with 'al'.
    """
    upper = text[:-1] + chr(ord(text[-1]) + 1) if ord(text[-1]) < sys.maxunicode else None
    if sqlite and upper is not None:
        return and_(column >= text, column < upper)
    return column.like(_escape_like(text) + "%", escape="\\")


def search_query(clinic_id: int, text: str, archived: bool = False) -> Select:
    """Clients of a clinic matching `text` by name prefix, phone digits or email prefix."""
    # Computed for the rows of the page only, as measured (tests/test_performance_shapes.py): after
    # the sort and LIMIT on PostgreSQL, and only for rows entering SQLite's top-N sorter.
    last_visit = (
        select(func.max(Visit.visit_date))
        .where(Visit.client_id == Client.id)
        .correlate(Client)
        .scalar_subquery()
    )
    query = select(Client, last_visit.label("last_visit")).where(Client.clinic_id == clinic_id)
    query = query.where(Client.archived_at.is_not(None) if archived else Client.archived_at.is_(None))
    text = text.strip().lower()
    order = Client.last_key
    if text:
        sqlite = db.session.get_bind().dialect.name == "sqlite"
        # Folded as the keys are; a text of marks alone folds to nothing and matches no name.
        folded = fold(text) or text
        conditions = [
            _starts_with(Client.name_key, folded, sqlite),
            _starts_with(Client.last_key, folded, sqlite),
        ]
        if "@" in text:
            conditions.append(Client.email.like(_escape_like(text) + "%", escape="\\"))
        digits = _digits(text)
        if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "")) - 2:
            conditions.append(Client.phone_digits.like("%" + digits + "%"))
        query = query.where(or_(*conditions))
        if sqlite:
            # Without statistics SQLite walks the whole last-name index in order and tests every row
            # (20 ms for 20,000 clients when few match); sorting an expression makes it search both
            # name indexes for the matches instead and sort only those (under 1 ms to 5 ms).
            order = Client.last_key.concat("")
    return query.order_by(order, Client.name_key, Client.id)


def search(clinic_id: int, text: str, page: int, archived: bool = False) -> tuple[list[ClientRow], bool]:
    size = current_app.config["PAGE_SIZE"]
    page = max(page, 1)
    rows = db.session.execute(
        search_query(clinic_id, text, archived).limit(size + 1).offset((page - 1) * size)
    ).all()
    return [ClientRow(row[0], row[1]) for row in rows[:size]], len(rows) > size
