"""The calendar's JSON API: status codes, nothing written on errors, no clinical data, CSRF."""

from datetime import UTC, datetime

import pytest

from clinic.extensions import db
from clinic.models import Service
from tests.conftest import TEST_PASSWORD, Factory, count_queries, table_counts
from tests.factories import (
    MONDAY,
    appointments,
    audit_actions,
    create_appointment,
    create_calendar,
    create_client,
    csrf_token_from,
    local,
)


@pytest.fixture
def cal(app, clinic_id, therapist, frontdesk):
    return {
        "services": create_calendar(app, clinic_id),
        "client": create_client(app, clinic_id, "Ada", "Quill"),
        "therapist": therapist,
    }


def body(cal, **change):
    data = {
        "therapist_id": cal["therapist"],
        "client_id": cal["client"],
        "service_id": cal["services"][60],
        "start": "2030-06-03T10:00",
    }
    data.update(change)
    return data


CLINICAL_WORDS = ("condition", "health", "diagnos", "medication", "subjective", "pain", "screening", "visit")


def test_booking_returns_201_with_the_appointment(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    response = web.post("/api/appointments", json=body(cal, notes="Ring the bell"))
    assert response.status_code == 201
    made = response.get_json()
    assert made["client_name"] == "Ada Quill" and made["service_name"] == "Treatment 60"
    assert made["start"] == "2030-06-03T10:00:00+01:00" and made["end_utc"] == "2030-06-03T10:00:00+00:00"
    assert made["status"] == "booked" and made["notes"] == "Ring the bell"
    assert not any(word in key for key in made for word in CLINICAL_WORDS)
    assert audit_actions(app, "appointment.") == ["appointment.create"]


def test_a_start_with_an_offset_is_taken_as_given(app, web, login_as, frontdesk, cal):
    login_as(frontdesk)
    response = web.post("/api/appointments", json=body(cal, start="2030-06-03T09:00:00Z"))
    assert response.status_code == 201
    assert appointments(app)[0].start_at == datetime(2030, 6, 3, 9, tzinfo=UTC)


def test_a_taken_slot_is_409_with_the_nearest_free_times(app, web, login_as, frontdesk, cal, clinic_id):
    create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    login_as(frontdesk)
    before = table_counts(app)
    response = web.post("/api/appointments", json=body(cal, start="2030-06-03T10:30"))
    assert response.status_code == 409
    payload = response.get_json()
    assert "already booked" in payload["error"]
    assert [slot["start"] for slot in payload["nearest_free"]] == [
        "2030-06-03T11:00:00+01:00",
        "2030-06-03T11:15:00+01:00",
        "2030-06-03T11:30:00+01:00",
    ]
    assert table_counts(app) == before


@pytest.mark.parametrize(
    "payload, field",
    [
        ("not json", None),
        ([1, 2], None),
        ({"therapist_id": None}, "therapist_id"),
        ({"therapist_id": "1"}, "therapist_id"),
        ({"therapist_id": True}, "therapist_id"),
        ({"start": "tomorrow at ten"}, "start"),
        ({"start": "2030-06-03T10:07"}, "start"),
        ({"start": 1234}, "start"),
        ({"notes": "x" * 501}, "notes"),
        ({"outside_hours_ok": "yes"}, "outside_hours_ok"),
        ({"end": "2030-06-03T09:00"}, None),  # not accepted: the end follows from the service
        ({"client_id": None}, "client_id"),
    ],
)
def test_bad_input_is_400_and_writes_nothing(app, web, login_as, frontdesk, cal, payload, field):
    login_as(frontdesk)
    before = table_counts(app)
    if isinstance(payload, dict):
        response = web.post("/api/appointments", json=body(cal, **payload))
    elif isinstance(payload, str):
        response = web.post("/api/appointments", data=payload, content_type="application/json")
    else:
        response = web.post("/api/appointments", json=payload)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]
    if field:
        assert response.get_json().get("field") == field
    assert table_counts(app) == before


def test_inactive_service_archived_client_and_outside_hours(app, web, login_as, frontdesk, cal, clinic_id):
    with app.app_context():
        db.session.get(Service, cal["services"][90]).active = False
        db.session.commit()
    login_as(frontdesk)
    before = table_counts(app)
    assert web.post("/api/appointments", json=body(cal, service_id=cal["services"][90])).status_code == 400
    late = web.post("/api/appointments", json=body(cal, start="2030-06-03T20:00"))
    assert late.status_code == 400 and late.get_json()["outside_hours"] is True
    assert table_counts(app) == before
    confirmed = web.post("/api/appointments", json=body(cal, start="2030-06-03T20:00", outside_hours_ok=True))
    assert confirmed.status_code == 201


