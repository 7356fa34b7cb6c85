"""Intake and versioned health history: saving, versions and their diff, updates, validation, roles."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.intake import services
from clinic.models import AuditEvent, Client, HealthRecord
from clinic.rules.screening import screen
from tests.conftest import table_counts
from tests.factories import create_client

TODAY = date(2026, 3, 16)
CANARY = "Canary-Zebra-Medication"


BORN = date(1985, 6, 1)


def intake_form(**changes):
    """A complete, valid staff intake post; `changes` replace or add fields (None removes one)."""
    data = {
        "main_complaint": "Stiff neck after long days at the desk",
        "onset_date": "2025-11-01",
        "goals": "Turn my head when cycling",
        "medications": "Apixaban 5 mg twice daily",
        "allergies": "Sticking plasters",
        "consent_name": "Maya Okafor",
        "consent_date": "2026-03-16",
        "condition": ["recent_surgery", "anticoagulant", "lymphedema", "latex_allergy"],
        "cond_recent_surgery_region": ["knee_r"],
        "cond_recent_surgery_date": "2026-02-23",
        "cond_lymphedema_region": ["axilla_l", "upper_arm_l", "forearm_l"],
        "cond_lymphedema_note": "Nodes removed 2019",
        "pain": ["neck_posterior", "shoulder_r"],
        "based_on": "0",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def records(app, client_id):
    with app.app_context():
        rows = db.session.scalars(
            select(HealthRecord).where(HealthRecord.client_id == client_id).order_by(HealthRecord.number)
        ).all()
        db.session.expunge_all()
        return rows


def actions(app, client_id):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.client_id == client_id).order_by(AuditEvent.id)
        ).all()


@pytest.fixture
def frozen(clock):
    """The form data below holds fixed dates: these tests happen on 16 March 2026."""
    clock.set("2026-03-16T10:00:00+00:00")


@pytest.fixture
def client_id(app, clinic_id, frozen):
    return create_client(app, clinic_id, "Maya", "Okafor", date_of_birth=BORN)


def test_intake_saves_version_1_and_an_edit_keeps_it_as_version_2(app, web, login_as, therapist, client_id):
    login_as(therapist)
    response = web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [first] = records(app, client_id)
    assert (first.number, first.source, first.created_by_id) == (1, "intake", therapist)
    assert first.anticoagulant is True
    assert {"code": "recent_surgery", "region": "knee_r", "date": "2026-02-23"} in first.conditions
    assert [c.get("region") for c in first.conditions if c["code"] == "lymphedema"] == [
        "axilla_l",
        "upper_arm_l",
        "forearm_l",
    ]
    assert first.pain_areas == ["neck_posterior", "shoulder_r"]
    assert first.has_consent

    second = intake_form(
        condition=["recent_surgery", "lymphedema", "pregnancy"],
        cond_pregnancy_weeks="20",
        medications="None now",
        based_on="1",
    )
    assert web.post(f"/clients/{client_id}/health/edit", data=second).status_code == 302
    one, two = records(app, client_id)
    assert one.medications == "Apixaban 5 mg twice daily" and one.anticoagulant  # kept as it was
    assert (two.number, two.source, two.anticoagulant) == (2, "edit", False)
    assert {"code": "pregnancy", "weeks": 20} in two.conditions
    assert actions(app, client_id)[-2:] == ["intake.create", "intake.update"]


def test_an_edit_that_changes_nothing_adds_no_version(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    response = web.post(
        f"/clients/{client_id}/health/edit", data=intake_form(based_on="1"), follow_redirects=True
    )
    assert "Nothing changed" in response.get_data(as_text=True)
    assert len(records(app, client_id)) == 1


def test_a_stale_form_is_refused_and_keeps_what_was_typed(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    web.post(f"/clients/{client_id}/health/edit", data=intake_form(goals="Sleep through", based_on="1"))
    response = web.post(
        f"/clients/{client_id}/health/edit", data=intake_form(goals="Run again", based_on="1")
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "saved a newer version" in body and "Run again" in body and 'value="2"' in body
    assert [r.goals for r in records(app, client_id)] == ["Turn my head when cycling", "Sleep through"]


def test_versions_page_lists_who_when_and_a_readable_diff(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    web.post(
        f"/clients/{client_id}/health/edit",
        data=intake_form(
            condition=["recent_surgery", "anticoagulant", "fever"],
            cond_recent_surgery_region=["knee_l"],
            cond_recent_surgery_cleared="1",
            goals="Sleep through",
            pain=["neck_posterior"],
            based_on="1",
        ),
    )
    page = web.get(f"/clients/{client_id}/health/versions").get_data(as_text=True)
    assert "Version 2" in page and "Version 1" in page and "Theo Therapist" in page
    assert "First version" in page
    for text in (
        "Fever",
        "Lymphoedema",
        "Latex allergy",
        "Knee, right → Knee, left",
        "clearance on file: no → yes",
        "Sleep through",
        "removed Shoulder, right",
    ):
        assert text in page, text
    old = web.get(f"/clients/{client_id}/health/versions/1").get_data(as_text=True)
    assert "not the version in force" in old and "Lymphoedema" in old and "<form" not in old.split("<main")[1]
    assert web.get(f"/clients/{client_id}/health/versions/9").status_code == 404
    assert actions(app, client_id).count("intake.version_view") == 2


def test_diff_in_words():
    from clinic.intake.describe import diff
    from clinic.intake.health import normalise

    old = normalise(
        {
            "conditions": [{"code": "pregnancy", "weeks": 20}, {"code": "fever"}],
            "medications": "Iron",
            "consent_name": "A B",
            "consent_date": TODAY,
        },
        TODAY,
    )
    new = normalise(
        {
            "conditions": [{"code": "pregnancy", "weeks": 24}, {"code": "diabetes"}],
            "medications": "Iron, folic acid",
            "consent_name": "A B",
            "consent_date": TODAY,
        },
        TODAY,
    )
    changes = [(c.kind, c.label, c.detail) for c in diff(old, new)]
    assert ("changed", "Pregnant", "weeks: 20 → 24") in changes
    assert ("added", "Diabetes", "") in changes
    assert ("removed", "Fever, flu or another infection that could spread", "") in changes
    assert ("changed", "Medications", "“Iron” → “Iron, folic acid”") in changes
    assert diff(new, new) == []


def test_update_no_changes_records_a_version_saying_so(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    page = web.get(f"/clients/{client_id}/health/update").get_data(as_text=True)
    assert "No changes" in page and "Lymphoedema" in page
    response = web.post(f"/clients/{client_id}/health/update", data={"no_change": "1", "based_on": "1"})
    assert response.status_code == 302
    one, two = records(app, client_id)
    assert (two.number, two.source, two.change_note) == (2, "update", services.NO_CHANGE_NOTE)
    assert two.conditions == one.conditions and two.consent_name == one.consent_name
    assert actions(app, client_id)[-1] == "intake.update"


def test_update_with_changes_keeps_consent_and_notes_them(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    form = intake_form(
        condition=["lymphedema", "fever"],
        change_note="Had a temperature since last night",
        based_on="1",
        consent_name=None,
        consent_date=None,
    )
    assert web.post(f"/clients/{client_id}/health/update", data=form).status_code == 302
    _, two = records(app, client_id)
    assert [c["code"] for c in two.conditions] == ["fever", "lymphedema", "lymphedema", "lymphedema"]
    assert two.anticoagulant is False and two.consent_name == "Maya Okafor"
    assert two.change_note == "Had a temperature since last night"


def test_update_without_history_goes_to_the_intake(web, login_as, therapist, client_id):
    login_as(therapist)
    response = web.get(f"/clients/{client_id}/health/update")
    assert response.status_code == 302 and response.headers["Location"].endswith("/health/edit")


def test_record_update_service(app, clinic_id, therapist, client_id):
    with app.app_context():
        from clinic.models import User

        user = db.session.get(User, therapist)
        client = db.session.get(Client, client_id)
        with pytest.raises(services.NoHealthHistory):
            services.record_update(client, user, None, "")
        first = services.record_update(client, user, {"conditions": [{"code": "diabetes"}]}, "New client")
        second = services.record_update(client, user, None, "")
        third = services.record_update(client, user, {"medications": "Metformin"}, "Started metformin")
        db.session.commit()
        assert [r.number for r in (first, second, third)] == [1, 2, 3]
        assert second.change_note == services.NO_CHANGE_NOTE
        assert third.conditions == [{"code": "diabetes"}] and third.medications == "Metformin"
        assert services.current_record(client.id).id == third.id
        with pytest.raises(services.EditConflict):
            services.record_update(client, user, None, "", based_on=2)
        from clinic.intake.health import InvalidHealthData

        for bad in (
            {"conditions": [{"code": "unicorn"}]},
            {"pain_areas": ["tail"]},
            {"colour": "blue"},
            {"conditions": [{"code": "acute_injury", "region": "knee_l", "date": "2026-03-17"}]},
        ):
            with pytest.raises(InvalidHealthData):
                services.record_update(client, user, bad, "")


CONDITION_ERRORS = [
    (
        {"condition": ["recent_surgery"], "cond_recent_surgery_region": None},
        "recent_surgery",
        "Choose where.",
    ),
    ({"condition": ["recent_surgery"], "cond_recent_surgery_date": ""}, "recent_surgery", "Give the date."),
    (
        {"condition": ["recent_surgery"], "cond_recent_surgery_date": "2026-03-17"},
        "recent_surgery",
        "The date cannot be in the future.",
    ),
    (
        {"condition": ["recent_surgery"], "cond_recent_surgery_date": "16/03/2026"},
        "recent_surgery",
        "Use a date like",
    ),
    ({"condition": ["skin_lesion"]}, "skin_lesion", "Choose where."),
    ({"condition": ["acute_injury"]}, "acute_injury", "Choose where and give the date."),
    (
        {"condition": ["pregnancy"], "cond_pregnancy_weeks": "0"},
        "pregnancy",
        "Weeks: a whole number from 1 to 45.",
    ),
    ({"condition": ["pregnancy"], "cond_pregnancy_weeks": "twenty"}, "pregnancy", "Weeks: a whole number"),
    ({"condition": ["fever"], "cond_fever_note": "x" * 201}, "fever", "under 200 characters"),
]


@pytest.mark.parametrize("changes, code, message", CONDITION_ERRORS)
def test_a_condition_missing_its_details_is_refused_next_to_it(
    app, web, login_as, therapist, client_id, changes, code, message
):
    login_as(therapist)
    before = table_counts(app)
    response = web.post(f"/clients/{client_id}/health/edit", data=intake_form(**changes))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    row = body.split(f'id="cond_{code}-row"')[1].split("data-condition")[0]
    assert message in row
    assert "Stiff neck after long days" in body  # what was typed is kept
    assert table_counts(app) == before


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("onset_date", "2026-03-17", "cannot be in the future"),
        ("consent_date", "2027-01-01", "cannot be in the future"),
        ("consent_date", "1850-01-01", "Check the year"),
        ("medications", "x" * 2001, "2000"),
        ("guardian_consent", "y", "Type the parent or guardian"),
    ],
)
def test_bad_plain_answers_are_refused_next_to_the_field(
    app, web, login_as, therapist, client_id, field, value, message
):
    login_as(therapist)
    before = table_counts(app)
    response = web.post(f"/clients/{client_id}/health/edit", data=intake_form(**{field: value}))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_a_typed_name_without_a_date_consents_today(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form(consent_date=""))
    assert records(app, client_id)[0].consent_date == TODAY


@pytest.mark.parametrize(
    "changes",
    [
        {"condition": ["recent_surgery", "unicorn_disease"]},
        {"cond_unicorn_note": "hi"},
        {"cond_fever_colour": "blue"},
        {"cond_recent_surgery_region": ["knee_r", "tail"]},
        {"cond_fever_region": ["moon"]},
        {"pain": ["neck_posterior", "elsewhere"]},
        {"pain": ["leg_l"]},  # a group is for conditions, not pain areas
    ],
)
def test_codes_and_regions_not_on_the_form_are_refused(app, web, login_as, therapist, client_id, changes):
    login_as(therapist)
    before = table_counts(app)
    response = web.post(f"/clients/{client_id}/health/edit", data=intake_form(**changes))
    assert response.status_code == 400
    assert "not on it" in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_attributes_a_condition_does_not_take_are_not_stored(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.post(
        f"/clients/{client_id}/health/edit",
        data=intake_form(
            condition=["fever", "pacemaker"], cond_fever_region=["knee_l"], cond_fever_date="2026-03-01"
        ),
    )
    [record] = records(app, client_id)
    assert record.conditions == [
        {"code": "fever"},
        {"code": "pacemaker", "region": "chest_l"},
    ]  # default region


HEALTH_PAGES = [
    ("GET", "/clients/{id}/health"),
    ("GET", "/clients/{id}/health/edit"),
    ("POST", "/clients/{id}/health/edit"),
    ("GET", "/clients/{id}/health/update"),
    ("POST", "/clients/{id}/health/update"),
    ("GET", "/clients/{id}/health/versions"),
    ("GET", "/clients/{id}/health/versions/1"),
]


def test_front_desk_gets_403_on_every_health_page_and_sees_no_health_panel(
    app, web, login_as, therapist, frontdesk, client_id
):
    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form(medications=CANARY))
    web.post("/logout")
    login_as(frontdesk)
    before = table_counts(app)
    for method, url in HEALTH_PAGES:
        response = web.open(url.format(id=client_id), method=method, data=intake_form(based_on="1"))
        assert response.status_code == 403, (method, url)
    assert table_counts(app) == before
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert CANARY not in page and "Health history" not in page and "Lymphoedema" not in page
    assert "Intake form" in page  # the link panel is for everyone


def test_another_clinics_client_is_404(app, web, factory, login_as, therapist, frozen):
    other = factory.clinic("Elsewhere")
    stranger = create_client(app, other, "Sid", "Stranger", date_of_birth=BORN)
    login_as(therapist)
    before = table_counts(app)
    for method, url in HEALTH_PAGES:
        assert web.open(url.format(id=stranger), method=method, data=intake_form()).status_code == 404, url
    assert table_counts(app) == before


def test_every_view_and_change_is_audited(app, web, login_as, therapist, client_id):
    login_as(therapist)
    web.get(f"/clients/{client_id}/health/edit")  # nothing to show yet: no row
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    web.get(f"/clients/{client_id}/health")
    web.get(f"/clients/{client_id}/health/edit")
    web.post(f"/clients/{client_id}/health/edit", data=intake_form(goals="Swim", based_on="1"))
    web.get(f"/clients/{client_id}/health/update")
    web.post(f"/clients/{client_id}/health/update", data={"no_change": "1", "based_on": "2"})
    web.get(f"/clients/{client_id}/health/versions")
    web.get(f"/clients/{client_id}/health/versions/1")
    web.get(f"/clients/{client_id}")
    assert actions(app, client_id) == [
        "intake.create",
        "intake.view",
        "intake.view",
        "intake.update",
        "intake.view",
        "intake.update",
        "intake.version_view",
        "intake.version_view",
        "client.view",
        "intake.view",
    ]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "intake.create")).one()
        assert event.user_id == therapist and event.object_type == "health_record"


def test_client_page_panel_reads_in_seconds(app, web, login_as, therapist, client_id):
    login_as(therapist)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "No health history yet" in page and "Start the intake" in page
    web.post(f"/clients/{client_id}/health/edit", data=intake_form(consent_name="", consent_date=""))
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    for text in (
        "Version 1",
        "Surgery",
        "Knee, right",
        "3 weeks ago",
        "Blood thinner (anticoagulant or antiplatelet)",
        "Apixaban 5 mg",
        "Latex allergy",
        "Sticking plasters",
        "Neck, back",
        "Stiff neck",
        "1 November 2025",
        "No consent recorded",
        "Anything changed?",
    ):
        assert text in page, text


def test_a_minor_without_guardian_consent_is_flagged(app, web, login_as, therapist, clinic_id, frozen):
    minor = create_client(app, clinic_id, "Kit", "Young", date_of_birth=date(2009, 9, 1))
    login_as(therapist)
    web.post(f"/clients/{minor}/health/edit", data=intake_form(consent_name="Kit Young"))
    page = web.get(f"/clients/{minor}").get_data(as_text=True)
    assert "Under 18 (age 16): a parent or guardian" in page
    web.post(
        f"/clients/{minor}/health/edit",
        data=intake_form(
            consent_name="Kit Young", guardian_name="Jo Young", guardian_consent="y", based_on="1"
        ),
    )
    page = web.get(f"/clients/{minor}").get_data(as_text=True)
    assert "a parent or guardian" not in page and "guardian Jo Young" in page


def test_screening_payload_base(app, clinic_id, therapist, frozen):
    minor = create_client(app, clinic_id, "Kit", "Young", date_of_birth=date(2009, 9, 1))
    unknown = create_client(app, clinic_id, "Uma", "Known", date_of_birth=None)
    with app.app_context():
        from clinic.models import User

        user = db.session.get(User, therapist)
        kit, uma = db.session.get(Client, minor), db.session.get(Client, unknown)
        assert services.screening_payload_base(kit, None, TODAY) == {
            "on": "2026-03-16",
            "age": 16,
            "consent": False,
            "guardian_consent": False,
            "conditions": [],
        }
        record = services.record_from_form(
            kit,
            user,
            {
                "conditions": [
                    {"code": "pregnancy", "weeks": 20, "note": "first"},
                    {"code": "anticoagulant", "cleared": True},
                    {"code": "acute_injury", "region": "calf_l", "date": "2026-03-15"},
                ],
                "consent_name": "Kit Young",
                "consent_date": TODAY,
                "guardian_name": "Jo Young",
                "guardian_consent": True,
            },
            "intake",
        )
        db.session.flush()
        later = TODAY + timedelta(days=22)
        base = services.screening_payload_base(kit, record, later)
        assert base["conditions"] == [
            {"code": "anticoagulant", "region": None, "date": None, "weeks": None, "cleared": True},
            {"code": "pregnancy", "region": None, "date": None, "weeks": 23, "cleared": False},
            {
                "code": "acute_injury",
                "region": "calf_l",
                "date": "2026-03-15",
                "weeks": None,
                "cleared": False,
            },
        ]
        assert (base["consent"], base["guardian_consent"], base["age"]) == (True, True, 16)
        assert screen({**base, "plan": [{"technique": "massage", "region": "calf_l"}]})["verdict"] == "modify"
        # a version read for an earlier day leaves out what had not happened yet
        assert [c["code"] for c in services.screening_conditions(record, date(2026, 3, 14))] == [
            "anticoagulant",
            "pregnancy",
        ]
        assert services.screening_payload_base(uma, None, TODAY)["age"] == 18
        assert services.screening_caveats(uma, None, TODAY) == [
            "No health history recorded: screened with no conditions and no consent.",
            "No date of birth recorded: screened as an adult.",
        ]
        db.session.rollback()


def test_the_anticoagulant_flag_and_condition_are_one(app, clinic_id, therapist, client_id):
    with app.app_context():
        from clinic.models import User

        client, user = db.session.get(Client, client_id), db.session.get(User, therapist)
        # a row written by other code with only the flag still screens as the condition
        db.session.add(
            HealthRecord(
                clinic_id=clinic_id,
                client_id=client.id,
                number=1,
                source="edit",
                anticoagulant=True,
                conditions=[],
            )
        )
        db.session.flush()
        record = services.current_record(client.id)
        assert [c["code"] for c in services.screening_conditions(record, TODAY)] == ["anticoagulant"]
        update = services.record_update(client, user, {"conditions": []}, "Stopped")
        assert update.anticoagulant is False and update.conditions == []
        db.session.rollback()


def test_the_database_keeps_every_version(app, web, login_as, therapist, client_id):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    with app.app_context():
        with pytest.raises(DatabaseError):
            db.session.execute(text("UPDATE health_record SET medications = 'x'"))
        db.session.rollback()


def test_pages_do_not_grow_queries_with_versions(app, web, login_as, therapist, client_id):
    from tests.conftest import count_queries

    login_as(therapist)
    web.post(f"/clients/{client_id}/health/edit", data=intake_form())
    counts = {}
    for rounds in (1, 4):
        for _ in range(rounds):
            number = len(records(app, client_id))
            web.post(f"/clients/{client_id}/health/update", data={"no_change": "1", "based_on": str(number)})
            web.post(f"/clients/{client_id}/intake-link")
        for url in ("", "/health", "/health/versions"):
            with count_queries(app) as queries:
                assert web.get(f"/clients/{client_id}{url}").status_code == 200
            counts.setdefault(url, []).append(queries())
    assert all(first == second for first, second in counts.values()), counts
