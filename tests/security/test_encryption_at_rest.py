"""Clinical free text is sealed at rest: a dump of the database after a whole clinic day holds none of
its clinical canaries, the locks still hold, a missing or wrong key stops the app at start-up, and
`flask encryption rotate` moves every value to a new key while signed notes stay verifiable.

Run on SQLite and on PostgreSQL (CLINIC_TEST_DATABASE_URL); the dump is the SQLite file itself (with
its write-ahead log) or pg_dump's output.
"""

import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Text, insert, select, text, type_coerce
from sqlalchemy.exc import DatabaseError

from clinic import create_app
from clinic.encryption import EncryptionKeyError
from clinic.encryption.keyring import key_id_of
from clinic.encryption.rotate import census, rotate, sealed_columns
from clinic.extensions import db
from clinic.models import Addendum, HealthRecord, RekeyLease, Visit
from clinic.visits.signing import hash_matches
from tests.conftest import TEST_ENCRYPTION_KEYS

from .browser import FlaskBrowser
from .conftest import log_in
from .flows import (
    CANARY_ADDENDUM,
    CANARY_CONDITION,
    CANARY_DESK,
    CANARY_NAME,
    CANARY_NOTE,
    CANARY_REASON,
    CANARY_SELF,
    canary_day,
)

CLINICAL = (CANARY_CONDITION, CANARY_NOTE, CANARY_REASON, CANARY_ADDENDUM, CANARY_SELF)
NEW_KEY = "test-2:Gp7hMP7wGuApxwBT8SPa0TvLpLoMndY_2IWnw3yU284"
WRONG_KEY = "test-1:Gp7hMP7wGuApxwBT8SPa0TvLpLoMndY_2IWnw3yU284"  # another key under test-1's id


