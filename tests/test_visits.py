"""Treatment notes: lifecycle, screening of what is performed, signing and the lock, addenda."""

import re

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from clinic.extensions import db
from clinic.models import Addendum, AuditEvent, TriggerPoint, Visit
from clinic.visits.signing import content_hash
from tests.conftest import table_counts
from tests.factories import create_client_with_history, note_data, point

TODAY = "2026-11-24T10:00:00+00:00"
SURGERY = {"code": "recent_surgery", "region": "knee_l", "date": "2026-11-03"}
ANTICOAG = {"code": "anticoagulant"}


def start(web, client_id, plan, changes=""):
    data = {"start": "1", "changes": changes}
    for n, (technique, region) in enumerate(plan):
        data[f"plan-{n}-technique"] = technique
        data[f"plan-{n}-region"] = region
    response = web.post(f"/clients/{client_id}/visits/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/visits/(\d+)/edit", response.headers["Location"]).group(1))


@pytest.fixture
def knee_client(app, clinic_id, therapist):
    return create_client_with_history(app, clinic_id, therapist, [SURGERY, ANTICOAG])


def test_start_screens_the_plan_and_records_a_health_update(
    app, web, login_as, therapist, knee_client, clock
):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(
        web, knee_client, [("massage_gun", "knee_l"), ("hand_pressure", "shoulder_r")], "No changes"
    )
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        verdicts = [item["verdict"] for item in visit.screening["items"]]
        assert verdicts == ["contraindicated", "modify"]
        assert visit.screening["verdict"] == "contraindicated"
        assert visit.rules_version.startswith("default")
        assert visit.health_record.number == 2 and visit.health_record.source == "update"
    page = web.get(f"/visits/{visit_id}/edit").get_data(as_text=True)
    assert "Contraindicated" in page and "Withheld today (contraindicated)" in page
    assert "surgery" in page.lower()


def test_contraindicated_item_cannot_be_recorded_as_performed(
    app, web, login_as, therapist, knee_client, clock
):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("hand_pressure", "shoulder_r")])
    before = table_counts(app)
    data = note_data(
        points=[
            point(
                technique="massage_gun",
                region="knee_l",
                muscle="rectus_femoris",
                side="left",
                view="front",
                x="115",
                y="300",
            )
        ],
        plan=[
            {
                "technique": "hand_pressure",
                "region": "shoulder_r",
                "decision": "proceed",
                "reason": "light pressure",
            }
        ],
    )
    response = web.post(f"/visits/{visit_id}/edit", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "contraindicated today" in body
    assert table_counts(app) == before


def test_going_ahead_against_modify_needs_a_reason_to_sign(app, web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("hand_pressure", "shoulder_r")])
    plan = [{"technique": "hand_pressure", "region": "shoulder_r", "decision": "proceed", "reason": ""}]
    response = web.post(f"/visits/{visit_id}/edit", data={**note_data([point()], plan), "sign": "1"})
    assert response.status_code == 400
    assert "needs a reason to go ahead" in response.get_data(as_text=True)
    plan[0]["reason"] = "Broad, moderate pressure; client bruises easily"
    response = web.post(f"/visits/{visit_id}/edit", data={**note_data([point()], plan), "sign": "1"})
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.is_signed and visit.content_hash == content_hash(visit)
        assert visit.overrides == [
            {
                "index": 0,
                "technique": "hand_pressure",
                "region": "shoulder_r",
                "verdict": "modify",
                "reason": "Broad, moderate pressure; client bruises easily",
            }
        ]
        assert [p.muscle for p in visit.points] == ["upper_trapezius"]
        actions = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_id == visit_id, AuditEvent.object_type == "visit"
            )
        ).all()
        assert "visit.sign" in actions and "visit.create" in actions


def test_signed_note_is_locked_in_the_app_and_in_the_database(
    app, web, login_as, therapist, knee_client, clock
):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    web.post(f"/visits/{visit_id}/edit", data={**note_data([point(technique="stretching")]), "sign": "1"})
    response = web.post(f"/visits/{visit_id}/edit", data=note_data(subjective="changed"))
    assert response.status_code == 303
    assert "signed and locked" in web.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        with pytest.raises(DatabaseError, match="signed visit is locked"):
            db.session.execute(
                text("UPDATE visit SET subjective = 'forged' WHERE id = :id"), {"id": visit_id}
            )
        db.session.rollback()
        with pytest.raises(DatabaseError, match="signed visit is locked"):
            db.session.execute(
                text("UPDATE trigger_point SET pain_after = 0 WHERE visit_id = :id"), {"id": visit_id}
            )
        db.session.rollback()
        with pytest.raises(DatabaseError, match="signed visit is locked"):
            db.session.execute(text("DELETE FROM trigger_point WHERE visit_id = :id"), {"id": visit_id})
        db.session.rollback()
        assert db.session.get(Visit, visit_id).subjective == "Stiff neck after long drives"


