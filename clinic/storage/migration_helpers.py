"""DDL that Alembic does not write for us: append-only triggers on SQLite and PostgreSQL.

Kept in the package (not in migrations/) because several migrations use it; each function takes
the Alembic `op` so it runs inside the migration's transaction.
"""


def append_only(op, table: str) -> None:
    """Refuse every UPDATE and DELETE on `table`, whoever sends them."""
    dialect = op.get_bind().dialect.name
    message = f"{table} is append-only"
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()"
        )
    else:
        raise RuntimeError(f"no append-only trigger for {dialect}")


def drop_append_only(op, table: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change()")


def _raise_sqlite(message: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{message}'); END"


def _pg_refusal_function(name: str, message: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation'; END $$"
    )


def never_delete(op, table: str, message: str) -> None:
    """Clinical records are archived, never deleted."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {_raise_sqlite(message)}")
    else:
        op.execute(_pg_refusal_function(f"{table}_refuse_delete", message))
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_delete()"
        )


def drop_never_delete(op, table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_delete()")


SIGNED_LOCKED = "signed visit is locked"


def lock_signed_visits(op) -> None:
    """A signed visit's row, and its trigger points, cannot change: corrections are addenda.

    As migration 0002 made it; 0003 replaces the points' lock (which looked at a point's old visit
    only) with lock_children_of_signed_visits.
    """
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER visit_signed_locked BEFORE UPDATE ON visit WHEN OLD.signed_at IS NOT NULL "
            + _raise_sqlite(SIGNED_LOCKED)
        )
    else:
        op.execute(
            "CREATE FUNCTION visit_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF OLD.signed_at IS NOT NULL THEN RAISE EXCEPTION '{SIGNED_LOCKED}' "
            "USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER visit_signed_locked BEFORE UPDATE ON visit "
            "FOR EACH ROW EXECUTE FUNCTION visit_refuse_signed_change()"
        )
    lock_points_by_old_parent(op)


def lock_points_by_old_parent(op) -> None:
    """0002's lock of trigger points: it checks the new visit on INSERT and the old one otherwise."""
    if op.get_bind().dialect.name == "sqlite":
        for verb, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER trigger_point_signed_locked_{verb.lower()} BEFORE {verb} ON trigger_point "
                f"WHEN (SELECT signed_at FROM visit WHERE id = {row}.visit_id) IS NOT NULL "
                + _raise_sqlite(SIGNED_LOCKED)
            )
        return
    op.execute(
        "CREATE FUNCTION trigger_point_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE parent integer; BEGIN "
        "IF TG_OP = 'INSERT' THEN parent := NEW.visit_id; ELSE parent := OLD.visit_id; END IF; "
        "IF (SELECT signed_at FROM visit WHERE id = parent) IS NOT NULL THEN "
        f"RAISE EXCEPTION '{SIGNED_LOCKED}' USING ERRCODE = 'restrict_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER trigger_point_signed_locked BEFORE INSERT OR UPDATE OR DELETE ON trigger_point "
        "FOR EACH ROW EXECUTE FUNCTION trigger_point_refuse_signed_change()"
    )


def drop_lock_points_by_old_parent(op) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS trigger_point_signed_locked_{verb}")
        return
    op.execute("DROP TRIGGER IF EXISTS trigger_point_signed_locked ON trigger_point")
    op.execute("DROP FUNCTION IF EXISTS trigger_point_refuse_signed_change()")


def drop_lock_signed_visits(op) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS visit_signed_locked")
    else:
        op.execute("DROP TRIGGER IF EXISTS visit_signed_locked ON visit")
        op.execute("DROP FUNCTION IF EXISTS visit_refuse_signed_change()")
    drop_lock_points_by_old_parent(op)


