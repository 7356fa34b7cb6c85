"""Property-based fuzzing (hypothesis) of the intake, visit, client and appointment forms and the JSON API.

For any input: never a 500; a refused request (any status but the success one) writes nothing but
audit rows; an accepted one stores only valid data, inside the user's clinic. Each target runs a few
dozen examples against one seeded world, so the whole file stays quick.
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from clinic.clock import clinic_today
from clinic.extensions import db
from clinic.intake.health import normalise
from clinic.intake.questionnaire import CONDITION_REGIONS, PAIN_REGIONS
from clinic.intake.services import record_data
from clinic.models import Appointment, Client, Clinic, HealthRecord, User, Visit
from clinic.rules.muscles import MUSCLES
from clinic.rules.vocabulary import CONDITIONS, REGIONS, TECHNIQUES

from .conftest import log_in
from .helpers import cross_clinic_references, shows_clinic_a
from .world import changed_tables, content_checksum

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values that break naive parsing: extremes of dates and numbers, markup, SQL, control characters.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1.5",
        "11",
        "601",
        "1e309",
        "nan",
        "inf",
        "99999999999999999999999",
        "2030-02-30",
        "0001-01-01",
        "9999-12-31",
        "2030-06-03",
        "1899-12-31",
        "10:00",
        "23:59",
        "24:00",
        "10:03",
        "-",
        "null",
        "true",
        "[]",
        "{}",
        "<script>alert(1)</script>",
        "'; DROP TABLE client;--",
        "\x00",
        "a\x00b",
        "\u202e",
        "💆",
        "x" * 6000,
        "0001-01-01T00:00+01:00",
        "9999-12-31T23:55-05:00",
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=40))


def values(*valid):
    return st.one_of(st.sampled_from(list(valid)), TEXT) if valid else TEXT


def check_refused_or_valid(app, before, response, success: tuple[int, ...], what: str):
    """No 500; anything but success changed nothing. Returns the new checksum baseline."""
    assert response.status_code < 500, (
        f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    )
    after = content_checksum(app)
    if response.status_code not in success:
        assert changed_tables(before, after) == [], f"{what}: refused with {response.status_code} but wrote"
    return after


@pytest.fixture
def fuzz_app(world_app):
    app, world = world_app
    return (
        app,
        world,
        {
            role: log_in(app.test_client(), world.a.emails[role])
            for role in ("owner", "therapist", "frontdesk")
        },
    )


conditions = st.lists(values(*CONDITIONS), max_size=4)
intake_form = st.fixed_dictionaries(
    {
        "main_complaint": TEXT,
        "goals": TEXT,
        "medications": TEXT,
        "allergies": TEXT,
        "consent_name": TEXT,
        "change_note": TEXT,
        "guardian_name": TEXT,
    },
    optional={
        "onset_date": values("2024-01-01"),
        "consent_date": values("2025-01-01"),
        "guardian_consent": values("y"),
        "based_on": values("0", "1", "4"),
        "pain": st.lists(values(*PAIN_REGIONS), max_size=3),
        "condition": conditions,
        "cond_pregnancy_weeks": values("12", "46"),
        "cond_recent_surgery_date": values("2025-01-01"),
        "cond_recent_surgery_region": values(*CONDITION_REGIONS),
        "cond_fibromyalgia_note": TEXT,
        "cond_fever_cleared": values("y"),
        "cond_bogus_note": TEXT,
    },
)


@FUZZ
@given(form=intake_form)
@example(form={"main_complaint": "a\x00b", "consent_name": "Ada Quill"})
def test_fuzz_the_health_history_form(fuzz_app, form):
    app, world, webs = fuzz_app
    client = world.a.client2
    before = content_checksum(app)
    response = webs["therapist"].post(f"/clients/{client}/health/edit", data=form)
    check_refused_or_valid(app, before, response, (302,), f"health form {form!r:.300}")
    if response.status_code == 302:
        with app.app_context():
            latest = db.session.scalars(
                select(HealthRecord)
                .where(HealthRecord.client_id == client)
                .order_by(HealthRecord.number.desc())
            ).first()
            data = record_data(latest)
            today = clinic_today(db.session.get(Clinic, world.a.clinic))
            assert normalise(data, today) == data  # stored data is canonical and valid
            db.session.remove()


point = st.fixed_dictionaries(
    {
        "muscle": values(*list(MUSCLES)[:5]),
        "side": values("left", "right", "midline"),
        "region": values(*list(REGIONS)[:6]),
        "technique": values(*TECHNIQUES),
        "kind": values("active", "latent"),
        "view": values("front", "back", ""),
        "x": values("130", "0"),
        "y": values("95", "440"),
        "pressure": values("6"),
        "pressure_scale": values("felt", "level"),
        "hold_seconds": values("60"),
        "repetitions": values("2"),
        "pain_before": values("7"),
        "pain_after": values("3"),
        "referral": TEXT,
        "tool_detail": TEXT,
        "taut_band": values("y"),
    }
)
plan_item = st.fixed_dictionaries(
    {
        "technique": values(*TECHNIQUES),
        "region": values("shoulder_r", "legs"),
        "decision": values("proceed", "withheld"),
        "reason": TEXT,
    }
)
note_form = st.fixed_dictionaries(
    {
        "subjective": TEXT,
        "objective": TEXT,
        "assessment": TEXT,
        "plan": TEXT,
        "notes": TEXT,
        "lubricant": TEXT,
        "aftercare_given": TEXT,
        "adverse_responses": TEXT,
        "pain_before": values("6", "0", "10"),
        "pain_after": values("3"),
    },
    optional={"version": values(""), "sign": values("1")},
)


@FUZZ
@given(form=note_form, points=st.lists(point, max_size=3), plan=st.lists(plan_item, max_size=2))
@example(form={"subjective": "a\x00b", "pain_before": "6"}, points=[], plan=[])
@example(form={"subjective": "s", "version": "1e309"}, points=[], plan=[])
def test_fuzz_the_treatment_note(fuzz_app, form, points, plan):
    app, world, webs = fuzz_app
    data = dict(form)
    for n, item in enumerate(plan):
        data.update({f"plan_items-{n}-{k}": v for k, v in item.items()})
    for n, values_ in enumerate(points):
        data.update({f"points-{n}-{k}": v for k, v in values_.items()})
    visit_id = world.a.draft_visit
    before = content_checksum(app)
    response = webs["therapist"].post(f"/visits/{visit_id}/edit", data=data)
    if response.status_code == 303:  # signed by an earlier example: nothing more can change
        return
    check_refused_or_valid(app, before, response, (302,), f"note {data!r:.300}")
    if response.status_code == 302:
        with app.app_context():
            visit = db.session.get(Visit, visit_id)
            assert visit.clinic_id == world.a.clinic and visit.therapist_id == world.a.therapist
            for value in (visit.pain_before, visit.pain_after):
                assert value is None or 0 <= value <= 10
            for p in visit.points:
                assert p.muscle in MUSCLES and p.region in REGIONS and p.technique in TECHNIQUES
                assert p.side in ("left", "right", "midline") and p.view in (None, "front", "back")
            db.session.remove()


client_form = st.fixed_dictionaries(
    {"first_name": values("Ada"), "last_name": values("Quill")},
    optional={
        "preferred_name": TEXT,
        "date_of_birth": values("1980-01-01"),
        "phone": values("01632 960 001"),
        "email": values("a@example.test"),
        "address": TEXT,
        "emergency_contact": TEXT,
        "referral_source": TEXT,
        "notes": TEXT,
        "version": values("1", ""),
    },
)


@FUZZ
@given(form=client_form, edit=st.booleans())
@example(form={"first_name": "Ada", "last_name": "Quill", "notes": "a\x00b"}, edit=False)
def test_fuzz_the_client_form(fuzz_app, form, edit):
    app, world, webs = fuzz_app
    url = f"/clients/{world.a.client2}/edit" if edit else "/clients/new"
    before = content_checksum(app)
    response = webs["frontdesk"].post(url, data=form)
    check_refused_or_valid(app, before, response, (302,), f"client form {url} {form!r:.300}")
    if response.status_code == 302 and not edit:
        with app.app_context():
            newest = db.session.scalars(select(Client).order_by(Client.id.desc())).first()
            assert newest.clinic_id == world.a.clinic
            today = clinic_today(db.session.get(Clinic, newest.clinic_id))
            assert newest.date_of_birth is None or newest.date_of_birth <= today
            db.session.remove()


@st.composite
def booking_forms(draw):
    ids = st.one_of(st.sampled_from(["1", "2", "3", "5", "6", "7"]), TEXT)
    return {
        "therapist": draw(ids),
        "client": draw(ids),
        "service": draw(ids),
        "date": draw(values("2030-06-04", "2030-06-05")),
        "date_ok": "y",
        "time": draw(values("10:00", "12:30", "18:55")),
        "notes": draw(TEXT),
        **draw(st.fixed_dictionaries({}, optional={"outside_hours_ok": values("y")})),
    }


@FUZZ
@given(form=booking_forms())
@example(
    form={
        "therapist": "2",
        "client": "2",
        "service": "99999999999999999999999",
        "date": "2030-06-04",
        "time": "10:00",
    }
)
@example(form={"therapist": "2", "client": "2", "service": "1", "date": "9999-12-31", "time": "23:55"})
def test_fuzz_the_booking_form(fuzz_app, form):
    app, world, webs = fuzz_app
    before = content_checksum(app)
    response = webs["frontdesk"].post("/appointments/new", data=form)
    check_refused_or_valid(app, before, response, (302,), f"booking {form!r:.300}")
    _appointments_are_sane(app)


def _appointments_are_sane(app):
    assert cross_clinic_references(app) == []
    with app.app_context():
        for item in db.session.scalars(select(Appointment)):
            assert item.start_at < item.end_at and item.start_at.minute % 5 == 0
            therapist = db.session.get(User, item.therapist_id)
            assert therapist.role in ("owner", "therapist")
        db.session.remove()


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    TEXT,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
booking_json = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "therapist_id": st.one_of(st.sampled_from([2, 3, 6]), json_scalars),
            "client_id": st.one_of(st.sampled_from([1, 2, 3]), json_scalars),
            "service_id": st.one_of(st.sampled_from([1, 2, 3]), json_scalars),
            "start": st.one_of(values("2030-06-04T10:00", "2030-06-04T10:00+02:00"), json_scalars),
        },
        optional={"notes": json_scalars, "outside_hours_ok": json_scalars, "extra": json_scalars},
    ),
)


@FUZZ
@given(body=booking_json)
@example(body={"therapist_id": 2, "client_id": 2, "service_id": 1, "start": "9999-12-31T23:55-05:00"})
@example(body={"therapist_id": 2, "client_id": 2, "service_id": 1, "start": "0001-01-01T00:00+01:00"})
@example(body={"therapist_id": 2**70, "client_id": 2, "service_id": 1, "start": "2030-06-04T10:00"})
def test_fuzz_the_booking_api(fuzz_app, body):
    app, world, webs = fuzz_app
    before = content_checksum(app)
    response = webs["frontdesk"].post("/api/appointments", json=body)
    assert response.mimetype == "application/json"
    check_refused_or_valid(app, before, response, (201,), f"API booking {body!r:.300}")
    _appointments_are_sane(app)


@FUZZ
@given(
    start=values("2030-06-01", "2030-06-01T00:00+01:00"),
    end=values("2030-06-30"),
    therapist=values("2", "6", "all"),
)
@example(start="9999-12-31T23:00-05:00", end="9999-12-31T23:30-05:00", therapist="all")
@example(start="2030-06-01", end="2030-06-30", therapist="99999999999999999999999")
def test_fuzz_the_appointment_list_api(fuzz_app, start, end, therapist):
    app, world, webs = fuzz_app
    response = webs["frontdesk"].get(
        "/api/appointments", query_string={"start": start, "end": end, "therapist": therapist}
    )
    assert response.status_code < 500, (start, end, therapist, response.status_code)
    assert response.mimetype == "application/json"
    assert not shows_clinic_a(response.get_data(as_text=True)) or response.status_code == 200


screening_json = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "on": st.one_of(values("2026-06-01"), json_scalars),
            "age": st.one_of(st.integers(-5, 200), json_scalars),
            "conditions": st.one_of(
                st.lists(
                    st.fixed_dictionaries(
                        {"code": values(*CONDITIONS)},
                        optional={"region": values("shoulder_r"), "date": values("2026-05-01")},
                    ),
                    max_size=3,
                ),
                json_values,
            ),
            "consent": st.one_of(st.booleans(), json_scalars),
            "plan": st.one_of(
                st.lists(
                    st.fixed_dictionaries(
                        {"technique": values(*TECHNIQUES), "region": values("shoulder_r", "legs")}
                    ),
                    max_size=3,
                ),
                json_values,
            ),
        }
    ),
)


@FUZZ
@given(body=screening_json)
def test_fuzz_the_screening_api(fuzz_app, body):
    app, world, webs = fuzz_app
    before = content_checksum(app)
    response = webs["therapist"].post("/api/screening", json=body)
    assert response.mimetype == "application/json"
    assert response.status_code < 500, (body, response.status_code, response.get_data(as_text=True)[:200])
    assert changed_tables(before, content_checksum(app)) == []  # a preview never writes (but its audit row)


@FUZZ
@given(
    day=values("2030-06-03"),
    view=st.sampled_from(["/calendar", "/calendar/week", "/recall", "/clients"]),
    extra=values("all", "2"),
)
@example(day="9999-12-31", view="/calendar/week", extra="all")
@example(day="0001-01-01", view="/calendar", extra="all")
@example(day="a\x00b", view="/clients", extra="all")
@example(day="2030-06-03", view="/calendar", extra="99999999999999999999999")
def test_fuzz_the_calendar_and_list_pages(fuzz_app, day, view, extra):
    app, world, webs = fuzz_app
    response = webs["frontdesk"].get(
        view, query_string={"date": day, "therapist": extra, "page": extra, "q": day}
    )
    assert response.status_code < 500, (view, day, extra, response.status_code)


def test_the_fuzzers_reach_success_too(fuzz_app):
    """A control: the valid corner of each strategy is accepted, so refusals above are not the only path."""
    app, world, webs = fuzz_app
    a = world.a
    assert (
        webs["frontdesk"]
        .post(
            "/appointments/new",
            data={
                "therapist": a.therapist,
                "client": a.client2,
                "service": a.service,
                "date": "2030-06-04",
                "time": "10:00",
                "date_ok": "y",
            },
        )
        .status_code
        == 302
    )
    assert (
        webs["frontdesk"]
        .post(
            "/api/appointments",
            json={
                "therapist_id": a.therapist,
                "client_id": a.client2,
                "service_id": a.service,
                "start": "2030-06-05T10:00",
            },
        )
        .status_code
        == 201
    )
    assert (
        webs["frontdesk"].post("/clients/new", data={"first_name": "Ada", "last_name": "Quill"}).status_code
        == 302
    )


def nested(depth: int, kind: str) -> str:
    """A JSON document nested `depth` levels deep: arrays, objects or both in turn."""
    opens = {"array": "[", "object": '{"a":', "mixed": '[{"a":'}[kind]
    closes = {"array": "]", "object": "}", "mixed": "}]"}[kind]
    unit = 2 if kind == "mixed" else 1
    return opens * (depth // unit) + "1" + closes * (depth // unit)


@FUZZ
@given(
    depth=st.integers(min_value=1, max_value=3000),
    kind=st.sampled_from(["array", "object", "mixed"]),
    url=st.sampled_from(["/api/appointments", "/api/screening"]),
)
@example(depth=1000, kind="array", url="/api/appointments")  # the 2 KB body that answered 500
@example(depth=1000, kind="array", url="/api/screening")
@example(depth=17, kind="object", url="/api/screening")
def test_fuzz_json_nesting_is_bounded_on_every_json_api(fuzz_app, depth, kind, url):
    app, world, webs = fuzz_app
    before = content_checksum(app)
    role = "frontdesk" if url == "/api/appointments" else "therapist"
    response = webs[role].post(url, data=nested(depth, kind), content_type="application/json")
    check_refused_or_valid(app, before, response, (), f"{url} nested {depth} {kind}")
    assert response.status_code in (400, 413) and response.mimetype == "application/json"
    if depth > app.config["JSON_MAX_DEPTH"] and len(nested(depth, kind)) <= app.config["JSON_MAX_BYTES"]:
        assert "levels deep" in response.get_json()["error"]
