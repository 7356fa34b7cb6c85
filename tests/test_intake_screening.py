"""Every health history the forms can save feeds screen() without error; the demo covers each verdict."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from clinic.extensions import db
from clinic.intake import services
from clinic.intake.demo import add_histories
from clinic.intake.forms import Questionnaire
from clinic.intake.health import has_anticoagulant, normalise
from clinic.intake.questionnaire import CONDITION_REGIONS, GROUPS, ITEMS, PAIN_REGIONS
from clinic.models import Client, HealthRecord, User
from clinic.rules.screening import screen
from clinic.rules.vocabulary import CONDITIONS, REGIONS, TECHNIQUES

TODAY = date(2026, 3, 16)
FULL_PLAN = [
    {"technique": t, "region": r}
    for t in TECHNIQUES
    if t != "leg_massager"
    for r in ("knee_r", "abdomen", "upper_arm_l", "ankle_foot_l", "neck_anterior")
]
FULL_PLAN += [{"technique": "leg_massager", "region": g} for g in ("leg_l", "leg_r", "legs")]


def test_the_questionnaire_covers_the_vocabulary_exactly_once():
    codes = [item.code for item in ITEMS.values()]
    assert sorted(codes) == sorted(CONDITIONS)
    in_groups = [item.code for group in GROUPS for item in group.items]
    assert (
        len(in_groups) == len(set(in_groups)) == len(CONDITIONS) - 3
    )  # blood thinner and two allergies sit apart
    assert sorted(PAIN_REGIONS) == sorted(REGIONS)
    assert set(CONDITION_REGIONS) - set(REGIONS) == {"leg_l", "leg_r"}


def _record(data, created: date) -> HealthRecord:
    return HealthRecord(
        number=1,
        source="intake",
        anticoagulant=has_anticoagulant(data),
        created_at=datetime(created.year, created.month, created.day, 12, tzinfo=UTC),
        **data,
    )


entry = st.fixed_dictionaries(
    {
        "regions": st.lists(st.sampled_from(CONDITION_REGIONS), max_size=4),
        "date": st.one_of(
            st.just(""),
            st.dates(date(1990, 1, 1), date(2027, 1, 1)).map(date.isoformat),
            st.text(max_size=12),
        ),
        "weeks": st.one_of(st.just(""), st.integers(-2, 60).map(str), st.text(max_size=4)),
        "cleared": st.booleans(),
        "note": st.text(max_size=220),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chosen=st.dictionaries(st.sampled_from(sorted(CONDITIONS)), entry, max_size=8),
    pain=st.lists(st.sampled_from(PAIN_REGIONS), max_size=5),
    born=st.one_of(st.none(), st.dates(date(1920, 1, 1), TODAY)),
    consent=st.booleans(),
    later=st.integers(-400, 400),
    public=st.booleans(),
)
def test_whatever_the_form_accepts_screens(chosen, pain, born, consent, later, public):
    form = MultiDict([("condition", code) for code in chosen] + [("pain", r) for r in pain])
    for code, attrs in chosen.items():
        base = f"cond_{code}_"
        form.setlist(base + "region", attrs["regions"])
        form[base + "date"], form[base + "weeks"], form[base + "note"] = (
            attrs["date"],
            attrs["weeks"],
            attrs["note"],
        )
        if attrs["cleared"] and not public:
            form[base + "cleared"] = "1"
    checklist = Questionnaire(TODAY, public=public)
    if not checklist.load(form):
        assert checklist.refused or checklist.errors
        return
    answers = {
        **checklist.data(),
        "consent_name": "A Person" if consent else "",
        "consent_date": TODAY if consent else None,
    }
    data = normalise(answers, TODAY)
    on = TODAY + timedelta(days=later)
    record = _record(data, TODAY)
    client = Client(first_name="A", last_name="Person", date_of_birth=born)
    base = services.screening_payload_base(client, record, on)
    assert set(base) == {"on", "age", "consent", "guardian_consent", "conditions"}
    result = screen({**base, "plan": FULL_PLAN})
    assert result["verdict"] in ("contraindicated", "refer", "modify", "ok")
    if not consent or (born is not None and client.age_on(on) < 18):
        assert result["verdict"] == "contraindicated"


def verdict(client, record, plan, on=TODAY):
    return screen({**services.screening_payload_base(client, record, on), "plan": plan})["verdict"]


def test_demo_histories_cover_every_verdict(app, clinic_id, therapist):
    from clinic.clients import services as clients

    with app.app_context():
        clinic = db.session.get(User, therapist).clinic
        names = [
            "Knee",
            "Thinner",
            "Bump",
            "Fever",
            "Heart",
            "Healthy",
            "Lymph",
            "Feet",
            "Ankle",
            "Fibro",
            "Unsigned",
            "Well",
            "Waiting",
        ]
        people = [
            clients.create_client(
                clinic_id, {"first_name": n, "last_name": "Demo", "date_of_birth": date(1970, 5, 5)}
            )
            for n in names
        ]
        people.insert(
            3,
            clients.create_client(
                clinic_id, {"first_name": "Teen", "last_name": "Guarded", "date_of_birth": date(2009, 9, 1)}
            ),
        )
        people.append(
            clients.create_client(
                clinic_id, {"first_name": "Teen", "last_name": "Alone", "date_of_birth": date(2009, 10, 1)}
            )
        )
        count = add_histories(clinic, people, db.session.get(User, therapist), TODAY)
        db.session.commit()
        assert count == 18
        by = {f"{c.first_name} {c.last_name}": (c, services.current_record(c.id)) for c in people}

        def check(name, technique, region, expected):
            client, record = by[name]
            assert verdict(client, record, [{"technique": technique, "region": region}]) == expected, name

        check("Knee Demo", "massage", "knee_r", "contraindicated")
        check("Knee Demo", "massage", "knee_l", "ok")
        check("Thinner Demo", "massage_gun", "upper_back", "refer")
        check("Thinner Demo", "massage", "upper_back", "modify")
        check("Bump Demo", "massage", "abdomen", "contraindicated")
        check("Bump Demo", "massage", "upper_back", "modify")
        check("Fever Demo", "stretching", "neck_posterior", "contraindicated")
        check("Heart Demo", "massage", "calf_l", "refer")
        check("Healthy Demo", "massage", "upper_back", "ok")
        check("Lymph Demo", "massage", "forearm_l", "contraindicated")
        check("Lymph Demo", "massage", "shoulder_r", "ok")
        check("Feet Demo", "heat", "ankle_foot_l", "contraindicated")
        check("Feet Demo", "massage", "calf_l", "modify")
        check("Ankle Demo", "massage", "ankle_foot_l", "contraindicated")
        check("Unsigned Demo", "massage", "jaw_l", "contraindicated")
        check("Teen Guarded", "massage", "thigh_back_l", "ok")
        check("Teen Alone", "massage", "shoulder_r", "contraindicated")
        assert by["Bump Demo"][1].conditions[0] == {"code": "pregnancy", "weeks": 19}
        assert services.screening_conditions(by["Bump Demo"][1], TODAY)[0]["weeks"] == 20
        assert by["Waiting Demo"][1] is None
        assert [r.number for r in services.versions(by["Fever Demo"][0].id)] == [3, 2, 1]
        for client, record in by.values():
            if record is not None:
                for on in (TODAY, TODAY + timedelta(days=60)):
                    screen({**services.screening_payload_base(client, record, on), "plan": FULL_PLAN})


@pytest.mark.parametrize("code", sorted(CONDITIONS))
def test_each_condition_saved_by_the_form_screens(code):
    item = ITEMS[code]
    form = MultiDict([("condition", code)])
    if "region" in item.takes:
        form.setlist(f"cond_{code}_region", ["knee_l", "leg_r"])
    if "date" in item.takes:
        form[f"cond_{code}_date"] = "2026-03-10"
    if "weeks" in item.takes:
        form[f"cond_{code}_weeks"] = "12"
    form[f"cond_{code}_cleared"] = "1"
    checklist = Questionnaire(TODAY)
    assert checklist.load(form), checklist.errors
    data = normalise({**checklist.data(), "consent_name": "A B", "consent_date": TODAY}, TODAY)
    client = Client(first_name="A", last_name="B", date_of_birth=date(1990, 1, 1))
    base = services.screening_payload_base(client, _record(data, TODAY), TODAY)
    assert all(c["cleared"] is True for c in base["conditions"])
    screen({**base, "plan": FULL_PLAN})
