"""The calendar grid's cells: their exact markup, what they escape, and past and free time by the clock.

calendar.build formats every cell once (the booking link from one url_for, times from a table, the
free, past and closed cells' whole <td>), so these tests pin the markup the template used to make.
"""

import re
from datetime import timedelta

from flask import url_for

from clinic.schedule import calendar
from tests.factories import MONDAY, create_appointment, create_calendar, create_client, local


def cells_of(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # the grid's cells, not the time column's
    return re.findall(r'<td (?!class="cal-time").*?</td>', body, flags=re.S)


def test_free_quarter_hours_are_links_with_their_label(app, web, login_as, frontdesk, therapist, clinic_id):
    create_calendar(app, clinic_id)
    login_as(frontdesk)
    page = web.get(f"/calendar?date={MONDAY.isoformat()}").get_data(as_text=True)
    link = f"/appointments/new?therapist={therapist}&amp;date=2030-06-03&amp;time="
    label = "Book Theo Therapist, Monday 3 June at "
    cells = cells_of(page)
    assert cells[:3] == [
        f'<td rowspan="3" class="c-free m-hour"><a class="slot run-start" href="{link}09:00"'
        f' aria-label="{label}09:00"><span aria-hidden="true">09:00</span></a></td>',
        f'<td rowspan="3" class="c-free m-"><a class="slot" href="{link}09:15"'
        f' aria-label="{label}09:15"><span aria-hidden="true">09:15</span></a></td>',
        f'<td rowspan="3" class="c-free m-half"><a class="slot" href="{link}09:30"'
        f' aria-label="{label}09:30"><span aria-hidden="true">09:30</span></a></td>',
    ]
    assert len(cells) == 36  # 09:00 to 18:00 in quarter hours, one therapist (the owner has no hours)
    with app.test_request_context():
        assert link.replace("&amp;", "&") + "09:00" == url_for(
            "schedule.new", therapist=therapist, date="2030-06-03", time="09:00"
        )  # the same address url_for gives, built once per column


def test_names_in_labels_titles_and_texts_are_escaped(
    app, web, login_as, factory, frontdesk, therapist, clinic_id
):
    services = create_calendar(app, clinic_id)
    odd = factory.user(clinic_id, "therapist", "odd@example.test", 'Tess <b>"Two"</b> & Co')
    client = create_client(app, clinic_id, "<i>Ada</i>", "O'Quill & <Sons>")
    create_appointment(app, clinic_id, odd, client, services[60], local(MONDAY, 10))
    login_as(frontdesk)
    for url in (f"/calendar?date={MONDAY.isoformat()}", f"/calendar/week?date={MONDAY.isoformat()}"):
        page = web.get(url).get_data(as_text=True)
        assert "<b>" not in page and "<i>" not in page and "<Sons>" not in page
        label = "Book Tess &lt;b&gt;&#34;Two&#34;&lt;/b&gt; &amp; Co, Monday 3 June at 09:00"
        assert f'aria-label="{label}"' in page
    assert "&lt;i&gt;Ada&lt;/i&gt; O&#39;Quill &amp; &lt;Sons&gt; · Treatment 60 · Tess &lt;b&gt;" in page
    assert '<span class="appt-client">&lt;i&gt;Ada&lt;/i&gt; O.</span>' in page  # two lanes a day: short


def test_appointments_link_to_their_page_in_the_clinics_time(
    app, web, login_as, frontdesk, therapist, clinic_id
):
    services = create_calendar(app, clinic_id)
    client = create_client(app, clinic_id, "Ada", "Quill", preferred_name="Addy")
    booked = create_appointment(app, clinic_id, therapist, client, services[90], local(MONDAY, 9, 45))
    cancelled = create_appointment(
        app, clinic_id, therapist, client, services[30], local(MONDAY, 14), status="cancelled"
    )
    login_as(frontdesk)
    day = web.get(f"/calendar?date={MONDAY.isoformat()}").get_data(as_text=True)
    with app.test_request_context():
        href = url_for("schedule.appointment", appointment_id=booked)
        off_href = url_for("schedule.appointment", appointment_id=cancelled)
    assert f'<a id="appt-{booked}" class="appt s-booked" href="{href}"' in day
    assert 'title="09:45–11:15 · Addy Quill · Treatment 90"' in day  # BST: stored 08:45 UTC
    assert '<span class="appt-time">09:45–11:15</span>' in day
    assert '<span class="appt-client">Addy Quill</span>' in day
    assert '<td rowspan="18" class="c-appt m-">' in day  # 90 minutes of 5-minute rows
    assert f'<li><a href="{off_href}">14:00 · Addy Quill</a>' in day
    week = web.get(f"/calendar/week?date={MONDAY.isoformat()}&therapist=all").get_data(as_text=True)
    assert 'title="09:45–11:15 · Addy Quill · Treatment 90"' in week  # one therapist: no lanes
    assert f'<li><a href="{off_href}">Mon 3 Jun, 14:00 · Addy Quill</a>' in week


def test_past_time_is_not_offered_and_the_rest_of_today_is(
    app, web, login_as, frontdesk, therapist, clinic_id, clock
):
    clock.set("2030-06-05T09:07:00+00:00")  # Wednesday 10:07 in London
    create_calendar(app, clinic_id)
    login_as(frontdesk)
    page = web.get(f"/calendar/week?date={MONDAY.isoformat()}").get_data(as_text=True)
    slots = re.findall(r"date=(2030-06-0\d)&amp;time=(\d\d:\d\d)", page)
    assert not [s for s in slots if s[0] < "2030-06-05"]  # Monday and Tuesday are over
    today = [time for day, time in slots if day == "2030-06-05"]
    assert today[0] == "10:10" and "10:05" not in today  # rows start every 5 minutes; 10:05 has begun
    assert today[1] == "10:15" and today[-1] == "17:45"
    assert [time for day, time in slots if day == "2030-06-06"][0] == "09:00"
    assert '<td rowspan="2" class="c-past m-hour"></td>' in page  # 10:00 and 10:05, then a free 10:10
    assert '<td rowspan="1" class="c-free m-"><a class="slot run-start"' in page


def test_build_shares_row_kinds_between_columns_of_one_day(app, factory, clinic_id, therapist):
    """Columns with the same hours on one day share a list of row kinds: a change to one would show in
    the others, so the cells of two such columns must still be cut independently by their appointments."""
    services = create_calendar(app, clinic_id)
    second = factory.user(clinic_id, "therapist", "tess@example.test", "Tess Second")
    client = create_client(app, clinic_id)
    create_appointment(app, clinic_id, therapist, client, services[30], local(MONDAY, 9, 10))
    with app.test_request_context():
        from clinic.extensions import db
        from clinic.models import Clinic, User

        clinic = db.session.get(Clinic, clinic_id)
        people = [db.session.get(User, therapist), db.session.get(User, second)]
        grid = calendar.build(
            clinic_id, clinic.tz, [MONDAY], people, local(MONDAY, 0), by_day=False, book_url="/new"
        )
    theo, tess = grid.columns
    assert [(c.kind, c.row, c.rowspan) for c in theo.cells[:3]] == [
        ("free", 0, 2),
        ("appt", 2, 6),
        ("free", 8, 1),
    ]
    assert [(c.kind, c.row, c.rowspan) for c in tess.cells[:3]] == [
        ("free", 0, 3),
        ("free", 3, 3),
        ("free", 6, 3),
    ]
    assert sum(c.rowspan for c in theo.cells) == sum(c.rowspan for c in tess.cells) == grid.row_count
    assert theo.cells[2].html.startswith('<td rowspan="1" class="c-free m-"><a class="slot run-start"')
    assert "/new?therapist=" in str(tess.cells[0].html)
    assert grid.rows[0] == [theo.cells[0], tess.cells[0]]
    assert MONDAY + timedelta(days=1) not in grid.days
