"""Each client's current due date follows their visits (clinic/visits/due.py), whichever way they change."""

from datetime import date, timedelta

from clinic.extensions import db
from clinic.models import Client, Visit
from tests.factories import create_client_with_history, legacy_visit_row, note_data, point
from tests.test_visits import TODAY, start

DAY = date(2026, 6, 1)


def due_of(app, client_id):
    with app.app_context():
        client = db.session.get(Client, client_id)
        return client.due_on, client.due_visit_id


def test_a_note_saved_chosen_reset_and_signed_moves_the_clients_due_date(
    app, web, login_as, therapist, clinic_id, clock
):
    clock.set(TODAY)
    client_id = create_client_with_history(app, clinic_id, therapist, onset=date(2026, 11, 14))
    login_as(therapist)
    visit_id = start(web, client_id, [("stretching", "shoulder_r")])
    assert due_of(app, client_id) == (None, None)  # no pain yet: no recommendation
    web.post(f"/visits/{visit_id}/edit", data=note_data([point(technique="stretching")], pain_before="7"))
    with app.app_context():
        recommended = db.session.get(Visit, visit_id).next_due
    assert recommended is not None
    assert due_of(app, client_id) == (recommended, visit_id)
    web.post(f"/visits/{visit_id}/frequency", data={"interval_days": "7", "sessions": "3", "reason": "x"})
    assert due_of(app, client_id) == (date(2026, 12, 1), visit_id)
    web.post(f"/visits/{visit_id}/frequency", data={"reset": "1"})
    assert due_of(app, client_id) == (recommended, visit_id)
    web.post(
        f"/visits/{visit_id}/edit",
        data={**note_data([point(technique="stretching")], pain_before="7"), "sign": "1"},
    )
    with app.app_context():
        assert db.session.get(Visit, visit_id).signed_at is not None
    assert due_of(app, client_id) == (recommended, visit_id)


def test_the_latest_visit_with_a_date_stands_whatever_the_order_of_writing(app, clinic_id, therapist):
    client_id = create_client_with_history(app, clinic_id, therapist)
    later = legacy_visit_row(app, clinic_id, client_id, therapist, DAY, next_due=DAY + timedelta(days=14))
    assert due_of(app, client_id) == (DAY + timedelta(days=14), later)
    # an earlier visit written afterwards (a late note) does not stand for the client
    legacy_visit_row(
        app, clinic_id, client_id, therapist, DAY - timedelta(days=7), next_due=DAY + timedelta(days=1)
    )
    assert due_of(app, client_id) == (DAY + timedelta(days=14), later)
    # a later visit without a date does not clear it; one on the same day recorded later takes over
    legacy_visit_row(app, clinic_id, client_id, therapist, DAY + timedelta(days=3))
    same_day = legacy_visit_row(app, clinic_id, client_id, therapist, DAY, next_due=DAY + timedelta(days=30))
    assert due_of(app, client_id) == (DAY + timedelta(days=30), same_day)
    # its date cleared (a draft's plan reset to nothing): the one before stands again
    with app.app_context():
        db.session.get(Visit, same_day).next_due = None
        db.session.commit()
    assert due_of(app, client_id) == (DAY + timedelta(days=14), later)
    other = create_client_with_history(app, clinic_id, therapist, first="Other")
    assert due_of(app, other) == (None, None)


def test_the_due_date_never_makes_the_desks_edit_a_conflict(app, clinic_id, therapist):
    """A note signed while the desk edits the client's phone number: the client's version and
    updated_at are the desk's, not the therapist's."""
    client_id = create_client_with_history(app, clinic_id, therapist)
    with app.app_context():
        client = db.session.get(Client, client_id)
        version, updated_at = client.version, client.updated_at
        db.session.add(
            Visit(clinic_id=clinic_id, client_id=client_id, therapist_id=therapist, visit_date=DAY)
        )
        db.session.flush()
        db.session.add(
            Visit(
                clinic_id=clinic_id,
                client_id=client_id,
                therapist_id=therapist,
                visit_date=DAY,
                next_due=DAY + timedelta(days=9),
            )
        )
        db.session.commit()
        assert client.due_on == DAY + timedelta(days=9)  # the loaded client shows it without a reload
        db.session.expire_all()
        client = db.session.get(Client, client_id)
        assert (client.version, client.updated_at) == (version, updated_at)