def lock_children_of_signed_visits(op, table: str) -> None:
    """Rows of `table` (a child of visit by `visit_id`) cannot be added to, changed in, moved into,
    moved out of or deleted from a signed visit. Both the old and the new parent are checked: an
    UPDATE that moves a draft's row into a signed note changes that note as surely as an INSERT."""
    signed = "(SELECT signed_at FROM visit WHERE id = {row}.visit_id) IS NOT NULL"
    if op.get_bind().dialect.name == "sqlite":
        conditions = {
            "insert": signed.format(row="NEW"),
            "update": f"{signed.format(row='OLD')} OR {signed.format(row='NEW')}",
            "delete": signed.format(row="OLD"),
        }
        for verb, condition in conditions.items():
            op.execute(
                f"CREATE TRIGGER {table}_signed_locked_{verb} BEFORE {verb.upper()} ON {table} "
                f"WHEN {condition} " + _raise_sqlite(SIGNED_LOCKED)
            )
        return
    op.execute(
        f"CREATE FUNCTION {table}_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF (TG_OP <> 'INSERT' AND {signed.format(row='OLD')}) "
        f"OR (TG_OP <> 'DELETE' AND {signed.format(row='NEW')}) THEN "
        f"RAISE EXCEPTION '{SIGNED_LOCKED}' USING ERRCODE = 'restrict_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {table}_signed_locked BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_signed_change()"
    )


def drop_lock_children_of_signed_visits(op, table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_signed_locked_{verb}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {table}_signed_locked ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_signed_change()")


SLOT_OVERLAP = "slot_overlap"
ACTIVE = "('booked', 'arrived', 'completed')"


def forbid_double_booking(op) -> None:
    """Two active appointments of one therapist may not overlap (half-open intervals).

    PostgreSQL: an exclusion constraint (btree_gist). SQLite: triggers, which run under SQLite's
    single write lock and so cannot race. Times compare as text on SQLite: every value is written
    by the same UTCDateTime type in one fixed format.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE appointment ADD CONSTRAINT appointment_no_overlap EXCLUDE USING gist "
            "(therapist_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
            f"WHERE (status IN {ACTIVE})"
        )
        return
    overlap = (
        f"SELECT RAISE(ABORT, '{SLOT_OVERLAP}') WHERE EXISTS (SELECT 1 FROM appointment AS other "
        "WHERE other.therapist_id = NEW.therapist_id AND other.id IS NOT NEW.id "
        f"AND other.status IN {ACTIVE} AND other.start_at < NEW.end_at AND other.end_at > NEW.start_at)"
    )
    op.execute(
        f"CREATE TRIGGER appointment_no_overlap_insert BEFORE INSERT ON appointment "
        f"WHEN NEW.status IN {ACTIVE} BEGIN {overlap}; END"
    )
    op.execute(
        "CREATE TRIGGER appointment_no_overlap_update "
        "BEFORE UPDATE OF start_at, end_at, therapist_id, status "
        f"ON appointment WHEN NEW.status IN {ACTIVE} BEGIN {overlap}; END"
    )


def drop_forbid_double_booking(op) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap")
        return
    op.execute("DROP TRIGGER IF EXISTS appointment_no_overlap_insert")
    op.execute("DROP TRIGGER IF EXISTS appointment_no_overlap_update")


# Encryption at rest (migration 0009): `flask encryption rotate` re-seals clinical text under a new
# key while the app runs, signed notes and append-only records included. Their locks let a row's
# sealed columns change, and nothing else, while encryption_rekey holds a row: rotate inserts it and
# deletes it inside each of its transactions, so no other transaction ever sees one.
REKEYING = "EXISTS (SELECT 1 FROM encryption_rekey)"


def _rekey_only(op, table: str, sealed: tuple[str, ...]) -> str:
    """SQL true when this UPDATE is rotate's: leased, and only sealed columns differ."""
    if op.get_bind().dialect.name == "sqlite":
        columns = [row[1] for row in op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})")]
        same = " AND ".join(f"OLD.{name} IS NEW.{name}" for name in columns if name not in sealed)
        return f"({REKEYING} AND {same})"
    names = "ARRAY[" + ", ".join(f"'{name}'" for name in sealed) + "]::text[]"
    return f"({REKEYING} AND (to_jsonb(OLD) - {names}) = (to_jsonb(NEW) - {names}))"


def lock_signed_visits_but_rekey(op, sealed: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER visit_signed_locked")
        op.execute(
            "CREATE TRIGGER visit_signed_locked BEFORE UPDATE ON visit WHEN OLD.signed_at IS NOT NULL "
            f"AND NOT {_rekey_only(op, 'visit', sealed)} " + _raise_sqlite(SIGNED_LOCKED)
        )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION visit_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF OLD.signed_at IS NOT NULL AND NOT {_rekey_only(op, 'visit', sealed)} THEN "
        f"RAISE EXCEPTION '{SIGNED_LOCKED}' USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$"
    )


