"""Book follow-ups: the series from a visit's frequency, moved off conflicts, booked all or nothing."""

import re
from datetime import date, time

import pytest

from clinic.extensions import db
from clinic.followups import services as followups
from clinic.models import Visit
from tests.conftest import table_counts
from tests.factories import (
    LONDON,
    MONDAY,
    appointments,
    audit_actions,
    create_appointment,
    create_calendar,
    create_client,
    legacy_visit_row,
    local,
)

THURSDAY, NEXT_MONDAY, NEXT_THURSDAY, SUNDAY = (
    date(2030, 6, 6),
    date(2030, 6, 10),
    date(2030, 6, 13),
    date(2030, 6, 16),
)
PLAN = {
    "phase": "acute",
    "interval_days": 3,
    "sessions": 4,
    "review_after": 5,
    "proposed_dates": [d.isoformat() for d in (THURSDAY, NEXT_MONDAY, NEXT_THURSDAY, SUNDAY)],
    "rationale": ["Acute (onset 10 days ago): twice a week for 2 weeks, then weekly."],
}


@pytest.fixture
def visit(app, clinic_id, therapist, frontdesk):
    services = create_calendar(app, clinic_id)
    client = create_client(app, clinic_id, "Ada", "Quill")
    first = create_appointment(
        app, clinic_id, therapist, client, services[60], local(MONDAY, 10), status="completed"
    )
    visit_id = legacy_visit_row(
        app,
        clinic_id,
        client,
        therapist,
        MONDAY,
        frequency={"recommended": PLAN},
        next_due=THURSDAY,
        appointment_id=first,
    )
    # someone else already has the therapist at 10:00 on the second Thursday
    other = create_client(app, clinic_id, "Bo", "Lind")
    create_appointment(app, clinic_id, therapist, other, services[60], local(NEXT_THURSDAY, 10))
    return {"id": visit_id, "client": client, "other": other, "services": services}


def form_fields(html: str) -> dict:
    """What the browser would send: every input of the booking form, ticked checkboxes only."""
    form = next(f for f in re.findall(r"<form method=\"post\".*?</form>", html, re.S) if 'name="rows"' in f)
    data = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        data[name.group(1)] = value.group(1) if value else ""
    return data


def test_the_proposal_keeps_the_weekday_time_and_moves_off_conflicts(app, web, login_as, therapist, visit):
    login_as(therapist)
    response = web.get(f"/visits/{visit['id']}/follow-ups")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Acute: 4 follow-ups" in page
    fields = form_fields(page)
    assert [(fields[f"date-{i}"], fields[f"time-{i}"]) for i in range(4)] == [
        ("2030-06-06", "10:00"),
        ("2030-06-10", "10:00"),
        ("2030-06-13", "09:00"),
        ("2030-06-17", "10:00"),
    ]
    assert "Moved: 10:00 on Thursday 13 June is taken" in page
    assert "Sunday 16 June is closed" in page


def test_booking_the_series_in_one_step(app, web, login_as, therapist, visit):
    login_as(therapist)
    fields = form_fields(web.get(f"/visits/{visit['id']}/follow-ups").get_data(as_text=True))
    fields["time-1"] = "14:30"  # the therapist changes one time
    response = web.post(f"/visits/{visit['id']}/follow-ups", data=fields)
    assert response.status_code == 302
    booked = appointments(app, source_visit_id=visit["id"])
    assert [a.start_at.astimezone(LONDON).strftime("%a %d %H:%M") for a in booked] == [
        "Thu 06 10:00",
        "Mon 10 14:30",
        "Thu 13 09:00",
        "Mon 17 10:00",
    ]
    assert all(
        a.client_id == visit["client"] and a.status == "booked" and a.created_by_id == therapist
        for a in booked
    )
    assert audit_actions(app, "appointment.") == ["appointment.create"] * 4
    # the page now says they are booked
    assert "Already booked from this visit" in web.get(f"/visits/{visit['id']}/follow-ups").get_data(
        as_text=True
    )


def test_unticked_rows_are_left_out(app, web, login_as, therapist, visit):
    login_as(therapist)
    fields = form_fields(web.get(f"/visits/{visit['id']}/follow-ups").get_data(as_text=True))
    del fields["include-3"]
    assert web.post(f"/visits/{visit['id']}/follow-ups", data=fields).status_code == 302
    assert len(appointments(app, source_visit_id=visit["id"])) == 3
    for i in range(3):
        fields.pop(f"include-{i}", None)
    response = web.post(f"/visits/{visit['id']}/follow-ups", data=fields)
    assert response.status_code == 400 and "Tick at least one" in response.get_data(as_text=True)


