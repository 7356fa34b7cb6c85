"""Properties of screen() over generated valid sessions: no crash, plan order kept, verdicts consistent."""

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic.rules.policy import DEFAULT_POLICY, with_overrides
from clinic.rules.screening import screen
from clinic.rules.vocabulary import (
    CONDITIONS,
    DATE_REQUIRED,
    REGION_GROUPS,
    REGION_REQUIRED,
    REGIONS,
    TECHNIQUES,
)

WORST_FIRST = ["contraindicated", "refer", "modify", "ok"]
SINGLE = sorted(REGIONS)
ANY_REGION = SINGLE + sorted(REGION_GROUPS)
ON = date(2026, 11, 16)


@st.composite
def conditions(draw):
    code = draw(st.sampled_from(sorted(CONDITIONS)))
    takes = CONDITIONS[code][1]
    entry = {"code": code}
    if "region" in takes and (code in REGION_REQUIRED or draw(st.booleans())):
        entry["region"] = draw(st.sampled_from(ANY_REGION))
    if code in DATE_REQUIRED:
        entry["date"] = (ON - timedelta(days=draw(st.integers(0, 90)))).isoformat()
    if "weeks" in takes and draw(st.booleans()):
        entry["weeks"] = draw(st.integers(1, 45))
    if draw(st.booleans()):
        entry["cleared"] = draw(st.booleans())
    return entry


@st.composite
def items(draw):
    technique = draw(st.sampled_from(sorted(TECHNIQUES)))
    regions = sorted(REGION_GROUPS) if technique == "leg_massager" else SINGLE
    return {"technique": technique, "region": draw(st.sampled_from(regions))}


payloads = st.fixed_dictionaries(
    {
        "on": st.just(ON.isoformat()),
        "age": st.integers(0, 100),
        "consent": st.booleans(),
        "guardian_consent": st.booleans(),
        "conditions": st.lists(conditions(), max_size=15),
        "plan": st.lists(items(), max_size=20),
    }
)

# Categories every rule accepts, whatever its scope.
overrides = st.dictionaries(
    st.sampled_from([rule.id for rule in DEFAULT_POLICY.rules]),
    st.sampled_from(["precaution", "referral", "none"]),
    max_size=8,
)


def check(payload, result):
    plan = payload["plan"]
    assert len(result["items"]) == len(plan)
    assert [(i["technique"], i["region"]) for i in result["items"]] == [
        (p["technique"], p["region"]) for p in plan
    ]
    item_verdicts = [i["verdict"] for i in result["items"]]
    assert result["verdict"] == min(item_verdicts + ["ok"], key=WORST_FIRST.index)
    for item in result["items"]:
        categories = {f["category"] for f in item["findings"]}
        if categories & {"absolute", "local"}:
            expected = "contraindicated"
        else:
            expected = (
                "refer" if "referral" in categories else "modify" if "precaution" in categories else "ok"
            )
        assert item["verdict"] == expected
        covers = REGION_GROUPS.get(item["region"], {item["region"]})
        for finding in item["findings"]:
            assert finding["message"] and finding["source"]
            if finding["category"] == "local":  # only a local finding at this item's region is listed
                assert set(REGION_GROUPS.get(finding["region"], {finding["region"]})) & set(covers)
        if not payload["consent"]:
            assert item["verdict"] == "contraindicated"


@settings(max_examples=300, deadline=1000)
@given(payloads)
def test_screen_is_consistent_on_any_valid_session(payload):
    result = screen(payload)
    check(payload, result)
    assert result["rules_version"] == DEFAULT_POLICY.version


@settings(max_examples=100, deadline=1000)
@given(payloads, overrides)
def test_screen_is_consistent_under_any_valid_overrides(payload, changes):
    policy = with_overrides(changes, "clinic-generated")
    result = screen(payload, policy)
    check(payload, result)
    assert result["rules_version"] == "clinic-generated"


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def damaged(draw):
    """A valid payload with one value, anywhere in it, replaced by junk."""
    payload = draw(payloads)
    spots = [(payload, key) for key in payload]
    spots += [(entry, key) for entry in payload["conditions"] + payload["plan"] for key in entry]
    spots += [(payload[name], i) for name in ("conditions", "plan") for i in range(len(payload[name]))]
    container, key = draw(st.sampled_from(spots))
    container[key] = draw(junk)
    return payload


FIELD = re.compile(r"^(payload|on|age|consent|guardian_consent|conditions|plan)\b.*?: ")


@settings(max_examples=200, deadline=1000)
@given(damaged())
def test_damaged_input_gives_a_value_error_or_a_result_never_a_crash(payload):
    try:
        result = screen(payload)
    except ValueError as error:
        assert FIELD.match(str(error)), str(error)
    else:
        check(payload, result)
