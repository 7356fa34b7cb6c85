"""screen() refuses bad input with a ValueError whose message starts with the bad field."""

import re
from datetime import datetime

import pytest

from clinic.rules.screening import screen


def good():
    return {
        "on": "2026-11-16",
        "age": 40,
        "consent": True,
        "guardian_consent": False,
        "conditions": [
            {"code": "diabetes"},
            {"code": "pregnancy", "weeks": 20},
            {"code": "acute_injury", "region": "calf_l", "date": "2026-11-15"},
        ],
        "plan": [
            {"technique": "massage", "region": "upper_back"},
            {"technique": "leg_massager", "region": "legs"},
        ],
    }


def test_the_good_payload_is_accepted():
    assert screen(good())["verdict"] == "contraindicated"  # the leg massager meets the calf injury


def set_(path, value):
    def change(data):
        *parents, last = path
        target = data
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def drop(path):
    def change(data):
        *parents, last = path
        target = data
        for key in parents:
            target = target[key]
        del target[last]

    return change


CASES = [
    # (change, the field the message must start with)
    (set_(["on"], "2026-13-01"), "on"),
    (set_(["on"], "2026-1-5"), "on"),
    (set_(["on"], "16/11/2026"), "on"),
    (set_(["on"], "20261116"), "on"),
    (set_(["on"], 20261116), "on"),
    (set_(["on"], datetime(2026, 11, 16, 9, 0)), "on"),
    (set_(["on"], None), "on"),
    (drop(["on"]), "on"),
    (set_(["client"], 7), "client"),
    (drop(["age"]), "age"),
    (set_(["age"], "40"), "age"),
    (set_(["age"], 40.0), "age"),
    (set_(["age"], True), "age"),
    (set_(["age"], -1), "age"),
    (set_(["age"], 1000), "age"),
    (drop(["consent"]), "consent"),
    (set_(["consent"], "yes"), "consent"),
    (set_(["consent"], 1), "consent"),
    (set_(["guardian_consent"], "no"), "guardian_consent"),
    (drop(["conditions"]), "conditions"),
    (set_(["conditions"], {"code": "fever"}), "conditions"),
    (set_(["conditions"], "fever"), "conditions"),
    (set_(["conditions", 0], "diabetes"), "conditions[0]"),
    (set_(["conditions", 1, "code"], "flu"), "conditions[1].code"),
    (set_(["conditions", 1, "code"], 3), "conditions[1].code"),
    (drop(["conditions", 0, "code"]), "conditions[0].code"),
    (set_(["conditions", 0, "note"], "x"), "conditions[0].note"),
    (set_(["conditions", 0, "region"], "calf_l"), "conditions[0].region"),  # diabetes takes no region
    (set_(["conditions", 2, "region"], "arm"), "conditions[2].region"),
    (set_(["conditions", 2, "region"], 5), "conditions[2].region"),
    (drop(["conditions", 2, "region"]), "conditions[2].region"),
    (set_(["conditions", 2, "region"], None), "conditions[2].region"),
    (drop(["conditions", 2, "date"]), "conditions[2].date"),
    (set_(["conditions", 2, "date"], "2026-11-17"), "conditions[2].date"),  # after the session
    (set_(["conditions", 2, "date"], "2026-02-30"), "conditions[2].date"),
    (set_(["conditions", 2, "date"], "yesterday"), "conditions[2].date"),
    (set_(["conditions", 0, "date"], "2026-11-01"), "conditions[0].date"),  # diabetes takes no date
    (set_(["conditions", 1, "weeks"], 0), "conditions[1].weeks"),
    (set_(["conditions", 1, "weeks"], 46), "conditions[1].weeks"),
    (set_(["conditions", 1, "weeks"], "20"), "conditions[1].weeks"),
    (set_(["conditions", 1, "weeks"], 20.5), "conditions[1].weeks"),
    (set_(["conditions", 1, "weeks"], True), "conditions[1].weeks"),
    (set_(["conditions", 0, "weeks"], 20), "conditions[0].weeks"),  # only pregnancy has weeks
    (set_(["conditions", 0, "cleared"], "yes"), "conditions[0].cleared"),
    (set_(["plan"], {"technique": "massage"}), "plan"),
    (drop(["plan"]), "plan"),
    (set_(["plan", 1], ["massage", "calf_l"]), "plan[1]"),
    (set_(["plan", 0, "technique"], "laser"), "plan[0].technique"),
    (set_(["plan", 0, "technique"], None), "plan[0].technique"),
    (drop(["plan", 0, "technique"]), "plan[0].technique"),
    (drop(["plan", 0, "region"]), "plan[0].region"),
    (set_(["plan", 0, "region"], "back"), "plan[0].region"),
    (set_(["plan", 0, "region"], "legs"), "plan[0].region"),  # a group, for a single-region technique
    (set_(["plan", 1, "region"], "calf_l"), "plan[1].region"),  # the leg massager covers a whole leg
    (set_(["plan", 1, "region"], "upper_back"), "plan[1].region"),
    (set_(["plan", 0, "minutes"], 10), "plan[0].minutes"),
    # an odd key is quoted, so the message never carries a raw newline (found by hypothesis)
    (set_(["conditions", 0, "\n"], None), "conditions[0].'\\n'"),
    (set_(["plan", 0, "a b"], 1), "plan[0].'a b'"),
]


@pytest.mark.parametrize(("change", "field"), CASES)
def test_bad_input_names_its_field(change, field):
    data = good()
    change(data)
    with pytest.raises(ValueError, match="^" + re.escape(field) + ":"):
        screen(data)


@pytest.mark.parametrize(("value", "kind"), [([], "list"), ("{}", "str"), (None, "NoneType")])
def test_a_payload_that_is_not_an_object_is_refused(value, kind):
    with pytest.raises(ValueError, match=rf"^payload: expected an object, got {kind}"):
        screen(value)


def test_the_messages_read_as_the_issue_wrote_them():
    data = good()
    data["conditions"].append({"code": "fracture", "region": "wrist_hand_r"})
    data["conditions"][2]["date"] = "2026-13-01"
    with pytest.raises(ValueError) as error:
        screen(data)
    assert str(error.value) == "conditions[2].date: 2026-13-01 is not a date (YYYY-MM-DD)"
    data = good()
    data["plan"][0]["technique"] = "laser"
    with pytest.raises(ValueError) as error:
        screen(data)
    assert str(error.value) == "plan[0].technique: unknown technique 'laser'"


def test_the_rules_argument_must_be_a_policy():
    with pytest.raises(ValueError, match=r"^rules:"):
        screen(good(), {"fever/D": "none"})


def test_optional_attributes_may_be_none():
    data = good()
    data["conditions"] = [
        {"code": "neuropathy", "region": None, "cleared": None},
        {"code": "pregnancy", "weeks": None},
        {"code": "fever", "date": None},
    ]
    data["guardian_consent"] = None
    assert screen(data)["verdict"] == "contraindicated"  # fever