def test_a_slot_taken_meanwhile_books_nothing_and_proposes_again(
    app, web, login_as, therapist, visit, clinic_id
):
    login_as(therapist)
    fields = form_fields(web.get(f"/visits/{visit['id']}/follow-ups").get_data(as_text=True))
    # between showing the proposal and booking it, the desk books 10 June 10:00 for someone else
    create_appointment(
        app,
        clinic_id,
        therapist,
        visit["other"],
        visit["services"][30],
        local(NEXT_MONDAY, 10, 30),
    )
    before = table_counts(app)
    response = web.post(f"/visits/{visit['id']}/follow-ups", data=fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "taken meanwhile, so nothing was booked" in page
    assert table_counts(app) == before
    fresh = form_fields(page)
    assert fresh["date-1"] == "2030-06-10" and fresh["time-1"] != "10:00"
    assert web.post(f"/visits/{visit['id']}/follow-ups", data=fresh).status_code == 302
    assert len(appointments(app, source_visit_id=visit["id"])) == 4


def test_the_database_keeps_the_series_all_or_nothing(app, visit, therapist, clinic_id):
    """Two rows of the same series on the same time: the second insert fails inside the savepoint."""
    with app.app_context():
        record = db.session.get(Visit, visit["id"])
        service = followups.follow_up_service(record)
        starts = [local(THURSDAY, 10), local(NEXT_MONDAY, 10), local(NEXT_MONDAY, 10, 30)]
        with pytest.raises(followups.SeriesTaken):
            followups.book_series(record, starts, service, None)
        original = followups.busy_intervals
        followups.busy_intervals = lambda *a, **k: []  # let the app's own check miss the clash
        try:
            with pytest.raises(followups.SeriesTaken):
                followups.book_series(
                    record, [local(THURSDAY, 10), local(NEXT_THURSDAY, 10, 30)], service, None
                )
        finally:
            followups.busy_intervals = original
        db.session.rollback()
    assert appointments(app, source_visit_id=visit["id"]) == []


def test_bad_rows_and_hours(app, web, login_as, therapist, visit):
    login_as(therapist)
    fields = form_fields(web.get(f"/visits/{visit['id']}/follow-ups").get_data(as_text=True))
    before = table_counts(app)
    for change, message in (
        ({"time-0": "10:03"}, "steps of 5 minutes"),
        ({"date-0": "2020-01-01"}, "has passed"),
        ({"time-0": ""}, "Give a date and a time"),
    ):
        response = web.post(f"/visits/{visit['id']}/follow-ups", data={**fields, **change})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    late = web.post(f"/visits/{visit['id']}/follow-ups", data={**fields, "time-0": "19:00"})
    assert late.status_code == 400 and 'name="outside_hours_ok"' in late.get_data(as_text=True)
    assert table_counts(app) == before
    ok = web.post(
        f"/visits/{visit['id']}/follow-ups", data={**fields, "time-0": "19:00", "outside_hours_ok": "y"}
    )
    assert ok.status_code == 302


def test_the_chosen_plan_wins_and_no_plan_says_so(app, web, login_as, therapist, visit, clinic_id):
    with app.app_context():
        record = db.session.get(Visit, visit["id"])
        record.frequency = {
            "recommended": PLAN,
            "chosen": {"phase": "chronic", "proposed_dates": ["2030-06-20"]},
        }
        db.session.commit()
    login_as(therapist)
    page = web.get(f"/visits/{visit['id']}/follow-ups").get_data(as_text=True)
    assert "Chronic: 1 follow-up" in page and 'value="2030-06-20"' in page
    bare = legacy_visit_row(app, clinic_id, visit["client"], therapist, MONDAY)
    page = web.get(f"/visits/{bare}/follow-ups").get_data(as_text=True)
    assert "no recommended frequency yet" in page and "Back to the visit" in page
    assert web.post(f"/visits/{bare}/follow-ups", data={"rows": "0"}).status_code == 200


def test_without_an_appointment_the_usual_time_is_used(app, therapist, visit, clinic_id):
    with app.app_context():
        record = db.session.get(Visit, visit["id"])
        record.appointment_id = None
        db.session.flush()
        tz = record.client and LONDON
        # the client's latest active appointment is the completed one at 10:00
        assert followups.usual_time(record, tz) == time(10)
        proposal = followups.propose_follow_ups(record, PLAN, today=MONDAY)
        assert [p.start.astimezone(LONDON).time() for p in proposal if p.start][0] == time(10)
        # a date already past is not placed
        late = followups.propose_follow_ups(record, PLAN, today=date(2030, 6, 11))
        assert [p.reason for p in late[:2]] == ["not placed: the date has passed"] * 2
        db.session.rollback()


def test_roles_and_clinics(app, web, login_as, frontdesk, owner, factory, visit):
    login_as(frontdesk)
    assert web.get(f"/visits/{visit['id']}/follow-ups").status_code == 403
    assert web.post(f"/visits/{visit['id']}/follow-ups", data={}).status_code == 403
    web.post("/logout")
    elsewhere = factory.clinic("Elsewhere")
    stranger = factory.user(elsewhere, "owner", "stranger@example.test")
    login_as(stranger)
    assert web.get(f"/visits/{visit['id']}/follow-ups").status_code == 404
    web.post("/logout")
    login_as(owner)  # an owner may book a therapist's follow-ups
    assert web.get(f"/visits/{visit['id']}/follow-ups").status_code == 200


def test_the_proposal_counts_the_appointments_the_client_already_has(
    app, web, login_as, therapist, visit, clinic_id, factory
):
    """Issue 15: six follow-ups were proposed on top of four already booked; now only the rest are."""
    colleague = factory.user(clinic_id, "therapist")
    services = visit["services"]
    create_appointment(app, clinic_id, colleague, visit["client"], services[60], local(THURSDAY, 14))
    create_appointment(app, clinic_id, therapist, visit["client"], services[30], local(date(2030, 6, 11), 11))
    login_as(therapist)
    page = web.get(f"/visits/{visit['id']}/follow-ups").get_data(as_text=True)
    fields = form_fields(page)
    assert [i for i in range(4) if f"include-{i}" in fields] == [2, 3]  # the two not yet covered
    assert "Already booked: Thursday 6 June, 14:00" in page
    assert "Already booked: Tuesday 11 June, 11:00" in page
    assert web.post(f"/visits/{visit['id']}/follow-ups", data=fields).status_code == 302
    booked = appointments(app, source_visit_id=visit["id"])
    assert [a.start_at.astimezone(LONDON).strftime("%a %d %H:%M") for a in booked] == [
        "Thu 13 09:00",
        "Mon 17 10:00",
    ]
    # asked again, the whole series is covered: nothing is ticked
    again = form_fields(web.get(f"/visits/{visit['id']}/follow-ups").get_data(as_text=True))
    assert not [name for name in again if name.startswith("include-")]


def test_the_signed_note_offers_booking_before_printing_then_shows_what_was_booked(
    app, web, login_as, therapist, clinic_id
):
    from datetime import UTC, datetime

    services = create_calendar(app, clinic_id)
    client = create_client(app, clinic_id, "Cy", "Vale")
    signed = {
        "signed_at": datetime(2030, 6, 3, 11, tzinfo=UTC),
        "signed_by_id": therapist,
        "content_hash": "0" * 64,
    }
    visit_id = legacy_visit_row(
        app, clinic_id, client, therapist, MONDAY, frequency={"recommended": PLAN}, **signed
    )
    create_appointment(app, clinic_id, therapist, client, services[60], local(THURSDAY, 10))  # the desk's
    login_as(therapist)
    page = web.get(f"/visits/{visit_id}").get_data(as_text=True)
    actions = page[page.index('<div class="actions">') :]
    assert actions.index(">Book follow-ups</a>") < actions.index(">Print aftercare sheet</a>")
    assert page.count(">Book follow-ups</a>") == 1  # at the top only, not again under the frequency
    assert "Proposed dates:" in page
    fields = form_fields(web.get(f"/visits/{visit_id}/follow-ups").get_data(as_text=True))
    assert web.post(f"/visits/{visit_id}/follow-ups", data=fields).status_code == 302
    page = web.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Proposed dates:" not in page
    booked = page[page.index("<strong>Booked:</strong>") :].split("</p>")[0]
    assert "Thu 6 Jun, 10:00" not in booked and "Mon 17 Jun, 10:00" in booked
    assert ">3 follow-ups booked</a>" in page and ">Book follow-ups</a>" not in page
    diary = page[page.index("<strong>Also in the client's diary:</strong>") :].split("</p>")[0]
    assert "Thu 6 Jun, 10:00" in diary  # booked by the desk beforehand: it counts for the plan