def restore_lock_signed_visits(op) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER visit_signed_locked")
        op.execute(
            "CREATE TRIGGER visit_signed_locked BEFORE UPDATE ON visit WHEN OLD.signed_at IS NOT NULL "
            + _raise_sqlite(SIGNED_LOCKED)
        )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION visit_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF OLD.signed_at IS NOT NULL THEN RAISE EXCEPTION '{SIGNED_LOCKED}' "
        "USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$"
    )


def append_only_but_rekey(op, table: str, sealed: tuple[str, ...]) -> None:
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER {table}_no_update")
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"WHEN NOT {_rekey_only(op, table, sealed)} " + _raise_sqlite(message)
        )
        return
    op.execute(
        f"CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF TG_OP = 'UPDATE' AND {_rekey_only(op, table, sealed)} THEN RETURN NEW; END IF; "
        f"RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation'; END $$"
    )


def restore_append_only(op, table: str) -> None:
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER {table}_no_update")
        op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} " + _raise_sqlite(message))
        return
    op.execute(
        f"CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation'; END $$"
    )


def _children_lock_sql(op, table: str, rekey: str = "") -> None:
    """lock_children_of_signed_visits's UPDATE rule, optionally letting rotate re-seal (rekey)."""
    signed = "(SELECT signed_at FROM visit WHERE id = {row}.visit_id) IS NOT NULL"
    allow = f" AND NOT {rekey}" if rekey else ""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER {table}_signed_locked_update")
        op.execute(
            f"CREATE TRIGGER {table}_signed_locked_update BEFORE UPDATE ON {table} "
            f"WHEN ({signed.format(row='OLD')} OR {signed.format(row='NEW')}){allow} "
            + _raise_sqlite(SIGNED_LOCKED)
        )
        return
    op.execute(
        f"CREATE OR REPLACE FUNCTION {table}_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF TG_OP = 'UPDATE' AND {rekey or 'false'} THEN RETURN NEW; END IF; "
        f"IF (TG_OP <> 'INSERT' AND {signed.format(row='OLD')}) "
        f"OR (TG_OP <> 'DELETE' AND {signed.format(row='NEW')}) THEN "
        f"RAISE EXCEPTION '{SIGNED_LOCKED}' USING ERRCODE = 'restrict_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )


def lock_children_but_rekey(op, table: str, sealed: tuple[str, ...]) -> None:
    _children_lock_sql(op, table, _rekey_only(op, table, sealed))


def restore_lock_children(op, table: str) -> None:
    _children_lock_sql(op, table)


def lock_documents_of_signed_visits(op, sealed: tuple[str, ...]) -> None:
    """A document of a signed visit cannot change or move (only rotate may re-seal its sealed columns),
    and a document joins a signed visit only as added after signing (like an addendum). Rows are
    never deleted (never_delete): a document is removed by marking it, while its visit is a draft."""
    signed = "(SELECT signed_at FROM visit WHERE id = {row}.visit_id) IS NOT NULL"
    rekey = _rekey_only(op, "document", sealed)
    late_insert = f"{signed.format(row='NEW')} AND NOT NEW.added_after_signing"
    change = f"({signed.format(row='OLD')} OR {signed.format(row='NEW')}) AND NOT {rekey}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE TRIGGER document_signed_locked_insert BEFORE INSERT ON document WHEN {late_insert} "
            + _raise_sqlite(SIGNED_LOCKED)
        )
        op.execute(
            f"CREATE TRIGGER document_signed_locked_update BEFORE UPDATE ON document WHEN {change} "
            + _raise_sqlite(SIGNED_LOCKED)
        )
        return
    op.execute(
        "CREATE FUNCTION document_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF (TG_OP = 'INSERT' AND {late_insert}) OR (TG_OP = 'UPDATE' AND {change}) THEN "
        f"RAISE EXCEPTION '{SIGNED_LOCKED}' USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER document_signed_locked BEFORE INSERT OR UPDATE ON document "
        "FOR EACH ROW EXECUTE FUNCTION document_refuse_signed_change()"
    )


def drop_lock_documents_of_signed_visits(op) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS document_signed_locked_{verb}")
        return
    op.execute("DROP TRIGGER IF EXISTS document_signed_locked ON document")
    op.execute("DROP FUNCTION IF EXISTS document_refuse_signed_change()")
