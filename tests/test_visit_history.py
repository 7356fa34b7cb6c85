"""The client's visit history and progress charts: content, marks, and constant query counts."""

from datetime import date, timedelta

from clinic.visits.charts import important_change, region_chart, session_chart
from tests.conftest import count_queries
from tests.factories import create_client_with_history, create_visit

# Hand pressure for a client taking an anticoagulant: screened "modify" (CLINICAL.md).
ANTICOAGULANT = {"code": "anticoagulant"}
PLAN = ({"technique": "hand_pressure", "region": "shoulder_r", "reason": "Light pressure"},)


def add_visits(app, client_id, therapist, count, start=date(2026, 1, 5)):
    """`count` weekly notes through the services, pain easing week by week, two points each."""
    for n in range(count):
        create_visit(
            app,
            client_id,
            therapist,
            start + timedelta(days=7 * n),
            plan=PLAN,
            points=(
                {
                    "muscle": "upper_trapezius",
                    "side": "right",
                    "region": "shoulder_r",
                    "technique": "hand_pressure",
                    "pain_before": max(7 - n, 0),
                },
                {
                    "muscle": "piriformis",
                    "side": "left",
                    "region": "gluteal_l",
                    "technique": "massage_ball",
                    "pain_before": 5,
                },
            ),  # fmt: skip
            pain_before=max(8 - n, 1),
            pain_after=max(5 - n, 0),
        )


def test_important_change_rule():
    assert important_change(7, 5)  # 2 points
    assert important_change(3, 2)  # 33%
    assert not important_change(8, 7)  # 1 point, 12%
    assert not important_change(0, 0)
    assert not important_change(4, 5)


def test_session_chart_marks_the_first_important_change():
    chart = session_chart([(date(2026, 1, 1), 8, 6), (date(2026, 1, 8), 7, 5), (date(2026, 1, 15), 6, 3)])
    assert [p[3] for p in chart.series[0].points] == [8, 7, 6]
    assert [p[3] for p in chart.series[1].points] == [6, 5, 3]
    assert len(chart.marks) == 1 and chart.marks[0][2] == "Important change: 8 → 6"
    xs = [p[0] for p in chart.series[0].points]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert chart.series[0].points[0][1] > 0  # pain 8 is near the top, not off the chart


def test_lines_with_equal_values_stay_distinguishable(app):
    """Pain 4 before and after at every visit: the two lines lie on one another, so each has its own
    marker shape (and dash, in visits.css), and the legend shows the shapes, not colour alone."""
    from flask import render_template

    chart = session_chart([(date(2026, 1, 1), 4, 4), (date(2026, 1, 8), 4, 4)], [(date(2026, 1, 2), 4)])
    before, after, checked = chart.series
    assert before.path == after.path  # the same geometry ...
    assert len({before.marker, after.marker, checked.marker}) == 3  # ... told apart by shape
    with app.test_request_context():
        svg = render_template("visits/_chart.html", chart=chart)
    assert svg.count('<circle class="dot before"') == 2 and svg.count('<rect class="dot after"') == 2
    assert 'class="dot checkin" d="M' in svg
    assert "● Pain before" in svg.replace('<span aria-hidden="true">', "").replace("</span> ", " ")


def test_check_ins_sit_beside_the_visits_they_follow():
    visits = [(date(2026, 1, 1), 8, 6), (date(2026, 1, 8), 7, 5)]
    chart = session_chart(visits, [(date(2026, 1, 2), 5), (date(2026, 1, 10), 3)])
    before, after, checked = chart.series
    assert checked.label == "Soreness at check-in" and [p[3] for p in checked.points] == [5, 3]
    xs = {p[2]: p[0] for s in chart.series for p in s.points}
    assert xs[date(2026, 1, 1)] < xs[date(2026, 1, 2)] < xs[date(2026, 1, 8)] < xs[date(2026, 1, 10)]
    assert len(session_chart(visits).series) == 2  # no check-ins, no empty line in the legend


def test_region_chart_follows_each_region():
    chart = region_chart(
        [
            (date(2026, 1, 1), "shoulder_r", 7),
            (date(2026, 1, 8), "shoulder_r", 4),
            (date(2026, 1, 1), "gluteal_l", 5),
            (date(2026, 1, 8), "gluteal_l", 5),
        ]
    )
    labels = {s.label: [p[3] for p in s.points] for s in chart.series}
    assert labels == {"Shoulder, right": [7, 4], "Buttock, left": [5, 5]}
    assert [m[2] for m in chart.marks] == ["Shoulder, right: 7 → 4"]


def test_client_page_shows_history_and_charts(app, web, login_as, clinic_id, therapist):
    client_id = create_client_with_history(app, clinic_id, therapist, [ANTICOAGULANT])
    add_visits(app, client_id, therapist, 4)
    login_as(therapist)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "Session pain" in page and "Trigger-point pain by region" in page
    assert "Shoulder, right" in page and "Buttock, left" in page
    assert "Important change: 8 → 6" in page
    assert page.count("badge modify") >= 4


def test_history_queries_do_not_grow_with_visits(app, web, login_as, clinic_id, therapist):
    client_id = create_client_with_history(app, clinic_id, therapist, [ANTICOAGULANT])
    add_visits(app, client_id, therapist, 5)
    login_as(therapist)
    with count_queries(app) as queries:
        web.get(f"/clients/{client_id}")
    few = queries()
    add_visits(app, client_id, therapist, 95, start=date(2024, 1, 1))
    with count_queries(app) as queries:
        page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert queries() == few
    assert page.count("/visits/") >= 100