def test_hash_check_notices_tampering(app, web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    web.post(f"/visits/{visit_id}/edit", data={**note_data([point(technique="stretching")]), "sign": "1"})
    assert "fingerprint matches" in web.get(f"/visits/{visit_id}").get_data(as_text=True)
    with app.app_context():  # someone with database access drops the lock and edits the note
        db.session.execute(
            text(
                "DROP TRIGGER visit_signed_locked"
                + (" ON visit" if db.engine.dialect.name == "postgresql" else "")
            )
        )
        db.session.execute(text("UPDATE visit SET assessment = 'forged' WHERE id = :id"), {"id": visit_id})
        db.session.commit()
    page = web.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "no longer matches its stored fingerprint" in page


def test_addenda_after_signing(app, web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    web.post(f"/visits/{visit_id}/edit", data={**note_data([point(technique="stretching")]), "sign": "1"})
    bad = web.post(f"/visits/{visit_id}/addenda", data={"reason": "", "text": "x"})
    assert bad.status_code == 400 and "Say why" in bad.get_data(as_text=True)
    ok = web.post(
        f"/visits/{visit_id}/addenda", data={"reason": "Correction", "text": "Pain after was 4, not 3."}
    )
    assert ok.status_code == 302
    page = web.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Pain after was 4, not 3." in page and "fingerprint matches" in page
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text("UPDATE addendum SET text = 'x'"))
        db.session.rollback()


def test_only_the_author_edits_an_unsigned_note(
    app, web, login_as, factory, clinic_id, therapist, knee_client, clock
):
    clock.set(TODAY)
    other = factory.user(clinic_id, "therapist", "other@example.test")
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    web.post("/logout")
    login_as(other)
    assert web.get(f"/visits/{visit_id}/edit").status_code == 403
    assert web.post(f"/visits/{visit_id}/edit", data=note_data()).status_code == 403
    assert web.get(f"/visits/{visit_id}").status_code == 200  # colleagues may read it


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("pain_before", "11", "Pain is a number from 0 to 10"),
        ("points-0-hold_seconds", "-5", "Hold is 0 to 600"),
        ("points-0-muscle", "unknown_muscle", "Not a valid choice"),
        ("points-0-region", "elbow_x", "Not a valid choice"),
        ("points-0-pain_after", "12", "Pain is a number from 0 to 10"),
        ("points-0-pressure", "7", "A pressure level is 1 to 5"),
    ],
)
def test_bad_input_gets_a_message_and_writes_nothing(
    app, web, login_as, therapist, knee_client, field, value, message, clock
):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    before = table_counts(app)
    data = note_data(
        [
            point(
                technique="stretching",
                pressure_scale="level" if "pressure" in field else "felt",
                pressure="3" if "pressure" in field else "6",
            )
        ]
    )
    data[field] = value
    response = web.post(f"/visits/{visit_id}/edit", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_copy_from_last_visit(app, web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    first = start(web, knee_client, [("stretching", "shoulder_r")])
    web.post(
        f"/visits/{first}/edit",
        data={
            **note_data(
                [point(technique="stretching"), point(technique="stretching", muscle="levator_scapulae")]
            ),
            "sign": "1",
        },
    )
    second = start(web, knee_client, [("stretching", "shoulder_r")])
    page = web.get(f"/visits/{second}/edit").get_data(as_text=True)
    assert "Copy 2 points from" in page
    web.post(f"/visits/{second}/copy-last")
    with app.app_context():
        muscles = db.session.scalars(
            select(TriggerPoint.muscle).where(TriggerPoint.visit_id == second).order_by(TriggerPoint.number)
        ).all()
    assert muscles == ["upper_trapezius", "levator_scapulae"]


def test_front_desk_and_other_clinics_see_no_notes(
    app, web, login_as, factory, clinic_id, therapist, frontdesk
):
    client_id = create_client_with_history(app, clinic_id, therapist)
    with app.app_context():
        visit = Visit(
            clinic_id=clinic_id,
            client_id=client_id,
            therapist_id=therapist,
            visit_date=__import__("datetime").date(2026, 11, 20),
        )
        db.session.add(visit)
        db.session.commit()
        visit_id = visit.id
    login_as(frontdesk)
    for url in (f"/visits/{visit_id}", f"/visits/{visit_id}/edit", f"/clients/{client_id}/visits/new"):
        assert web.get(url).status_code == 403
    web.post("/logout")
    outsider = factory.user(factory.clinic("Elsewhere"), "therapist", "out@example.test")
    login_as(outsider)
    for url in (f"/visits/{visit_id}", f"/visits/{visit_id}/edit"):
        assert web.get(url).status_code == 404
    assert web.post(f"/visits/{visit_id}/addenda", data={"reason": "x", "text": "y"}).status_code == 404


def test_recommended_frequency_is_stored_and_can_be_changed(app, web, login_as, therapist, clinic_id, clock):
    clock.set(TODAY)
    client_id = create_client_with_history(
        app, clinic_id, therapist, onset=__import__("datetime").date(2026, 11, 14)
    )
    login_as(therapist)
    visit_id = start(web, client_id, [("stretching", "shoulder_r")])
    web.post(f"/visits/{visit_id}/edit", data=note_data([point(technique="stretching")], pain_before="7"))
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.frequency["recommended"]["phase"] == "acute"
        first_date = visit.frequency["recommended"]["proposed_dates"][0]
        assert visit.next_due.isoformat() == first_date
    page = web.get(f"/visits/{visit_id}/edit").get_data(as_text=True)
    assert "Acute (onset 10 days ago)" in page
    bad = web.post(f"/visits/{visit_id}/frequency", data={"interval_days": "45", "sessions": "3"})
    assert bad.status_code == 303
    web.post(
        f"/visits/{visit_id}/frequency",
        data={"interval_days": "7", "sessions": "3", "reason": "travels weekly"},
    )
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.frequency["chosen"]["proposed_dates"] == ["2026-12-01", "2026-12-08", "2026-12-15"]
        assert visit.next_due.isoformat() == "2026-12-01"
        assert visit.frequency["recommended"]["phase"] == "acute"  # kept beside the choice


def test_unsigned_notes_older_than_a_day_are_listed_on_home(app, web, login_as, therapist, clinic_id, clock):
    client_id = create_client_with_history(app, clinic_id, therapist)
    login_as(therapist)
    old = start(web, client_id, [("stretching", "shoulder_r")])
    clock.advance(days=1, hours=23)
    login_as(therapist)
    fresh = start(web, client_id, [("stretching", "shoulder_r")])
    page = web.get("/").get_data(as_text=True)
    assert "Notes to finish" in page
    assert f"/visits/{old}/edit" in page and f"/visits/{fresh}/edit" not in page


def test_visits_cannot_be_deleted(app, therapist, clinic_id):
    client_id = create_client_with_history(app, clinic_id, therapist)
    with app.app_context():
        db.session.add(
            Visit(
                clinic_id=clinic_id,
                client_id=client_id,
                therapist_id=therapist,
                visit_date=__import__("datetime").date(2026, 11, 20),
            )
        )
        db.session.commit()
        with pytest.raises(DatabaseError, match="never deleted"):
            db.session.execute(text("DELETE FROM visit"))
        db.session.rollback()
        assert db.session.scalar(select(func.count(Visit.id))) == 1
        assert db.session.scalar(select(func.count(Addendum.id))) == 0


def test_author_can_read_the_draft_page(app, web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    page = web.get(f"/visits/{visit_id}")
    assert page.status_code == 200
    assert "Draft — not signed yet." in page.get_data(as_text=True)


def test_plan_from_the_client_page_prefills_a_new_visit_with_alerts(
    app, web, login_as, therapist, knee_client, clock
):
    clock.set(TODAY)
    login_as(therapist)
    page = web.get(f"/clients/{knee_client}").get_data(as_text=True)
    assert f'formaction="/clients/{knee_client}/visits/new"' in page
    response = web.post(
        f"/clients/{knee_client}/visits/new",
        data={"plan-0-technique": "massage_gun", "plan-0-region": "knee_l"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option selected value="massage_gun">' in body
    assert "Anticoagulant" in body  # the standing alerts sit on the visit form too
    with app.app_context():
        assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_points_share_the_planned_reason_for_the_same_findings(
    app, web, login_as, therapist, knee_client, clock
):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("hand_pressure", "shoulder_r")])
    plan = [
        {
            "technique": "hand_pressure",
            "region": "shoulder_r",
            "decision": "proceed",
            "reason": "broad pressure",
        }
    ]
    points = [
        point(),
        point(region="upper_back", muscle="rhomboids"),
        point(region="knee_r", muscle="vastus_medialis"),
    ]
    response = web.post(f"/visits/{visit_id}/edit", data={**note_data(points, plan), "sign": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        overrides = db.session.get(Visit, visit_id).overrides
    assert [(o["region"], o["reason"]) for o in overrides] == [
        ("shoulder_r", "broad pressure"),
        ("upper_back", "broad pressure"),
        ("knee_r", "broad pressure"),
    ]


def test_a_tampered_version_field_is_a_bad_request(app, web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    before = table_counts(app)
    response = web.post(f"/visits/{visit_id}/edit", data=note_data(version="not-a-number"))
    assert response.status_code == 400
    assert table_counts(app) == before


def test_the_blank_point_row_is_rendered_once_and_is_the_same_markup(
    app, web, login_as, therapist, knee_client, clock
):
    clock.set(TODAY)
    from flask import render_template, template_rendered

    from clinic.visits.web import blank_point_form

    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    rendered = []

    def keep(_app, template, **_extra):
        rendered.append(template.name)

    template_rendered.connect(keep, app)
    try:
        pages = [web.get(f"/visits/{visit_id}/edit").get_data(as_text=True) for _ in range(3)]
    finally:
        template_rendered.disconnect(keep, app)
    assert rendered.count("visits/_point_row.html") == 1  # once for the app, not per request
    with app.test_request_context():
        fresh = render_template("visits/_point_row.html", p=blank_point_form(), number="")
    row = f"<template data-bodymap-row>\n          <table><tbody>{fresh}</tbody>"
    assert all(row in page for page in pages)
    assert 'name="points-__prefix__-muscle"' in fresh


def test_a_note_for_another_days_appointment_asks_first(app, web, login_as, clinic_id, therapist, clock):
    """Starting today's note from next Tuesday's appointment is more often a wrong tap than a late note."""
    from datetime import UTC, datetime

    from tests.factories import create_appointment, create_calendar

    clock.set(TODAY)  # Tuesday 24 November
    services = create_calendar(app, clinic_id)
    client_id = create_client_with_history(app, clinic_id, therapist, [])
    next_week = create_appointment(
        app, clinic_id, therapist, client_id, services[60], datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    )
    login_as(therapist)
    url = f"/clients/{client_id}/visits/new"
    form = web.get(f"{url}?appointment_id={next_week}").get_data(as_text=True)
    assert "This appointment is on 1 December 2026, not today." in form
    data = {"start": "1", "appointment_id": str(next_week), "plan-0-technique": "hand_pressure",
            "plan-0-region": "shoulder_r"}  # fmt: skip
    before = table_counts(app)
    asked = web.post(url, data=data)
    assert asked.status_code == 400 and "Tick to confirm" in asked.get_data(as_text=True)
    assert table_counts(app) == before
    started = web.post(url, data={**data, "other_day_ok": "y"})
    assert started.status_code == 302
    today_appointment = create_appointment(
        app, clinic_id, therapist, client_id, services[60], datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    )
    same_day = web.get(f"{url}?appointment_id={today_appointment}").get_data(as_text=True)
    assert "not today" not in same_day


def test_a_very_long_note_folds_and_a_short_one_does_not(app, web, login_as, therapist, knee_client, clock):
    clock.set(TODAY)
    login_as(therapist)
    visit_id = start(web, knee_client, [("stretching", "shoulder_r")])
    story = " ".join(f"Day {n}: neck tight after the drive, eased with heat <b>{n}</b>." for n in range(60))
    saved = web.post(f"/visits/{visit_id}/edit", data=note_data(subjective=story, objective="Taut band"))
    assert saved.status_code in (200, 302)
    page = web.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert '<details class="fold">' in page and "Show all (" in page
    assert page.count("Day 59: neck tight") == 1  # the whole text once, inside the fold
    assert "&lt;b&gt;59&lt;/b&gt;" in page and "<b>59</b>" not in page  # escaped like any text
    assert '<dd class="pre">Taut band</dd>' in page  # short text shows whole
