"""Day and week views, query counts, panels, settings pages and who may do what."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest

from clinic.extensions import db
from clinic.models import HealthRecord, Service, WorkingHours
from clinic.schedule import hours as opening
from tests.conftest import count_queries, table_counts
from tests.factories import (
    MONDAY,
    audit_actions,
    create_appointment,
    create_calendar,
    create_client,
    local,
)


@pytest.fixture
def cal(app, clinic_id, therapist, frontdesk):
    return {
        "services": create_calendar(app, clinic_id),
        "client": create_client(app, clinic_id, "Ada", "Quill"),
    }


def test_front_desk_sees_the_whole_clinic_day_with_a_column_per_therapist(
    app, web, login_as, factory, clinic_id, frontdesk, therapist, cal
):
    second = factory.user(clinic_id, "therapist", "tess@example.test", "Tess Second")
    create_appointment(app, clinic_id, second, cal["client"], cal["services"][30], local(MONDAY, 9, 30))
    login_as(frontdesk)
    page = web.get("/calendar?date=2030-06-03").get_data(as_text=True)
    assert "All therapists" in page
    assert ">Theo Therapist</a>" in page and ">Tess Second</a>" in page
    assert "09:30–10:00" in page and "Ada Quill" in page
    assert page.count('class="slot') > 60  # free quarter hours of two therapists, each a link to book
    assert "Olive Owner" not in page.split("<table")[1]  # an owner without hours or bookings is not a column


def test_a_therapist_starts_on_their_own_calendar_and_can_see_everyone(
    app, web, login_as, therapist, cal, clinic_id
):
    login_as(therapist)
    page = web.get("/calendar?date=2030-06-03").get_data(as_text=True)
    assert '<p class="hint">Theo Therapist</p>' in page
    everyone = web.get("/calendar?date=2030-06-03&therapist=all").get_data(as_text=True)
    assert "All therapists" in everyone


def test_week_view_shows_working_days_only(app, web, login_as, factory, frontdesk, therapist, cal, clinic_id):
    factory.user(clinic_id, "therapist", "tess@example.test", "Tess Second")
    create_appointment(
        app, clinic_id, therapist, cal["client"], cal["services"][60], local(MONDAY + timedelta(days=2), 11)
    )
    login_as(frontdesk)
    page = web.get(f"/calendar/week?date=2030-06-05&therapist={therapist}").get_data(as_text=True)
    assert "Week of 3 June 2030" in page
    for label in ("Mon 3 Jun", "Fri 7 Jun", "Sat 8 Jun"):
        assert label in page
    assert "Sun 9 Jun" not in page  # closed and nothing booked
    assert "11:00–12:00" in page
    everyone = web.get("/calendar/week?date=2030-06-05&therapist=all").get_data(as_text=True)
    assert 'scope="colgroup"' in everyone and "Ada Q." in everyone


def test_a_closed_day_still_shows_what_is_booked(app, web, login_as, frontdesk, therapist, cal, clinic_id):
    sunday = MONDAY + timedelta(days=6)
    create_appointment(app, clinic_id, therapist, cal["client"], cal["services"][60], local(sunday, 7))
    login_as(frontdesk)
    page = web.get(f"/calendar/week?date=2030-06-03&therapist={therapist}").get_data(as_text=True)
    assert "Sun 9 Jun" in page and "07:00–08:00" in page
    day = web.get("/calendar?date=2030-06-09").get_data(as_text=True)
    assert ">07:00<" in day and 'class="slot' not in day  # nothing free to book on a closed day


def test_the_week_view_queries_do_not_grow_with_appointments(
    app, web, login_as, factory, clinic_id, frontdesk, cal
):
    therapists = [
        factory.user(clinic_id, "therapist", f"t{i}@example.test", f"T{i} Person") for i in range(5)
    ]
    clients = [create_client(app, clinic_id, f"C{i}", "Many") for i in range(20)]
    login_as(frontdesk)

    def week_queries():
        with count_queries(app) as queries:
            response = web.get("/calendar/week?date=2030-06-03&therapist=all")
            assert response.status_code == 200
        return queries()

    create_appointment(app, clinic_id, therapists[0], clients[0], cal["services"][30], local(MONDAY, 9))
    few = week_queries()
    with app.app_context():
        from clinic.models import Appointment

        n = 0
        for t_index, therapist_id in enumerate(therapists):
            for day in range(7):
                for slot in range(15):
                    start = local(MONDAY + timedelta(days=day), 9) + timedelta(minutes=30 * slot)
                    if (t_index, day, slot) == (0, 0, 0):
                        continue
                    db.session.add(
                        Appointment(
                            clinic_id=clinic_id,
                            therapist_id=therapist_id,
                            client_id=clients[n % 20],
                            service_id=cal["services"][30],
                            start_at=start,
                            end_at=start + timedelta(minutes=30),
                            status="booked",
                        )
                    )
                    n += 1
        db.session.commit()
    assert n >= 500
    many = week_queries()
    assert many == few, (few, many)
    assert many <= 8


def test_the_day_view_queries_do_not_grow_either(app, web, login_as, frontdesk, therapist, cal, clinic_id):
    login_as(frontdesk)
    with count_queries(app) as empty:
        web.get("/calendar?date=2030-06-03")
    for slot in range(16):
        create_appointment(
            app,
            clinic_id,
            therapist,
            cal["client"],
            cal["services"][30],
            local(MONDAY, 9) + timedelta(minutes=30 * slot),
        )
    with count_queries(app) as full:
        web.get("/calendar?date=2030-06-03")
    assert full() == empty()


def test_odd_dates_and_therapists_fall_back_or_404(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    assert web.get("/calendar?date=not-a-date").status_code == 200
    assert web.get("/calendar?therapist=999999").status_code == 404
    assert web.get("/calendar/week?date=2030-02-30").status_code == 200


def test_home_shows_a_therapists_day_with_standing_alerts(
    app, web, login_as, therapist, frontdesk, cal, clinic_id, clock
):
    clock.set("2030-06-03T08:30:00+00:00")  # 09:30 in London
    with app.app_context():
        db.session.add(
            HealthRecord(
                clinic_id=clinic_id,
                client_id=cal["client"],
                number=1,
                source="intake",
                conditions=[{"code": "pregnancy"}],
                consent_name="Ada Quill",
                consent_date=MONDAY,
            )
        )
        db.session.commit()
    create_appointment(app, clinic_id, therapist, cal["client"], cal["services"][60], local(MONDAY, 10))
    create_appointment(
        app,
        clinic_id,
        therapist,
        cal["client"],
        cal["services"][60],
        local(MONDAY, 15),
        status="cancelled",
        cancel_reason="x",
    )
    login_as(therapist)
    page = web.get("/").get_data(as_text=True)
    assert "Today, Monday 3 June" in page
    panel = page.split('class="card today-panel"')[1].split("</section>")[0]
    assert "10:00" in panel and "Ada Quill" in panel and "Treatment 60" in panel and "Booked" in panel
    assert f"/clients/{cal['client']}" in panel
    assert "15:00" not in panel  # cancelled
    assert "Pregnancy" in panel or "pregnan" in panel.lower()
    # the front desk has no such panel, and the calendar never shows them health data
    web.post("/logout")
    login_as(frontdesk)
    assert "today-panel" not in web.get("/").get_data(as_text=True)
    for url in ("/calendar?date=2030-06-03", "/calendar/week?date=2030-06-03"):
        assert "regnan" not in web.get(url).get_data(as_text=True)


def test_the_client_page_lists_upcoming_appointments(
    app, web, login_as, frontdesk, therapist, cal, clinic_id
):
    create_appointment(app, clinic_id, therapist, cal["client"], cal["services"][60], local(MONDAY, 10))
    login_as(frontdesk)
    page = web.get(f"/clients/{cal['client']}").get_data(as_text=True)
    assert "Mon 3 Jun, 10:00" in page and "Treatment 60 with Theo" in page
    assert f"/appointments/new?client={cal['client']}" in page


def test_the_client_page_lists_every_upcoming_appointment_in_the_same_queries(
    app, web, login_as, frontdesk, therapist, cal, clinic_id
):
    """Issue 15: a client with ten booked saw five and no "more"; now the rest fold under "N more"."""
    service = cal["services"][60]

    def book(first_day, count):
        for n in range(first_day, first_day + count):
            create_appointment(
                app, clinic_id, therapist, cal["client"], service, local(MONDAY, 9) + timedelta(days=n)
            )

    book(0, 2)
    login_as(frontdesk)
    url = f"/clients/{cal['client']}"
    web.get(url)  # warm
    with count_queries(app) as few:
        page = web.get(url).get_data(as_text=True)
    assert "more upcoming" not in page
    book(2, 10)
    with count_queries(app) as many:
        page = web.get(url).get_data(as_text=True)
    panel = page[page.index('id="client-appts-h"') : page.index("Book an appointment")]
    assert len(re.findall(r'href="/appointments/\d+"', panel)) == 12  # every one, each a link
    assert "7 more upcoming</summary>" in panel
    assert many() == few()


def test_owner_manages_services(app, web, login_as, owner, cal):
    login_as(owner)
    response = web.post("/settings/services", data={"name": "Cupping", "duration_minutes": "45"})
    assert response.status_code == 302
    assert web.post("/settings/services", data={"name": "Odd", "duration_minutes": "47"}).status_code == 400
    assert web.post("/settings/services", data={"name": "", "duration_minutes": "45"}).status_code == 400
    with app.app_context():
        cupping = db.session.query(Service).filter_by(name="Cupping").one()
        cupping_id = cupping.id
    response = web.post(
        f"/settings/services/{cupping_id}",
        data={f"s{cupping_id}-name": "Cupping therapy", f"s{cupping_id}-duration_minutes": "50"},
    )
    assert response.status_code == 302
    bad = web.post(
        f"/settings/services/{cupping_id}",
        data={f"s{cupping_id}-name": "X", f"s{cupping_id}-duration_minutes": "0"},
    )
    assert bad.status_code == 400 and "Between 5 and 480" in bad.get_data(as_text=True)
    assert web.post(f"/settings/services/{cupping_id}/deactivate").status_code == 302
    with app.app_context():
        cupping = db.session.get(Service, cupping_id)
        assert (cupping.name, cupping.duration_minutes, cupping.active) == ("Cupping therapy", 50, False)
    page = web.get("/appointments/new").get_data(as_text=True)
    assert "Cupping" not in page  # not offered for booking any more
    assert web.post(f"/settings/services/{cupping_id}/activate").status_code == 302
    assert audit_actions(app, "service.") == [
        "service.create",
        "service.update",
        "service.deactivate",
        "service.activate",
    ]


def test_opening_hours_by_the_owner_and_own_hours_by_a_therapist(
    app, web, login_as, owner, therapist, factory, clinic_id, cal
):
    login_as(owner)
    page = web.get("/settings/hours").get_data(as_text=True)
    assert 'value="09:00"' in page and "Clinic opening hours" in page
    data = {"d0_0_start": "08:00", "d0_0_end": "12:00", "d0_1_start": "13:00", "d0_1_end": "19:00"}
    assert web.post("/settings/hours", data=data).status_code == 302
    with app.app_context():
        clinic_hours, _ = opening.load(clinic_id)
    assert clinic_hours == {0: [(time(8), time(12)), (time(13), time(19))]}
    # bad input: closing before opening, half an interval, overlapping intervals
    for bad in (
        {"d1_0_start": "12:00", "d1_0_end": "09:00"},
        {"d1_0_start": "12:00"},
        {"d1_0_start": "09:00", "d1_0_end": "13:00", "d1_1_start": "12:00", "d1_1_end": "17:00"},
    ):
        before = table_counts(app)
        assert web.post("/settings/hours", data=bad).status_code == 400
        assert table_counts(app) == before
    # the owner edits a therapist's hours
    assert (
        web.post(
            f"/settings/hours/{therapist}", data={"d2_0_start": "10:00", "d2_0_end": "14:00"}
        ).status_code
        == 302
    )
    web.post("/logout")
    login_as(therapist)
    assert web.get("/settings/hours").headers["Location"].endswith(f"/settings/hours/{therapist}")
    assert (
        web.post(
            f"/settings/hours/{therapist}", data={"d3_0_start": "09:00", "d3_0_end": "12:00"}
        ).status_code
        == 302
    )
    other = factory.user(clinic_id, "therapist", "other@example.test")
    assert (
        web.post(f"/settings/hours/{other}", data={"d3_0_start": "09:00", "d3_0_end": "12:00"}).status_code
        == 403
    )
    assert web.post("/settings/services", data={"name": "Mine", "duration_minutes": "30"}).status_code == 403
    with app.app_context():
        _, own = opening.load(clinic_id, [therapist, other])
        assert own == {therapist: {3: [(time(9), time(12))]}}
        assert db.session.query(WorkingHours).filter_by(user_id=other).count() == 0
    assert audit_actions(app, "hours.") == ["hours.update"] * 3


def test_front_desk_cannot_change_settings(app, web, login_as, frontdesk, therapist, cal):
    login_as(frontdesk)
    for url in (
        "/settings/services",
        "/settings/hours",
        f"/settings/hours/{therapist}",
        "/settings/calendar-feed",
    ):
        assert web.get(url).status_code == 403, url
    assert web.post("/settings/hours", data={"d0_0_start": "08:00", "d0_0_end": "12:00"}).status_code == 403


def test_the_calendar_links_settings_by_role(app, web, login_as, owner, therapist, frontdesk, cal):
    login_as(owner)
    page = web.get("/calendar").get_data(as_text=True)
    assert "/settings/services" in page and "/settings/hours" in page and "/settings/calendar-feed" in page
    web.post("/logout")
    login_as(frontdesk)
    page = web.get("/calendar").get_data(as_text=True)
    assert "/settings/" not in page


def test_nav_has_calendar_and_recall_for_every_role(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    page = web.get("/").get_data(as_text=True)
    nav = page.split('class="mainnav"')[1].split("</nav>")[0]
    assert ">Calendar</a>" in nav and ">Recall</a>" in nav
    assert nav.index("Calendar") < nav.index("Clients") < nav.index("Recall")


def test_now_line_is_on_todays_grid(app, web, login_as, frontdesk, cal, clock):
    clock.set(datetime(2030, 6, 3, 10, 7, tzinfo=UTC))  # 11:07 BST
    login_as(frontdesk)
    page = web.get("/calendar").get_data(as_text=True)
    assert 'data-now-row="25"' in page  # (11:05 - 09:00) / 5 minutes
    assert page.count('class="r-now"') == 1


def test_the_demo_calendar_is_realistic_and_never_overlaps(app, factory, clinic_id, owner, clock):
    from collections import Counter
    from datetime import date

    from sqlalchemy import select

    from clinic.models import Appointment, Clinic, User
    from clinic.schedule.demo import add_calendar

    for i in range(2):
        factory.user(clinic_id, "therapist", f"demo{i}@example.test", f"Demo Therapist{i}")
    clients = [create_client(app, clinic_id, f"Demo{i}", "Client") for i in range(40)]
    today = date(2030, 6, 5)
    clock.set("2030-06-05T11:00:00+00:00")
    with app.app_context():
        from clinic.models import Client

        clinic = db.session.get(Clinic, clinic_id)
        staff = {}
        for user in db.session.scalars(select(User).where(User.clinic_id == clinic_id).order_by(User.id)):
            staff.setdefault(user.role, []).append(user)
        made = add_calendar(clinic, staff, [db.session.get(Client, c) for c in clients], today)
        db.session.commit()
        rows = list(
            db.session.scalars(select(Appointment).order_by(Appointment.therapist_id, Appointment.start_at))
        )
        services = sorted(s.duration_minutes for s in db.session.scalars(select(Service)))
        clinic_hours, own = opening.load(clinic_id, [u.id for u in staff["therapist"]])
    assert made == len(rows) > 150
    assert services == [30, 60, 90]
    assert clinic_hours[5] == [(time(9), time(13))] and 6 not in clinic_hours
    statuses = Counter(a.status for a in rows)
    assert (
        statuses["completed"] > statuses["no_show"] > 0
        and statuses["cancelled"] > 0
        and statuses["booked"] > 0
    )
    first_day, last_day = (min(a.start_at for a in rows).date(), max(a.start_at for a in rows).date())
    assert (today - first_day).days >= 19 and (last_day - today).days >= 12
    active = [a for a in rows if a.status in ("booked", "arrived", "completed")]
    for earlier, later in zip(active, active[1:], strict=False):
        if earlier.therapist_id == later.therapist_id:
            assert earlier.end_at <= later.start_at
    booked_minutes = sum((a.end_at - a.start_at).total_seconds() / 60 for a in rows)
    working_minutes = 0
    for user in staff["therapist"]:
        hours = opening.effective(clinic_hours, own.get(user.id))
        for offset in range(-21, 15):
            day = today + timedelta(days=offset)
            working_minutes += sum(
                (e.hour * 60 + e.minute) - (s.hour * 60 + s.minute) for s, e in hours.get(day.weekday(), [])
            )
    assert 0.45 < booked_minutes / working_minutes < 0.75
