"""Booking, rescheduling, cancelling and statuses through the pages; DST; opening hours."""

import html
from datetime import UTC, date, datetime, time, timedelta

import pytest

from clinic.extensions import db
from clinic.models import Appointment, Clinic, Service, User
from clinic.schedule import booking
from tests.conftest import table_counts
from tests.factories import (
    LONDON,
    MONDAY,
    appointments,
    audit_actions,
    create_appointment,
    create_calendar,
    create_client,
    local,
)


@pytest.fixture
def cal(app, clinic_id, therapist, frontdesk):
    services = create_calendar(app, clinic_id)
    client = create_client(app, clinic_id, "Ada", "Quill")
    return {"services": services, "client": client, "therapist": therapist}


def form(cal, day=MONDAY, at="10:00", minutes=60, **extra):
    data = {
        "therapist": cal["therapist"],
        "client": cal["client"],
        "service": cal["services"][minutes],
        "date": day.isoformat(),
        "time": at,
        "notes": "",
        "date_ok": "y",  # 2030: years ahead on purpose (the question itself is tested below)
    }
    data.update(extra)
    return data


def test_a_free_slot_link_prefills_the_booking_form(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    day = web.get(f"/calendar?date={MONDAY.isoformat()}").get_data(as_text=True)
    link = f"/appointments/new?therapist={cal['therapist']}&amp;date=2030-06-03&amp;time=10:00"
    assert link in day
    page = web.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="2030-06-03"' in page and 'value="10:00"' in page
    assert f'<option selected value="{cal["therapist"]}">' in page
    assert "Quill, Ada" in page  # the client list without JavaScript: recent, then A to Z


def test_front_desk_books_and_the_time_is_stored_in_utc(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    response = web.post("/appointments/new", data=form(cal, notes="Parking at the back"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/calendar?date=2030-06-03")
    [made] = appointments(app)
    assert made.start_at == datetime(2030, 6, 3, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert made.end_at - made.start_at == timedelta(minutes=60)
    assert made.status == "booked" and made.created_by_id == frontdesk and made.notes == "Parking at the back"
    assert audit_actions(app, "appointment.") == ["appointment.create"]
    page = web.get("/calendar?date=2030-06-03").get_data(as_text=True)
    assert "Ada Quill" in page and "10:00–11:00" in page


def test_a_taken_slot_is_refused_with_the_nearest_free_times(app, web, login_as, frontdesk, cal, clinic_id):
    other = create_client(app, clinic_id, "Bo", "Lind")
    create_appointment(app, clinic_id, cal["therapist"], other, cal["services"][60], local(MONDAY, 10))
    login_as(frontdesk)
    before = table_counts(app)
    response = web.post("/appointments/new", data=form(cal, at="10:30"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "That time is already taken" in page and "Nothing was booked" in page
    assert page.count("instead</button>") == 3
    # nearest to 10:30 first, on the same day: 11:00, 11:15, 11:30 (09:00 is 90 minutes away)
    for at in ("11:00", "11:15", "11:30"):
        assert f"Book Monday 3 June, {at} instead" in page
    assert table_counts(app) == before
    # one click on an alternative books it
    response = web.post("/appointments/new", data=form(cal, at="11:00"))
    assert response.status_code == 302
    assert len(appointments(app, status="booked")) == 2


def test_outside_opening_hours_asks_for_confirmation(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    before = table_counts(app)
    response = web.post("/appointments/new", data=form(cal, at="18:30"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "outside opening hours" in page and 'name="outside_hours_ok"' in page
    assert table_counts(app) == before
    sunday = MONDAY - timedelta(days=1)  # closed all day
    assert web.post("/appointments/new", data=form(cal, day=sunday)).status_code == 400
    response = web.post("/appointments/new", data=form(cal, at="18:30", outside_hours_ok="y"))
    assert response.status_code == 302
    assert appointments(app)[0].start_at == local(MONDAY, 18, 30)


def test_a_therapists_own_hours_narrow_the_clinics(app, web, login_as, frontdesk, cal, clinic_id):
    from clinic.schedule import hours as opening

    with app.app_context():
        opening.save(clinic_id, cal["therapist"], {0: [(time(13), time(17))]})
        db.session.commit()
    login_as(frontdesk)
    assert web.post("/appointments/new", data=form(cal, at="10:00")).status_code == 400
    assert web.post("/appointments/new", data=form(cal, at="13:00")).status_code == 302


@pytest.mark.parametrize(
    "change, status, message",
    [
        ({"client": ""}, 400, "Choose a client from the list"),
        ({"therapist": ""}, 400, "Choose a therapist from the list"),
        ({"time": "10:02"}, 400, "steps of 5 minutes"),
        ({"time": ""}, 400, "Choose a start time"),
        ({"date": "31/02/2030"}, 400, "Not a valid date"),
        ({"notes": "x" * 501}, 400, "500"),
        ({"client": "999999"}, 404, None),
        ({"service": "999999"}, 404, None),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(app, web, login_as, frontdesk, cal, change, status, message):
    login_as(frontdesk)
    before = table_counts(app)
    response = web.post("/appointments/new", data=form(cal, **change))
    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_inactive_service_archived_client_and_front_desk_as_therapist_are_refused(
    app, web, login_as, frontdesk, cal, clinic_id
):
    with app.app_context():
        db.session.get(Service, cal["services"][90]).active = False
        db.session.commit()
    archived = create_client(app, clinic_id, "Old", "Timer")
    login_as(frontdesk)
    with app.app_context():
        from clinic.clients.services import set_archived
        from clinic.models import Client

        set_archived(db.session.get(Client, archived), True)
        db.session.commit()
    assert "no longer offered" in web.post("/appointments/new", data=form(cal, minutes=90)).get_data(
        as_text=True
    )
    assert "archived" in web.post("/appointments/new", data=form(cal, client=archived)).get_data(as_text=True)
    page = web.post("/appointments/new", data=form(cal, therapist=frontdesk)).get_data(as_text=True)
    assert "Choose a therapist who can be booked" in page
    assert appointments(app) == []


def test_another_clinics_records_are_404(app, web, login_as, factory, frontdesk, cal):
    elsewhere = factory.clinic("Elsewhere")
    stranger = factory.user(elsewhere, "therapist", "stranger@example.test")
    their_services = create_calendar(app, elsewhere)
    their_client = create_client(app, elsewhere, "Zed", "Far")
    theirs = create_appointment(app, elsewhere, stranger, their_client, their_services[60], local(MONDAY, 10))
    login_as(frontdesk)
    before = table_counts(app)
    assert web.post("/appointments/new", data=form(cal, client=their_client)).status_code == 404
    assert web.post("/appointments/new", data=form(cal, therapist=stranger)).status_code == 404
    assert web.post("/appointments/new", data=form(cal, service=their_services[60])).status_code == 404
    for url in (
        f"/appointments/{theirs}",
        f"/appointments/{theirs}/reschedule",
        f"/appointments/{theirs}.ics",
    ):
        assert web.get(url).status_code == 404, url
    assert web.post(f"/appointments/{theirs}/cancel", data={"reason": "x"}).status_code == 404
    assert web.post(f"/appointments/{theirs}/status", data={"status": "arrived"}).status_code == 404
    assert web.get(f"/calendar?therapist={stranger}").status_code == 404
    assert table_counts(app) == before
    assert appointments(app, id=theirs)[0].status == "booked"


def test_reschedule_moves_the_appointment(app, web, login_as, frontdesk, cal, clinic_id, owner):
    appointment_id = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    login_as(frontdesk)
    page = web.get(f"/appointments/{appointment_id}/reschedule").get_data(as_text=True)
    assert 'value="10:00"' in page and 'name="version" type="hidden" value="1"' in page
    response = web.post(
        f"/appointments/{appointment_id}/reschedule",
        data={
            "date_ok": "y",
            "therapist": owner,
            "service": cal["services"][30],
            "date": "2030-06-04",
            "time": "14:15",
            "version": "1",
        },
    )
    assert response.status_code == 302
    [moved] = appointments(app)
    assert (moved.therapist_id, moved.service_id) == (owner, cal["services"][30])
    assert moved.start_at == local(date(2030, 6, 4), 14, 15)
    assert moved.end_at == local(date(2030, 6, 4), 14, 45)
    assert moved.version == 2
    assert audit_actions(app, "appointment.") == ["appointment.view", "appointment.reschedule"]


def test_reschedule_onto_a_taken_slot_changes_nothing(app, web, login_as, frontdesk, cal, clinic_id):
    mine = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    other = create_client(app, clinic_id, "Bo", "Lind")
    create_appointment(app, clinic_id, cal["therapist"], other, cal["services"][60], local(MONDAY, 14))
    login_as(frontdesk)
    response = web.post(
        f"/appointments/{mine}/reschedule",
        data={
            "date_ok": "y",
            "therapist": cal["therapist"],
            "service": cal["services"][60],
            "date": "2030-06-03",
            "time": "14:30",
            "version": "1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "already taken" in page and "Move to Monday 3 June, 15:00 instead" in page
    kept = appointments(app, id=mine)[0]
    assert kept.start_at == local(MONDAY, 10) and kept.version == 1
    assert audit_actions(app, "appointment.") == []
    # Moving within its own time (overlapping itself) is fine
    response = web.post(
        f"/appointments/{mine}/reschedule",
        data={
            "date_ok": "y",
            "therapist": cal["therapist"],
            "service": cal["services"][60],
            "date": "2030-06-03",
            "time": "10:30",
            "version": "1",
        },
    )
    assert response.status_code == 302


def test_reschedule_with_an_old_version_is_a_conflict(app, web, login_as, frontdesk, cal, clinic_id):
    mine = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    with app.app_context():
        db.session.get(Appointment, mine).notes = "changed by someone else"
        db.session.commit()
    login_as(frontdesk)
    response = web.post(
        f"/appointments/{mine}/reschedule",
        data={
            "date_ok": "y",
            "therapist": cal["therapist"],
            "service": cal["services"][60],
            "date": "2030-06-03",
            "time": "11:00",
            "version": "1",
        },
    )
    assert response.status_code == 409
    assert "Someone changed this appointment meanwhile" in response.get_data(as_text=True)
    assert appointments(app)[0].start_at == local(MONDAY, 10)


def test_cancel_needs_a_reason_and_frees_the_slot(app, web, login_as, frontdesk, cal, clinic_id):
    mine = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    login_as(frontdesk)
    response = web.post(f"/appointments/{mine}/cancel", data={"reason": "  ", "version": "1"})
    assert response.status_code == 400
    assert "Say why the appointment is cancelled" in response.get_data(as_text=True)
    assert appointments(app)[0].status == "booked"
    response = web.post(f"/appointments/{mine}/cancel", data={"reason": "Client unwell", "version": "1"})
    assert response.status_code == 302
    cancelled = appointments(app)[0]
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Client unwell"
    assert web.post("/appointments/new", data=form(cal)).status_code == 302  # the slot is free again
    assert audit_actions(app, "appointment.") == ["appointment.cancel", "appointment.create"]
    day = web.get("/calendar?date=2030-06-03").get_data(as_text=True)
    assert "Cancelled and no-shows" in day and "Client unwell" in day


def test_statuses_follow_the_day(app, web, login_as, therapist, cal, clinic_id):
    first = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    second = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 12)
    )
    login_as(therapist)
    assert (
        web.post(f"/appointments/{first}/status", data={"status": "arrived", "version": "1"}).status_code
        == 302
    )
    assert (
        web.post(f"/appointments/{first}/status", data={"status": "completed", "version": "2"}).status_code
        == 302
    )
    assert (
        web.post(f"/appointments/{second}/status", data={"status": "no_show", "version": "1"}).status_code
        == 302
    )
    assert [a.status for a in appointments(app)] == ["completed", "no_show"]
    # a completed appointment cannot become "arrived"; an unknown status is refused
    response = web.post(f"/appointments/{first}/status", data={"status": "arrived", "version": "3"})
    assert response.status_code == 409
    assert (
        web.post(f"/appointments/{first}/status", data={"status": "booked", "version": "3"}).status_code
        == 400
    )
    # a stale version is refused too
    assert (
        web.post(f"/appointments/{second}/status", data={"status": "completed", "version": "1"}).status_code
        == 409
    )
    assert [a.status for a in appointments(app)] == ["completed", "no_show"]
    assert audit_actions(app, "appointment.") == [
        "appointment.arrived",
        "appointment.complete",
        "appointment.no_show",
    ]
    page = web.get(f"/appointments/{first}").get_data(as_text=True)
    assert "This appointment took place" in page


def test_a_no_show_frees_the_slot(app, web, login_as, frontdesk, cal, clinic_id):
    create_appointment(
        app,
        clinic_id,
        cal["therapist"],
        cal["client"],
        cal["services"][60],
        local(MONDAY, 10),
        status="no_show",
    )
    login_as(frontdesk)
    assert web.post("/appointments/new", data=form(cal)).status_code == 302


def _book(app, clinic_id, therapist_id, client_id, service_id, day, at, ok=False):
    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        start = booking.local_start(day, at, clinic.tz)
        made = booking.book(
            clinic,
            db.session.get(User, therapist_id),
            db.session.get(booking.Client, client_id),
            db.session.get(Service, service_id),
            start,
            outside_hours_ok=ok,
        )
        db.session.commit()
        return made.start_at, made.end_at


def test_ten_oclock_london_stays_ten_oclock_across_the_clock_changes(app, cal, clinic_id):
    """The day after the clocks go forward 10:00 is 09:00Z; the day after they go back it is 10:00Z."""
    spring = _book(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], date(2030, 4, 1), time(10)
    )
    autumn = _book(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], date(2030, 10, 28), time(10)
    )
    assert spring == (datetime(2030, 4, 1, 9, tzinfo=UTC), datetime(2030, 4, 1, 10, tzinfo=UTC))
    assert autumn == (datetime(2030, 10, 28, 10, tzinfo=UTC), datetime(2030, 10, 28, 11, tzinfo=UTC))
    for start, _ in (spring, autumn):
        assert start.astimezone(LONDON).time() == time(10)


def test_an_hour_across_the_change_night_is_an_hour_of_real_time(app, cal, clinic_id):
    """00:30 + 60 minutes on the spring night ends at 02:30 BST (01:00-02:00 does not exist); refused
    in opening hours, so booked with the confirmation."""
    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        start = booking.local_start(date(2030, 3, 31), time(0, 30), clinic.tz)
        with pytest.raises(booking.OutsideHours):
            booking.book(
                clinic,
                db.session.get(User, cal["therapist"]),
                db.session.get(booking.Client, cal["client"]),
                db.session.get(Service, cal["services"][60]),
                start,
            )
    start, end = _book(
        app,
        clinic_id,
        cal["therapist"],
        cal["client"],
        cal["services"][60],
        date(2030, 3, 31),
        time(0, 30),
        ok=True,
    )
    assert (start, end) == (
        datetime(2030, 3, 31, 0, 30, tzinfo=UTC),
        datetime(2030, 3, 31, 1, 30, tzinfo=UTC),
    )
    assert end.astimezone(LONDON).time() == time(2, 30)
    # autumn: 00:30 BST + 60 minutes ends at 01:30 BST, the first of the two 01:30s
    start, end = _book(
        app,
        clinic_id,
        cal["therapist"],
        cal["client"],
        cal["services"][60],
        date(2030, 10, 27),
        time(0, 30),
        ok=True,
    )
    assert (start, end) == (
        datetime(2030, 10, 26, 23, 30, tzinfo=UTC),
        datetime(2030, 10, 27, 0, 30, tzinfo=UTC),
    )
    assert end.astimezone(LONDON).strftime("%H:%M %Z") == "01:30 BST"


def test_a_wall_time_in_the_spring_gap_is_refused_not_moved(app, cal, clinic_id):
    """A typed 01:30 on the night the clocks skip it was stored silently as 02:30: now it is refused."""
    with pytest.raises(booking.BookingError, match="01:30 does not exist on Sunday 31 March") as refused:
        _book(
            app,
            clinic_id,
            cal["therapist"],
            cal["client"],
            cal["services"][30],
            date(2030, 3, 31),
            time(1, 30),
        )
    assert refused.value.field == "time"
    first_after = _book(
        app,
        clinic_id,
        cal["therapist"],
        cal["client"],
        cal["services"][30],
        date(2030, 3, 31),
        time(2),
        ok=True,
    )[0]
    assert first_after.astimezone(LONDON).strftime("%H:%M %Z") == "02:00 BST"


def test_the_database_refuses_an_overlap_the_app_did_not_see(app, cal, clinic_id):
    """Two sessions check, both see the slot free, both insert: the second gets SlotTaken, not a 500."""
    create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        original = booking.busy_intervals
        booking.busy_intervals = lambda *args, **kwargs: []  # the app's own check sees nothing
        try:
            with pytest.raises(booking.SlotTaken) as taken:
                booking.book(
                    clinic,
                    db.session.get(User, cal["therapist"]),
                    db.session.get(booking.Client, cal["client"]),
                    db.session.get(Service, cal["services"][60]),
                    local(MONDAY, 10, 30),
                )
        finally:
            booking.busy_intervals = original
        db.session.rollback()
    assert len(taken.value.nearest) == 3
    assert len(appointments(app)) == 1


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/calendar?date=2030-06-03#appt-1", "/calendar?date=2030-06-03#appt-1"),
        ("//evil.example", None),
        ("/\t/evil.example", None),
        ("/\n/evil.example", None),
        ("https://evil.example/", None),
        ("/\\evil.example", None),
    ],
)
def test_status_buttons_return_only_to_pages_of_this_site(
    app, web, login_as, frontdesk, cal, clinic_id, target, expected
):
    mine = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    login_as(frontdesk)
    response = web.post(
        f"/appointments/{mine}/status", data={"status": "arrived", "version": "1", "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == (expected or f"/appointments/{mine}")


def test_viewing_an_appointment_is_audited_with_its_client(app, web, login_as, frontdesk, cal, clinic_id):
    mine = create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    login_as(frontdesk)
    assert web.get(f"/appointments/{mine}").status_code == 200
    with app.app_context():
        from sqlalchemy import select

        from clinic.models import AuditEvent

        row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "appointment.view")).one()
        assert (row.object_id, row.client_id, row.user_id) == (mine, cal["client"], frontdesk)


@pytest.mark.parametrize("value", ["99999999999999999999999", "2147483648", "-1", "0", "²", " 1 x"])
def test_ids_no_record_can_have_are_refused_cleanly(app, web, login_as, frontdesk, cal, value):
    login_as(frontdesk)
    before = table_counts(app)
    for name in ("therapist", "client", "service"):
        response = web.post("/appointments/new", data=form(cal, **{name: value}))
        assert response.status_code in (400, 404), (name, value, response.status_code)
        page = web.get(f"/appointments/new?{name}={value}")
        assert page.status_code == 200, (name, value)
    response = web.post(
        "/api/appointments",
        json={
            "therapist_id": value,
            "client_id": cal["client"],
            "service_id": cal["services"][60],
            "start": "2030-06-03T10:00",
        },
    )
    assert response.status_code == 400
    assert web.get(f"/calendar?therapist={value}").status_code == 404
    assert web.get(f"/api/appointments?start=2030-06-03&end=2030-06-04&therapist={value}").status_code in (
        400,
        404,
    )
    assert web.get("/recall?page=99999999999999999999").status_code == 400  # a number no page can have
    assert table_counts(app) == before


def test_control_characters_never_reach_the_database(app, web, login_as, frontdesk, owner, cal, clinic_id):
    """PostgreSQL refuses NUL in text: a NUL is refused (400, nothing written), other control
    characters typed into a field are dropped. Never a 500."""
    login_as(frontdesk)
    before = table_counts(app)
    assert web.get("/appointments/new?q=a%00b").status_code == 400
    assert web.post("/appointments/new", data=form(cal, notes="Ring\x00 the bell")).status_code == 400
    api = web.post(
        "/api/appointments",
        json={
            "therapist_id": cal["therapist"],
            "client_id": cal["client"],
            "service_id": cal["services"][30],
            "start": "2030-06-04T10:00",
            "notes": "x\x00y",
        },
    )
    assert api.status_code == 400
    assert table_counts(app) == before
    response = web.post("/appointments/new", data=form(cal, notes="Ring the bell\x07"))
    assert response.status_code == 302
    assert appointments(app)[0].notes == "Ring the bell"
    mine = appointments(app)[0].id
    assert (
        web.post(f"/appointments/{mine}/cancel", data={"reason": "\x07", "version": "1"}).status_code == 400
    )
    assert (
        web.post(f"/appointments/{mine}/cancel", data={"reason": "Un\x07well", "version": "1"}).status_code
        == 302
    )
    assert appointments(app, id=mine)[0].cancel_reason == "Unwell"
    web.post("/logout")
    login_as(owner)
    assert (
        web.post("/settings/services", data={"name": "Cup\x1bping", "duration_minutes": "45"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.query(Service).filter_by(name="Cupping").count() == 1


GAP_MESSAGE = (
    "01:30 does not exist on Sunday 28 March: the clocks go forward from 01:00 to 02:00. "
    "Choose a time before 01:00 or from 02:00."
)


def test_a_time_the_clocks_skip_is_refused_by_the_form_naming_the_gap(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    before = table_counts(app)
    spring_forward = date(2030, 3, 31)  # the last Sunday of March
    data = form(cal, day=spring_forward, at="01:30", outside_hours_ok="y")
    response = web.post("/appointments/new", data=data)
    assert response.status_code == 400
    message = GAP_MESSAGE.replace("28 March", "31 March")
    assert html.escape(message, quote=False) in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_a_time_the_clocks_skip_is_refused_by_the_api_naming_the_gap(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    before = table_counts(app)
    payload = {
        "therapist_id": cal["therapist"],
        "client_id": cal["client"],
        "service_id": cal["services"][60],
        "start": "2027-03-28T01:30",
        "outside_hours_ok": True,
    }
    response = web.post("/api/appointments", json=payload)
    assert response.status_code == 400
    assert response.get_json() == {"error": GAP_MESSAGE, "field": "start"}
    assert table_counts(app) == before
    # the same instant with its offset is unambiguous: 01:30 UTC is 02:30 BST
    response = web.post("/api/appointments", json={**payload, "start": "2027-03-28T01:30+00:00"})
    assert response.status_code == 201
    assert response.get_json()["start"].startswith("2027-03-28T02:30")


def test_a_time_that_has_passed_is_asked_about_first(app, web, login_as, frontdesk, cal, clock):
    """Monday 2 November 2026 10:00 is past when the clinic's clock says Wednesday 18 November: the form
    asks, writes nothing, keeps what was typed; ticked, it books (a visit recorded after the fact)."""
    clock.set("2026-11-18T10:00:00+00:00")
    login_as(frontdesk)
    past = date(2026, 11, 2)
    before = table_counts(app)
    asked = web.post(
        "/appointments/new", data=form(cal, day=past, notes="Walk-in, recorded later", date_ok="")
    )
    page = asked.get_data(as_text=True)
    assert asked.status_code == 400 and "This time has already passed. Is the date right?" in page
    assert 'name="date_ok"' in page and "Walk-in, recorded later" in page
    assert table_counts(app) == before
    booked = web.post("/appointments/new", data=form(cal, day=past, date_ok="y"))
    assert booked.status_code == 302
    assert [a.start_at for a in appointments(app)] == [datetime(2026, 11, 2, 10, 0, tzinfo=UTC)]
    # moving it back into the future needs no question; moving it into the past again asks
    item = appointments(app)[0]
    moved = web.post(
        f"/appointments/{item.id}/reschedule",
        data={**form(cal, day=date(2026, 11, 10), date_ok=""), "version": item.version},
    )
    assert moved.status_code == 400 and "already passed" in moved.get_data(as_text=True)
    assert appointments(app)[0].start_at == datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    # and a year out or more (2030 here) asks too: a mistyped year is the likelier
    far = web.post("/appointments/new", data=form(cal, date_ok=""))
    assert far.status_code == 400 and "This is more than a year ahead. Is the date right?" in far.get_data(
        as_text=True
    )


def test_after_booking_the_confirmation_says_what_was_booked_beside_it(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    response = web.post("/appointments/new", data=form(cal))
    assert response.headers["Location"].endswith("#appt-1")  # the calendar opens at the appointment
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Booked: Monday 3 June at 10:00 with Theo Therapist." in page
    assert 'id="appt-1"' in page
