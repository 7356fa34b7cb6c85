"""The aftercare content builder on its own: the reference section 5, personalisation, privacy, wording."""

import ast
import dataclasses
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from clinic.aftercare.sheet import (
    AftercareSheet,
    FrequencyAdvice,
    NextAppointment,
    TreatedPoint,
    build_sheet,
)
from clinic.aftercare.wording import DEFAULT_WORDING, Wording, make_wording
from clinic.rules.vocabulary import CONDITIONS, REGION_GROUPS, condition_label

AFTERCARE = Path(__file__).resolve().parents[2] / "clinic" / "aftercare"


def all_text(sheet: AftercareSheet) -> str:
    """Every string the sheet carries, so nothing can hide in a field a test did not think of."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(sheet)
    return "\n".join(found)


def section(sheet: AftercareSheet, key: str):
    matches = [s for s in sheet.sections if s.key == key]
    assert len(matches) == 1, f"expected one {key!r} section, got {len(matches)}"
    return matches[0]


def section_text(sheet: AftercareSheet, key: str) -> str:
    found = section(sheet, key)
    return "\n".join([*found.paragraphs, *(f"{b.lead}: {b.text}" for b in found.bullets)])


# --- red flags (the reference 5: on every sheet) -------------------------------------------------


def test_every_red_flag_is_on_a_sheet_with_no_personal_detail(make_input):
    sheet = build_sheet(
        make_input(
            regions=[],
            muscles=[],
            techniques=[],
            points=[],
            precautions=[],
            next_appointments=[],
            frequency=None,
        )
    )
    urgent, call = [t.lower() for t in sheet.urgent], [t.lower() for t in sheet.call_clinic]

    def one(items: list[str], *words: str) -> str:
        hits = [t for t in items if all(w in t for w in words)]
        assert len(hits) == 1, f"no single red flag with {words}: {items}"
        return hits[0]

    # Possible clot: urgent care.
    clot = one(urgent, "calf", "swelling", "warmth", "redness")
    assert "urgent" in clot
    # Chest pain or sudden breathlessness: emergency services.
    assert "emergency services" in one(urgent, "chest pain", "sudden breathlessness")
    # Fever or signs of infection at a needling site: a doctor, not a wait for the next visit.
    assert "doctor" in one(urgent, "fever", "infection", "needling site")
    # The rest: call the clinic.
    one(call, "numbness, tingling or weakness", "does not go away")
    one(call, "severe", "worse", "after 72 hours")
    one(call, "large or spreading bruising")
    # Each flag is in one list only: a possible clot or chest pain is never "call the clinic".
    assert not set(urgent) & set(call)
    assert not [t for t in call if "calf" in t or "chest" in t or "emergency" in t]


def test_red_flags_are_the_same_on_every_sheet_and_survive_a_clinic_wording(make_input):
    plain = build_sheet(make_input())
    everything_edited = make_wording({key: "Our own words." for key in DEFAULT_WORDING.texts}, "clinic-9")
    edited = build_sheet(make_input(precautions=[], techniques=[], wording=everything_edited))
    assert edited.urgent == plain.urgent and edited.call_clinic == plain.call_clinic
    assert section(edited, "when_to_call").heading == "When to call"


@pytest.mark.parametrize("key", ["red_flags", "urgent", "call_clinic", "precaution_anticoagulant", "clot"])
def test_a_clinic_cannot_edit_away_safety_text(key):
    with pytest.raises(ValueError, match=key):
        make_wording({key: "Nothing to worry about."}, "clinic-2")


# --- always-present content --------------------------------------------------------------------


def test_sections_come_in_the_order_of_the_issue(make_input):
    sheet = build_sheet(make_input())
    assert [s.heading for s in sheet.sections] == [
        "What we did today",
        "What to expect",
        "Hydration",
        "Cold compress",
        "Rest",
        "Self-care at home",
        "Precautions for you",
        "When to call",
        "Your next appointments",
        "How to reach us",
    ]


def test_standard_advice_follows_clinical_section_5(make_input):
    sheet = build_sheet(make_input())
    expect = section_text(sheet, "what_to_expect")
    assert "normal" in expect and "24 to 72 hours" in expect
    hydration = section_text(sheet, "hydration").lower()
    assert "drink normally" in hydration and "electrolytes" in hydration
    cold = section_text(sheet, "cold_compress").lower()
    assert "cloth" in cold and "15 to 20 minutes" in cold and "48 hours" in cold and "several times" in cold
    rest = section_text(sheet, "rest").lower()
    assert "strenuous" in rest and "24 to 48 hours" in rest


def test_the_sheet_never_claims_anything_flushes_toxins(make_input):
    assert "toxin" not in all_text(build_sheet(make_input())).lower()


@pytest.mark.parametrize("text", ["Water flushes out toxins.", "Drink to clear the TOXINS released."])
def test_a_clinic_wording_cannot_bring_the_toxin_claim_back(text):
    with pytest.raises(ValueError, match="hydration"):
        make_wording({"hydration": text}, "clinic-2")


def test_the_sheet_never_advises_stopping_or_changing_medication(make_input):
    text = all_text(build_sheet(make_input(precautions=list(CONDITIONS)))).lower()
    pattern = r"\b(stop|change|skip|reduce|pause|hold)\w*\b[^.]{0,30}\b(medic|tablet|pill|warfarin|insulin)"
    assert not re.search(pattern, text)


def test_header_fields(make_input):
    sheet = build_sheet(make_input(client_first_name="  Zoë ", therapist_name="Sam Lee"))
    assert sheet.client_first_name == "Zoë"
    assert sheet.visit_date == date(2026, 11, 24)
    assert sheet.visit_date_text == "Tuesday 24 November 2026"  # 24 Nov 2026 is a Tuesday
    assert sheet.wording_version == "standard-1"


# --- personalisation -----------------------------------------------------------------------------


def test_what_we_did_names_regions_muscles_and_techniques(make_input):
    text = section_text(build_sheet(make_input()), "treated")
    for label in (
        "Shoulder, left",
        "upper back",
        "calf, right",
        "Upper trapezius",
        "levator scapulae",
        "Foam roller".lower(),
        "Sam Lee",
    ):
        assert label in text


def test_self_care_only_for_the_tools_used_and_for_the_muscles_treated(make_input):
    sheet = build_sheet(make_input(techniques=["hand_pressure", "foam_roller"], muscles=["Gluteus medius"]))
    bullets = section(sheet, "self_care").bullets
    assert [b.lead for b in bullets] == ["Foam roller"]
    assert "gluteus medius" in bullets[0].text
    assert "wall" not in section_text(sheet, "self_care").lower()


@pytest.mark.parametrize(
    ("technique", "lead", "words"),
    [
        ("massage_ball", "Massage ball against a wall", ["wall", "30 to 90 seconds"]),
        ("foam_roller", "Foam roller", ["roll slowly", "2 minutes"]),
        ("stretching", "Gentle stretches", ["20 to 30 seconds", "never stretch into pain"]),
        ("massage_gun", "Massage gun at home", ["lowest speed", "60 seconds", "front of the neck"]),
    ],
)
def test_each_tool_gets_its_own_self_care(make_input, technique, lead, words):
    bullets = section(build_sheet(make_input(techniques=[technique])), "self_care").bullets
    assert [b.lead for b in bullets] == [lead]
    for word in words:
        assert word in bullets[0].text.lower()


def test_without_a_home_tool_the_self_care_section_says_something_general(make_input):
    found = section(build_sheet(make_input(techniques=["hand_pressure", "acupuncture"])), "self_care")
    assert not found.bullets and found.paragraphs


NOTHING_ELSE = "There is nothing else you need to do at home."
ADVICE = "Doorway stretch, 30 s x 3, twice a day.\nHeat pack 15 min in the evening."


@pytest.mark.parametrize(
    ("techniques", "advice", "precautions", "leads", "nothing_else"),
    [
        # nothing to do at home, and nothing to heed: the only case where the sheet says so
        (["hand_pressure"], "", [], [], True),
        (["hand_pressure"], "", ["anticoagulant"], [], False),  # a precaution to heed
        (["hand_pressure"], ADVICE, [], ["Your therapist's advice"], False),
        (["massage_ball"], "", [], ["Massage ball against a wall"], False),
        (["massage_ball"], ADVICE, [], ["Your therapist's advice", "Massage ball against a wall"], False),
    ],
)
def test_the_therapists_advice_comes_first_and_nothing_else_is_said_only_when_true(
    make_input, techniques, advice, precautions, leads, nothing_else
):
    sheet = build_sheet(make_input(techniques=techniques, home_advice=advice, precautions=precautions))
    found = section(sheet, "self_care")
    assert [b.lead for b in found.bullets] == leads
    assert (NOTHING_ELSE in all_text(sheet)) is nothing_else
    if advice:
        assert found.bullets[0].text == ADVICE  # as written, line for line


def test_overlong_advice_is_refused_by_name(make_input):
    with pytest.raises(ValueError, match="home_advice"):
        build_sheet(make_input(home_advice="x" * 2001))


def test_needling_soreness_only_after_needling(make_input):
    with_needles = section_text(build_sheet(make_input(techniques=["dry_needling"])), "what_to_expect")
    without = section_text(build_sheet(make_input(techniques=["massage"])), "what_to_expect")
    assert "needl" in with_needles.lower() and "needl" not in without.lower()


def test_region_groups_are_shaded_as_their_parts(make_input):
    sheet = build_sheet(make_input(regions=["leg_l"], points=[]))
    assert set(sheet.treated_regions) == set(REGION_GROUPS["leg_l"])


def test_a_point_without_a_region_is_shaded_where_it_sits(make_input):
    # (64, 99) on the back view is the left shoulder in clinic/bodymap/__init__.py (its centre is there).
    sheet = build_sheet(make_input(regions=[], points=[TreatedPoint("back", 64, 99, 1)]))
    assert sheet.treated_regions == ("shoulder_l",)


# --- precautions and privacy ----------------------------------------------------------------------


def test_precautions_in_client_words_for_relevant_conditions(make_input):
    text = section_text(build_sheet(make_input(precautions=["anticoagulant"])), "precautions")
    assert "bruise more easily" in text and "blood-thinning" in text


def test_diabetes_and_neuropathy_give_one_careful_with_cold_precaution(make_input):
    found = section(build_sheet(make_input(precautions=["diabetes", "neuropathy"])), "precautions")
    assert len(found.bullets) == 1 and "cold" in found.bullets[0].text


def test_no_precautions_section_when_none_apply(make_input):
    sheet = build_sheet(make_input(precautions=["epilepsy", "fibromyalgia"]))
    assert "precautions" not in [s.key for s in sheet.sections]


def test_nothing_from_the_health_history_beyond_the_precautions(make_input, health_record):
    sheet = build_sheet(make_input())
    text = all_text(sheet).lower()
    leaked = [
        health_record["last_name"],
        health_record["date_of_birth"],
        health_record["date_of_birth_iso"],
        *health_record["medications"],
        "warfarin",
        "sertraline",
        "metformin",
        "divorce",
        "affair",
        "7/10",
        "referral to temple",
        "epilep",
        "cancer",
        "fibromyalgia",
        "kidney",
        "dialysis",
        "seizure",
        "diabetes",  # the precaution speaks of reduced feeling, not the diagnosis
    ]
    dropped = (
        "epilepsy",
        "cancer_active",
        "fibromyalgia",
        "kidney_disease",
        "hypertension_controlled",
        "diabetes",
    )
    leaked += [condition_label(code) for code in dropped]
    assert [item for item in leaked if item.lower() in text] == []


def test_acute_injury_means_no_heat_and_no_heat_advice_anywhere(make_input):
    sheet = build_sheet(make_input(precautions=["acute_injury"]))
    assert "no heat" in section_text(sheet, "precautions").lower()
    assert "48 to 72 hours" in section_text(sheet, "precautions")
    sentences = re.split(r"(?<=[.:])\s+", all_text(sheet))
    heat = [s for s in sentences if re.search(r"\b(heat|hot|warm(ing)? (pack|compress|bath))\b", s, re.I)]
    assert heat, "the acute-injury precaution should speak of heat"
    for sentence in heat:
        assert re.search(r"\b(no|not|never|avoid|away|off)\b", sentence, re.I), sentence


def test_no_acute_injury_precaution_without_one(make_input):
    sheet = build_sheet(make_input(precautions=["anticoagulant"]))
    assert "injury" not in all_text(sheet).lower()


def test_unknown_condition_code_is_refused(make_input):
    with pytest.raises(ValueError, match="precautions"):
        build_sheet(make_input(precautions=["hiv"]))


# --- appointments and frequency --------------------------------------------------------------------


def test_next_appointments_in_time_order_and_plain_words(make_input):
    sheet = build_sheet(make_input())
    assert [(a.when, a.therapist_name) for a in sheet.appointments] == [
        ("Tuesday 1 December 2026, 10:30", "Ana Ruiz"),
        ("Tuesday 8 December 2026, 14:00", "Sam Lee"),
    ]
    assert "once a week" in section_text(sheet, "appointments")


def test_no_appointment_booked_says_how_to_book(make_input):
    text = section_text(build_sheet(make_input(next_appointments=[])), "appointments")
    assert "No appointment" in text and "0117 496 0000" in text


@pytest.mark.parametrize(
    ("phase", "days", "words"),
    [
        ("acute", 3, "twice a week"),
        ("chronic", 7, "once a week"),
        ("widespread", 4, "twice a week"),
        ("maintenance", 21, "every 3 weeks"),
        ("maintenance", 30, "once a month"),
        ("review", None, "look at your plan"),
    ],
)
def test_frequency_in_plain_words(make_input, phase, days, words):
    text = section_text(build_sheet(make_input(frequency=FrequencyAdvice(phase, days))), "appointments")
    assert words in text


def test_maintenance_says_no_longer_than_a_month(make_input):
    text = section_text(build_sheet(make_input(frequency=FrequencyAdvice("maintenance", 14))), "appointments")
    assert "no more than a month" in text


# --- wording ---------------------------------------------------------------------------------------


def test_clinic_wording_replaces_a_block_and_the_sheet_records_its_version(make_input):
    wording = make_wording({"hydration": "Drink as usual."}, "knot-ease-3")
    sheet = build_sheet(make_input(wording=wording))
    assert sheet.wording_version == "knot-ease-3"
    assert section(sheet, "hydration").paragraphs == ("Drink as usual.",)
    assert section(sheet, "rest").paragraphs == section(build_sheet(make_input()), "rest").paragraphs


def test_muscles_placeholder_is_filled_and_nothing_else_is_formatted(make_input):
    text = "Ball on your {muscles}. Not a format string: {0.__class__} {muscles!r}"
    sheet = build_sheet(
        make_input(
            techniques=["massage_ball"],
            muscles=["Gluteus medius"],
            wording=make_wording({"self_care_massage_ball": text}, "v2"),
        )
    )
    assert section(sheet, "self_care").bullets[0].text == (
        "Ball on your gluteus medius. Not a format string: {0.__class__} {muscles!r}"
    )


def test_blank_lines_in_a_clinic_text_make_paragraphs(make_input):
    wording = make_wording({"rest": "Rest today.\n\nMove gently tomorrow."}, "v2")
    sheet = build_sheet(make_input(wording=wording))
    assert section(sheet, "rest").paragraphs == ("Rest today.", "Move gently tomorrow.")


@pytest.mark.parametrize(
    ("overrides", "version", "field"),
    [
        ({"hydratoin": "x"}, "v2", "hydratoin"),
        ({"hydration": "   "}, "v2", "hydration"),
        ({"hydration": "x" * 2001}, "v2", "hydration"),
        ({"hydration": 42}, "v2", "hydration"),
        ({"hydration": "Drink."}, "", "version"),
    ],
)
def test_bad_wording_is_refused_naming_the_problem(overrides, version, field):
    with pytest.raises(ValueError, match=field):
        make_wording(overrides, version)


def test_an_incomplete_wording_is_refused_by_the_builder(make_input):
    with pytest.raises(ValueError, match="wording"):
        build_sheet(make_input(wording=Wording("partial", {"hydration": "Drink."})))


# --- input checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_first_name": " "}, "client_first_name"),
        ({"therapist_name": None}, "therapist_name"),
        ({"visit_date": datetime(2026, 11, 24, 9)}, "visit_date"),
        ({"regions": ["shoulder"]}, "regions"),
        ({"regions": "shoulder_l"}, "regions"),
        ({"techniques": ["cupping"]}, "techniques"),
        ({"muscles": [""]}, r"muscles\[0\]"),
        ({"muscles": ["Soleus"] * 61}, "muscles"),
        ({"points": [TreatedPoint("side", 10, 10, 1)]}, r"points\[0\]"),
        ({"points": [TreatedPoint("back", 10, 900, 1)]}, r"points\[0\]\.y"),
        ({"points": [TreatedPoint("back", None, None, 1)]}, r"points\[0\]"),
        ({"points": [TreatedPoint("back", 10, 10, 0)]}, r"points\[0\]\.number"),
        ({"next_appointments": [NextAppointment(date(2026, 12, 1), "Sam")]}, "starts_at"),
        ({"frequency": FrequencyAdvice("weekly", 7)}, "frequency.phase"),
        ({"frequency": FrequencyAdvice("acute", None)}, "frequency.interval_days"),
        ({"frequency": FrequencyAdvice("acute", 0)}, "frequency.interval_days"),
    ],
)
def test_bad_input_raises_naming_the_field(make_input, changes, field):
    with pytest.raises(ValueError, match=field):
        build_sheet(make_input(**changes))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"paper": "A5"}, "clinic.paper"),
        ({"name": ""}, "clinic.name"),
        ({"phone": ""}, "clinic.phone"),
        ({"logo_png": b"GIF89a..."}, "clinic.logo_png"),
    ],
)
def test_bad_clinic_settings_raise_naming_the_field(make_input, make_clinic, changes, field):
    with pytest.raises(ValueError, match=field):
        build_sheet(make_input(clinic=make_clinic(**changes)))


def test_text_that_looks_like_markup_is_kept_as_typed(make_input):
    # Escaping is the renderer's job; the content must not be altered on the way.
    sheet = build_sheet(make_input(client_first_name="<b>Bo & Co</b>"))
    assert sheet.client_first_name == "<b>Bo & Co</b>"


@pytest.mark.parametrize("module", ["sheet.py", "inputs.py", "wording.py"])
def test_the_builder_is_pure(module):
    tree = ast.parse((AFTERCARE / module).read_text(), module)
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] in {"reportlab", "flask", "sqlalchemy"}]
    assert not [
        name
        for name in imported
        if name.startswith("clinic.")
        and not (name.startswith(("clinic.rules", "clinic.aftercare")) or name == "clinic.bodymap")
    ]
    clock = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"today", "now", "utcnow"}
    ]
    assert clock == []


def test_self_care_names_only_the_muscles_each_tool_was_used_on():
    from datetime import date

    from clinic.aftercare.inputs import AftercareInput, ClinicInfo
    from clinic.aftercare.sheet import build_sheet

    sheet = build_sheet(
        AftercareInput(
            clinic=ClinicInfo(name="Quay Clinic", address="1 Quay Road", phone="01632 960000"),
            client_first_name="Ada",
            visit_date=date(2026, 11, 24),
            therapist_name="Maya Okafor",
            muscles=("Upper trapezius", "Gastrocnemius"),
            techniques=("massage_ball", "foam_roller"),
            muscles_by_technique={"massage_ball": ("Upper trapezius",), "foam_roller": ("Gastrocnemius",)},
        )
    )
    self_care = next(s for s in sheet.sections if s.key == "self_care")
    ball = next(b.text for b in self_care.bullets if "wall" in b.lead.lower())
    roller = next(b.text for b in self_care.bullets if "roller" in b.lead.lower())
    assert "upper trapezius" in ball and "gastrocnemius" not in ball
    assert "gastrocnemius" in roller and "upper trapezius" not in roller
    treated = next(s for s in sheet.sections if s.key == "treated")
    assert "ischemic" not in " ".join(b.text for b in treated.bullets)
