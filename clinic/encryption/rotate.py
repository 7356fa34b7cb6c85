"""Re-seal every sealed value under the current key, in batches, while the app runs.

Each batch is one short transaction: it takes the rekey lease (see RekeyLease), rewrites only the
sealed columns of rows whose value is not yet under the current key, and gives the lease back
before it commits. A row the app changed meanwhile is left alone (its UPDATE is conditional on the
value read) because the app seals with the current key anyway. Plain text written before
encryption was turned on is sealed the same way. Signed notes are then checked against their
signing hash, which is taken of the plain text and so does not change.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Column, Table, Text, and_, delete, func, insert, or_, select, type_coerce, update

from ..extensions import db
from ..models import EncryptionKeyCheck, RekeyLease, Visit
from .keyring import PREFIX, Keyring
from .types import SEALED_TYPES, keyring


@dataclass
class RotationReport:
    resealed: dict[str, int] = field(default_factory=dict)  # "table.column" -> values re-sealed
    batches: int = 0
    signed_notes_checked: int = 0
    signed_notes_mismatched: list[int] = field(default_factory=list)
    retired_keys: list[str] = field(default_factory=list)


def sealed_columns() -> Iterator[tuple[Table, list[Column]]]:
    """Each table with sealed columns, and those columns, from the models' metadata."""
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, SEALED_TYPES)]
        if columns:
            yield table, columns


def _raw(column: Column):
    """The column as stored (sealed text), bypassing the type that opens it."""
    return type_coerce(column, Text)


def _under(column: Column, key_id: str):
    return _raw(column).startswith(f"{PREFIX}{key_id}:", autoescape=True)


def _stale(column: Column, key_id: str):
    """Not yet under `key_id`: sealed with another key, or plain text. Empty and NULL stay."""
    return and_(_raw(column) != "", ~_under(column, key_id))


def rotate(
    batch_size: int = 500, after_batch: Callable[[RotationReport], None] | None = None
) -> RotationReport:
    ring = keyring()
    if ring.current is None:
        raise RuntimeError("ENCRYPTION_KEYS is empty: there is no key to seal with")
    report = RotationReport()
    touched_visits: list[int] = []
    for table, columns in sealed_columns():
        (key,) = table.primary_key.columns
        last = None
        while True:
            query = select(key, *(_raw(c).label(c.name) for c in columns))
            query = query.where(or_(*(_stale(c, ring.current) for c in columns)))
            if last is not None:
                query = query.where(key > last)
            rows = db.session.execute(query.order_by(key).limit(batch_size)).all()
            db.session.rollback()  # end the read: the batch is its own short transaction
            if not rows:
                break
            _reseal_batch(ring, table, key, columns, rows, report)
            if table.name == Visit.__tablename__:
                touched_visits.extend(row[0] for row in rows)
            last = rows[-1][0]
            report.batches += 1
            if after_batch:
                after_batch(report)
    _check_signed_notes(touched_visits, report)
    report.retired_keys = _retire_unused_keys(ring)
    return report


def _reseal_batch(ring: Keyring, table: Table, key: Column, columns: list[Column], rows, report) -> None:
    # Columns that change on every UPDATE (updated_at) keep their value: only the seal changes.
    keep = {c: c for c in table.columns if c.onupdate is not None}
    db.session.execute(insert(RekeyLease).values(id=1))
    for row in rows:
        values, unchanged = {}, []
        for column in columns:
            stored = getattr(row, column.name)
            if not stored or stored.startswith(f"{PREFIX}{ring.current}:"):
                continue
            field_name = column.type.field
            values[column] = type_coerce(ring.seal(field_name, ring.open(field_name, stored)), Text)
            unchanged.append(_raw(column) == stored)
            report.resealed[field_name] = report.resealed.get(field_name, 0) + 1
        if values:
            db.session.execute(update(table).where(key == row[0], *unchanged).values({**keep, **values}))
    db.session.execute(delete(RekeyLease))
    db.session.commit()


def _check_signed_notes(visit_ids: list[int], report: RotationReport, batch_size: int = 500) -> None:
    from ..visits.signing import hash_matches

    for start in range(0, len(visit_ids), batch_size):
        ids = visit_ids[start : start + batch_size]
        for visit in db.session.scalars(select(Visit).where(Visit.id.in_(ids), Visit.signed_at.is_not(None))):
            report.signed_notes_checked += 1
            if not hash_matches(visit):
                report.signed_notes_mismatched.append(visit.id)
        db.session.rollback()


def values_under(key_id: str) -> int:
    total = 0
    for table, columns in sealed_columns():
        total += db.session.scalar(
            select(func.count()).select_from(table).where(or_(*(_under(c, key_id) for c in columns)))
        )
    return total


def _retire_unused_keys(ring: Keyring) -> list[str]:
    """Forget the check of each old key that seals nothing any more (it may leave the config)."""
    retired = []
    for key_id in db.session.scalars(
        select(EncryptionKeyCheck.key_id).order_by(EncryptionKeyCheck.key_id)
    ).all():
        if key_id != ring.current and values_under(key_id) == 0:
            db.session.execute(delete(EncryptionKeyCheck).where(EncryptionKeyCheck.key_id == key_id))
            retired.append(key_id)
    db.session.commit()
    return retired


def census(key_ids: list[str]) -> dict[str, dict[str, int]]:
    """For `flask encryption status`: per sealed field, how many values each key seals, how many
    are still plain text, and how many are sealed with a key not named (should be none)."""
    result: dict[str, dict[str, int]] = {}
    for table, columns in sealed_columns():
        for column in columns:
            raw = _raw(column)
            counts = {key_id: func.count().filter(_under(column, key_id)) for key_id in key_ids}
            counts["plain"] = func.count().filter(and_(raw != "", ~raw.startswith(PREFIX)))
            counts["all sealed"] = func.count().filter(raw.startswith(PREFIX))
            row = db.session.execute(
                select(*(c.label(f"c{i}") for i, c in enumerate(counts.values()))).select_from(table)
            ).one()
            numbers = dict(zip(counts, row, strict=True))
            numbers["other keys"] = numbers.pop("all sealed") - sum(numbers[k] for k in key_ids)
            result[column.type.field] = numbers
    db.session.rollback()
    return result
