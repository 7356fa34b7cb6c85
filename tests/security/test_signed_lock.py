"""The database refuses every statement that would change a signed note through its child rows.

Points and addenda are the children of a visit today; the lock of a point looks at both its old and
its new visit, so a draft's point cannot be moved into a signed note, nor a signed note's point out.
Run on SQLite and on PostgreSQL (CLINIC_TEST_DATABASE_URL); each statement by itself.
"""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from clinic.extensions import db
from clinic.models import Visit
from clinic.visits.signing import content_hash

POINT_COLUMNS = (
    "visit_id, number, muscle, side, region, kind, taut_band, twitch, referral, technique, tool_detail, "
    "pressure_scale"
)
POINT_VALUES = (
    "'upper_trapezius', 'right', 'shoulder_r', 'active', false, false, '', 'hand_pressure', '', 'felt'"
)

REFUSED = {
    "insert a point into the signed note": (
        f"INSERT INTO trigger_point ({POINT_COLUMNS}) VALUES (:signed, 99, {POINT_VALUES})"
    ),
    "move a draft's points into the signed note": (
        "UPDATE trigger_point SET visit_id = :signed WHERE visit_id = :draft"
    ),
    "move the signed note's points into a draft": (
        "UPDATE trigger_point SET visit_id = :draft WHERE visit_id = :signed"
    ),
    "change a point of the signed note": "UPDATE trigger_point SET pain_after = 0 WHERE visit_id = :signed",
    "delete a point of the signed note": "DELETE FROM trigger_point WHERE visit_id = :signed",
    "change the signed note": "UPDATE visit SET subjective = 'forged' WHERE id = :signed",
    "unsign the signed note": "UPDATE visit SET signed_at = NULL WHERE id = :signed",
    "change an addendum": "UPDATE addendum SET text = 'forged' WHERE visit_id = :signed",
    "move an addendum to the draft": "UPDATE addendum SET visit_id = :draft WHERE visit_id = :signed",
    "delete an addendum": "DELETE FROM addendum WHERE visit_id = :signed",
}

ALLOWED = {
    "insert a point into the draft": (
        f"INSERT INTO trigger_point ({POINT_COLUMNS}) VALUES (:draft, 99, {POINT_VALUES})"
    ),
    "change a point of the draft": "UPDATE trigger_point SET pain_after = 0 WHERE visit_id = :draft",
    "delete the draft's points": "DELETE FROM trigger_point WHERE visit_id = :draft",
}


@pytest.fixture
def notes(world_app):
    app, world = world_app
    with app.app_context():
        signed = db.session.get(Visit, world.a.signed_visit)
        assert signed.is_signed and signed.points and signed.addenda
        draft = db.session.get(Visit, world.a.draft_visit)
        assert not draft.is_signed and draft.points
        db.session.remove()
    return app, {"signed": world.a.signed_visit, "draft": world.a.draft_visit}


def children(app, visit_id: int) -> tuple:
    with app.app_context():
        points = db.session.execute(
            text("SELECT id, visit_id, pain_after FROM trigger_point WHERE visit_id = :v ORDER BY id"),
            {"v": visit_id},
        ).all()
        addenda = db.session.execute(
            text("SELECT id, text FROM addendum WHERE visit_id = :v ORDER BY id"), {"v": visit_id}
        ).all()
        db.session.remove()
        return tuple(points), tuple(addenda)


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_database_refuses_a_change_to_a_signed_note(notes, statement):
    app, ids = notes
    before = {name: children(app, visit_id) for name, visit_id in ids.items()}
    with app.app_context():
        with pytest.raises(DatabaseError, match="signed visit is locked|addendum is append-only"):
            db.session.execute(text(statement), ids)
            db.session.flush()
        db.session.rollback()
        signed = db.session.get(Visit, ids["signed"])
        assert signed.content_hash == content_hash(signed)  # the fingerprint still matches
        db.session.remove()
    assert {name: children(app, visit_id) for name, visit_id in ids.items()} == before


@pytest.mark.parametrize("statement", ALLOWED.values(), ids=ALLOWED.keys())
def test_a_draft_stays_editable(notes, statement):
    app, ids = notes
    with app.app_context():
        result = db.session.execute(text(statement), ids)
        assert result.rowcount >= 1
        db.session.commit()