def dump(app) -> str:
    """Everything the database holds, as a thief with the file or a backup would read it."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        files = [path, *path.parent.glob(path.name + "-*")]
        return b"".join(f.read_bytes() for f in files).decode("utf-8", "replace")
    plain_url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    return subprocess.run(
        ["pg_dump", "--data-only", plain_url], check=True, capture_output=True, text=True, timeout=120
    ).stdout


@pytest.fixture
def clinic_day(seeded):
    app, world = seeded(WTF_CSRF_ENABLED=True)
    made = canary_day(FlaskBrowser(app), FlaskBrowser(app), FlaskBrowser(app), world.a)
    return app, world, made


def test_a_dump_after_a_clinic_day_holds_no_clinical_text(clinic_day):
    app, _, _ = clinic_day
    content = dump(app)
    # the dump does read the data: names and the desk's notes are not sealed (searchable, not clinical)
    assert CANARY_NAME in content and CANARY_DESK in content
    assert "kw1:test-1:" in content
    found = [canary for canary in CLINICAL if canary.lower() in content.lower()]
    assert not found, f"clinical text readable in a dump: {found}"


def test_the_app_reads_what_it_sealed(clinic_day):
    app, _, made = clinic_day
    with app.app_context():
        visit = db.session.get(Visit, made["visit"])
        assert visit.subjective == CANARY_NOTE and hash_matches(visit)
        assert visit.addenda[-1].text == CANARY_ADDENDUM
        assert visit.points[0].referral == CANARY_CONDITION
        stored = db.session.scalar(select(type_coerce(Visit.subjective, Text)).where(Visit.id == visit.id))
        assert key_id_of(stored) == "test-1" and CANARY_NOTE not in stored


def test_a_value_that_does_not_open_is_an_error_page_never_garbage(world_app, caplog):
    app, world = world_app
    with app.app_context():  # a draft's text, altered in the database (drafts are not locked)
        stored = db.session.scalar(
            select(type_coerce(Visit.subjective, Text)).where(Visit.id == world.a.draft_visit)
        )
        altered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
        db.session.execute(
            text("UPDATE visit SET subjective = :v WHERE id = :id"), {"v": altered, "id": world.a.draft_visit}
        )
        db.session.commit()
        db.session.remove()
    web = log_in(app.test_client(), world.a.emails["therapist"])
    response = web.get(f"/visits/{world.a.draft_visit}/edit")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "kw1:" not in body and altered[-20:] not in body
    assert altered[-20:] not in caplog.text


def _visit_ids(world):
    return {"signed": world.a.signed_visit, "draft": world.a.draft_visit}


def _raw_update(app, statement: str, leased: bool, **params) -> None:
    with app.app_context():
        try:
            if leased:
                db.session.execute(insert(RekeyLease).values(id=1))
            db.session.execute(text(statement), params)
            if leased:
                db.session.execute(text("DELETE FROM encryption_rekey"))
            db.session.commit()
        finally:
            db.session.rollback()
            db.session.remove()


RECORD = "(SELECT health_record_id FROM visit WHERE id = :signed)"  # the signed note's health record
# Under rotate's lease only sealed columns may change; without it nothing of a signed note may.
LOCKED_UNDER_LEASE = {
    "a signed note's plain column": "UPDATE visit SET pain_after = 0 WHERE id = :signed",
    "unsign the note": "UPDATE visit SET signed_at = NULL WHERE id = :signed",
    "a point's dose": "UPDATE trigger_point SET pain_after = 0 WHERE visit_id = :signed",
    "move an addendum": "UPDATE addendum SET visit_id = :draft WHERE visit_id = :signed",
    "delete an addendum": "DELETE FROM addendum WHERE visit_id = :signed",
    "delete a health record": f"DELETE FROM health_record WHERE id = {RECORD}",
    "a health record's number": f"UPDATE health_record SET number = 99 WHERE id = {RECORD}",
    "a signed note's document's file": "UPDATE document SET sha256 = 'x' WHERE visit_id = :signed",
    "move a signed note's document": "UPDATE document SET visit_id = :draft WHERE visit_id = :signed",
    "remove a signed note's document": "UPDATE document SET removed_at = created_at WHERE visit_id = :signed",
    "delete a document": "DELETE FROM document WHERE visit_id = :signed",
}
SEALED_CHANGES = {
    "the note's text": "UPDATE visit SET subjective = subjective || '' WHERE id = :signed",
    "a point's referral": "UPDATE trigger_point SET referral = referral || '' WHERE visit_id = :signed",
    "an addendum's text": "UPDATE addendum SET text = text || '' WHERE visit_id = :signed",
    "a health record's goals": f"UPDATE health_record SET goals = goals || '' WHERE id = {RECORD}",
    "a document's key": "UPDATE document SET file_key = file_key || '' WHERE visit_id = :signed",
}


@pytest.mark.parametrize("statement", LOCKED_UNDER_LEASE.values(), ids=LOCKED_UNDER_LEASE.keys())
def test_the_rotation_lease_opens_only_sealed_columns(world_app, statement):
    app, world = world_app
    with pytest.raises(DatabaseError):
        _raw_update(app, statement, leased=True, **_visit_ids(world))


@pytest.mark.parametrize("statement", SEALED_CHANGES.values(), ids=SEALED_CHANGES.keys())
def test_sealed_columns_of_locked_rows_change_only_under_the_lease(world_app, statement):
    app, world = world_app
    with pytest.raises(DatabaseError):
        _raw_update(app, statement, leased=False, **_visit_ids(world))
    _raw_update(app, statement, leased=True, **_visit_ids(world))  # rotate's own kind of change


def test_rotation_moves_every_value_to_the_new_key_while_the_app_writes(clinic_day, make_app, runner):
    app, world, made = clinic_day
    rotating = make_app(ENCRYPTION_KEYS=f"{NEW_KEY},{TEST_ENCRYPTION_KEYS}")
    with rotating.app_context():
        before = census(["test-1", "test-2"])
        assert sum(c["test-1"] for c in before.values()) > 20 and not any(
            c["test-2"] for c in before.values()
        )
        # plain text from before encryption was turned on is sealed too
        db.session.execute(
            text("UPDATE intake_link SET submission = :plain WHERE id = (SELECT min(id) FROM intake_link)"),
            {"plain": '{"main_complaint": "plain-legacy-text"}'},
        )
        db.session.commit()

        def meanwhile(report):
            # the app goes on: a draft is saved (sealed with the new key by the app itself)
            if report.batches == 1:
                draft = db.session.get(Visit, world.a.draft_visit)
                draft.subjective = "written during the rotation"
                db.session.commit()

        report = rotate(batch_size=3, after_batch=meanwhile)
        after = census(["test-1", "test-2"])
        assert report.batches > 5 and report.signed_notes_checked >= 2 and not report.signed_notes_mismatched
        assert not any(c["test-1"] or c["plain"] or c["other keys"] for c in after.values()), after
        assert report.retired_keys == ["test-1"]
        visit = db.session.get(Visit, made["visit"])
        assert visit.subjective == CANARY_NOTE and hash_matches(visit)
        assert db.session.get(Visit, world.a.draft_visit).subjective == "written during the rotation"
        db.session.remove()
    # the old key may now leave the configuration
    only_new = make_app(ENCRYPTION_KEYS=NEW_KEY)
    with only_new.app_context():
        assert db.session.get(Visit, made["visit"]).points[0].referral == CANARY_CONDITION
        assert db.session.scalars(select(Addendum)).first().text
        assert db.session.scalars(select(HealthRecord)).first().main_complaint is not None
        # a document's file is not rewritten: its own key, re-sealed, still opens it
        from clinic.documents import services as documents
        from clinic.models import Document

        assert documents.read(db.session.get(Document, world.a.visit_document)).startswith(b"%PDF-")
        db.session.remove()
    content = dump(only_new)
    assert not [c for c in CLINICAL if c in content] and "kw1:test-1:" not in content


def test_a_missing_or_wrong_key_stops_the_app_at_start_up(world_app, make_app):
    app, _ = world_app  # its start recorded test-1's check value
    with pytest.raises(EncryptionKeyError, match="'test-1'.*not in ENCRYPTION_KEYS"):
        make_app(ENCRYPTION_KEYS=NEW_KEY)
    with pytest.raises(EncryptionKeyError, match="'test-1'.*wrong key"):
        make_app(ENCRYPTION_KEYS=WRONG_KEY)
    with pytest.raises(EncryptionKeyError, match="ENCRYPTION_KEYS is empty"):
        make_app(ENCRYPTION_KEYS="")
    make_app(ENCRYPTION_KEYS=f"{NEW_KEY},{TEST_ENCRYPTION_KEYS}")  # a new key first, the old one after


@pytest.mark.parametrize(
    "setting, message",
    [
        ("k1", "'<id>:<base64url key>'"),
        ("k1:c2hvcnQ", "not 32 bytes"),
        ("bad id!:" + TEST_ENCRYPTION_KEYS.split(":")[1], "'<id>:<base64url key>'"),
        (f"{TEST_ENCRYPTION_KEYS},{TEST_ENCRYPTION_KEYS}", "appears twice"),
    ],
)
def test_a_malformed_key_setting_is_a_clear_start_up_error(tmp_path, setting, message):
    config = {
        "TESTING": True,
        "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "ENCRYPTION_KEYS": setting,
    }
    with pytest.raises(EncryptionKeyError, match=message):
        create_app(config)


def test_a_production_app_without_keys_does_not_start(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINIC_INSTANCE_PATH", str(tmp_path))
    config = {
        "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PUBLIC_BASE_URL": "https://clinic.example.test",
    }
    with pytest.raises(EncryptionKeyError, match="ENCRYPTION_KEYS is not set"):
        create_app(config)


def test_every_sealed_column_is_known_to_the_rotation(app):
    with app.app_context():
        fields = {column.type.field for _, columns in sealed_columns() for column in columns}
    assert {
        "visit.subjective",
        "visit.overrides",
        "addendum.text",
        "addendum.reason",
        "health_record.conditions",
        "health_record.medications",
        "intake_link.submission",
        "trigger_point.referral",
        "appointment.cancel_reason",
        "document.file_key",
        "document.filename",
        "document.caption",
    } <= fields


def test_the_encryption_commands(world_app, make_app):
    app, _ = world_app
    rotating = make_app(ENCRYPTION_KEYS=f"{NEW_KEY},{TEST_ENCRYPTION_KEYS}")
    cli = rotating.test_cli_runner()
    status = cli.invoke(args=["encryption", "status"])
    assert status.exit_code == 0 and "Sealing with: test-2" in status.output
    assert "visit.subjective: test-1" in status.output
    result = cli.invoke(args=["encryption", "rotate", "--batch-size", "50"])
    assert result.exit_code == 0, result.output
    assert "visit.subjective:" in result.output and "re-sealed with test-2" in result.output
    assert "Key 'test-1' seals nothing any more" in result.output
    again = cli.invoke(args=["encryption", "rotate"])
    assert "Everything was already sealed with the current key." in again.output
    key = cli.invoke(args=["encryption", "new-key", "--id", "2027-01"])
    assert key.exit_code == 0 and key.output.startswith("2027-01:") and len(key.output.strip()) == 51