def test_another_clinics_therapist_client_or_service_is_404(app, web, login_as, factory, frontdesk, cal):
    elsewhere = factory.clinic("Elsewhere")
    stranger = factory.user(elsewhere, "therapist", "stranger@example.test")
    their_services = create_calendar(app, elsewhere)
    their_client = create_client(app, elsewhere, "Zed", "Far")
    login_as(frontdesk)
    before = table_counts(app)
    for change in (
        {"therapist_id": stranger},
        {"client_id": their_client},
        {"service_id": their_services[60]},
        {"client_id": 987654},
    ):
        response = web.post("/api/appointments", json=body(cal, **change))
        assert response.status_code == 404, change
    assert table_counts(app) == before
    assert (
        web.get(f"/api/appointments?start=2030-06-03&end=2030-06-04&therapist={stranger}").status_code == 404
    )


def test_listing_a_range(app, web, login_as, frontdesk, cal, clinic_id, owner):
    create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY, 10)
    )
    create_appointment(
        app,
        clinic_id,
        owner,
        cal["client"],
        cal["services"][30],
        local(MONDAY, 16),
        status="cancelled",
        cancel_reason="Client unwell",
    )
    create_appointment(
        app, clinic_id, cal["therapist"], cal["client"], cal["services"][60], local(MONDAY.replace(day=4), 10)
    )
    login_as(frontdesk)
    response = web.get("/api/appointments?start=2030-06-03&end=2030-06-04")
    assert response.status_code == 200
    rows = response.get_json()["appointments"]
    assert [(r["start"], r["status"]) for r in rows] == [
        ("2030-06-03T10:00:00+01:00", "booked"),
        ("2030-06-03T16:00:00+01:00", "cancelled"),
    ]
    assert rows[0]["therapist_name"] == "Theo Therapist"
    one = web.get(
        f"/api/appointments?start=2030-06-03T00:00&end=2030-06-05T00:00&therapist={cal['therapist']}"
    )
    assert len(one.get_json()["appointments"]) == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "start=2030-06-03",
        "start=2030-06-03&end=2030-06-01",
        "start=2030-06-03&end=2030-06-03",
        "start=2030-01-01&end=2030-06-01",
        "start=soon&end=later",
        "start=2030-06-03&end=2030-06-04&therapist=x",
    ],
)
def test_listing_refuses_bad_ranges(app, web, login_as, frontdesk, cal, query):
    login_as(frontdesk)
    response = web.get(f"/api/appointments?{query}")
    assert response.status_code == 400 and response.get_json()["error"]


def test_listing_queries_do_not_grow(app, web, login_as, frontdesk, cal, clinic_id):
    login_as(frontdesk)
    create_appointment(app, clinic_id, cal["therapist"], cal["client"], cal["services"][30], local(MONDAY, 9))
    with count_queries(app) as one:
        web.get("/api/appointments?start=2030-06-03&end=2030-06-04")
    for slot in range(1, 16):
        other = create_client(app, clinic_id, f"C{slot}", "Many")
        create_appointment(
            app,
            clinic_id,
            cal["therapist"],
            other,
            cal["services"][30],
            local(MONDAY, 9 + slot // 2, 30 * (slot % 2)),
        )
    with count_queries(app) as many:
        rows = web.get("/api/appointments?start=2030-06-03&end=2030-06-04").get_json()["appointments"]
    assert len(rows) == 16 and many() == one()


def test_anonymous_is_401(app, cal):
    web = app.test_client()
    assert web.get("/api/appointments?start=2030-06-03&end=2030-06-04").status_code == 401
    assert web.post("/api/appointments", json={}).status_code == 401


def test_csrf_token_is_required_and_read_from_the_page(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    factory = Factory(app)
    clinic_id = factory.clinic("Token Clinic")
    therapist = factory.user(clinic_id, "therapist", "tok@example.test")
    cal = {
        "services": create_calendar(app, clinic_id),
        "client": create_client(app, clinic_id),
        "therapist": therapist,
    }
    web = app.test_client()
    token = csrf_token_from(web.get("/login").get_data(as_text=True))
    web.post("/login", data={"email": "tok@example.test", "password": TEST_PASSWORD, "csrf_token": token})
    before = table_counts(app)
    assert web.post("/api/appointments", json=body(cal)).status_code == 400
    assert table_counts(app) == before
    meta = csrf_token_from(
        web.get("/calendar").get_data(as_text=True)
    )  # the <meta> tag the calendar's JS reads
    response = web.post("/api/appointments", json=body(cal), headers={"X-CSRFToken": meta})
    assert response.status_code == 201
