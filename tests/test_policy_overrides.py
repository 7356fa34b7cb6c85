"""The clinic's policy: the readable table, versioned overrides with reasons, history, roles, the cache."""

import re

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEvent, PolicyVersion, User
from clinic.rules.policy import DEFAULT_POLICY, DEFAULT_VERSION
from clinic.rules.vocabulary import CONDITIONS
from clinic.screening import policy_store
from tests.conftest import login, table_counts
from tests.test_screening_api import GUN_CALF, change_rule, payload

RULE = "anticoagulant/G"  # default: referral, applies anywhere
URL = f"/settings/screening/rules/{RULE}"


def post_change(web, rule_id=RULE, category="absolute", reason="Our physio lead's protocol", version="0"):
    return web.post(
        f"/settings/screening/rules/{rule_id}",
        data={"category": category, "reason": reason, "version": version},
    )


def versions(app, clinic_id):
    with app.app_context():
        rows = db.session.scalars(
            select(PolicyVersion).where(PolicyVersion.clinic_id == clinic_id).order_by(PolicyVersion.number)
        ).all()
        return [(v.number, v.overrides, v.rule_id, v.category, v.reason, v.created_by_id) for v in rows]


def audit_actions(app, action):
    with app.app_context():
        return db.session.execute(
            select(AuditEvent.object_type, AuditEvent.object_id).where(AuditEvent.action == action)
        ).all()


# --- the readable table ----------------------------------------------------------------------------


def test_the_table_shows_every_condition_and_technique_group(web, login_as, owner):
    login_as(owner)
    response = web.get("/settings/screening")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for code, (label, _) in CONDITIONS.items():
        assert f'id="condition-{code}"' in page, code
        assert label.replace("'", "&#39;") in page, label
    assert "Endangerment site (every client)" in page
    for column in (
        "Deep techniques",
        "Massage gun",
        "Leg massager",
        "Needling",
        "Heat and cold",
        "Stretching",
    ):
        assert f">{column}</th>" in page
    # every default rule is a badge that links to its page, with message and source on hover
    assert page.count('class="badge rule-badge') == len(DEFAULT_POLICY.rules)
    rule = next(r for r in DEFAULT_POLICY.rules if r.id == RULE)
    assert f'href="/settings/screening/rules/{RULE}"' in page
    assert f"{rule.message} — Source: {rule.source}".replace("'", "&#39;") in page
    assert "No changes: the clinic uses the default rules" in page
    assert DEFAULT_VERSION in page


def test_the_table_is_one_readable_table_per_row(web, login_as, therapist):
    login_as(therapist)
    page = web.get("/settings/screening").get_data(as_text=True)
    row = re.search(r'<tr id="condition-anticoagulant".*?</tr>', page, re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    words = [re.sub(r"<[^>]+>", " ", cell).split() for cell in cells]
    # docs/clinical-reference.md 2.2: anticoagulant | precaution | referral | precaution | precaution | - | -
    assert [w[:1] for w in words] == [
        ["Precaution"],
        ["Referral"],
        ["Precaution"],
        ["Precaution"],
        ["–"],
        ["–"],
    ]


def test_therapists_read_the_table_but_cannot_change_it(app, web, login_as, clinic_id, therapist):
    login_as(therapist)
    assert web.get("/settings/screening").status_code == 200
    rule_page = web.get(URL)
    assert rule_page.status_code == 200
    body = rule_page.get_data(as_text=True)
    assert (
        "Blood thinners" in body
        and "Change for this clinic" not in body
        and "/settings/screening/rules/" not in body
    )
    assert post_change(web).status_code == 403
    assert versions(app, clinic_id) == []


def test_front_desk_gets_403(web, login_as, frontdesk):
    login_as(frontdesk)
    assert web.get("/settings/screening").status_code == 403
    assert web.get(URL).status_code == 403
    assert post_change(web).status_code == 403


def test_nav_entry_for_clinical_roles_only(web, login_as, therapist, frontdesk):
    login_as(therapist)
    assert 'href="/settings/screening"' in web.get("/").get_data(as_text=True)
    web.post("/logout")
    login_as(frontdesk)
    assert 'href="/settings/screening"' not in web.get("/").get_data(as_text=True)


# --- changes are versions ----------------------------------------------------------------------------


def test_a_change_makes_version_n_plus_1_with_the_cumulative_mapping(app, web, login_as, clinic_id, owner):
    login_as(owner)
    response = post_change(web)
    assert response.status_code == 302 and response.headers["Location"] == "/settings/screening"
    response = post_change(web, "osteoporosis/D", "referral", "Bone density clinic asks for clearance", "1")
    assert response.status_code == 302
    assert versions(app, clinic_id) == [
        (1, {RULE: "absolute"}, RULE, "absolute", "Our physio lead's protocol", owner),
        (2, {RULE: "absolute", "osteoporosis/D": "referral"}, "osteoporosis/D", "referral",
         "Bone density clinic asks for clearance", owner),
    ]  # fmt: skip
    events = audit_actions(app, "policy.change")
    with app.app_context():
        ids = db.session.scalars(select(PolicyVersion.id).order_by(PolicyVersion.number)).all()
    assert events == [("policy_version", ids[0]), ("policy_version", ids[1])]
    page = web.get("/settings/screening").get_data(as_text=True)
    assert f"clinic-{clinic_id}-v2" in page
    assert "Bone density clinic asks for clearance" in page and "Olive Owner" in page
    assert page.count('class="badge rule-badge') == len(DEFAULT_POLICY.rules)
    assert "(changed from referral)" in page and "(changed from precaution)" in page


def test_reset_to_default_is_a_version_too(app, web, login_as, clinic_id, owner):
    login_as(owner)
    post_change(web, version="0")
    response = post_change(web, category="referral", reason="Back to the default after review", version="1")
    assert response.status_code == 302
    assert versions(app, clinic_id)[-1][:4] == (2, {}, RULE, "referral")
    page = web.get("/settings/screening").get_data(as_text=True)
    assert "Anticoagulant or antiplatelet medication · Massage gun" in page
    assert re.search(r"reset to the default, <span class=\"badge cat-referral refer\">Referral</span>", page)
    assert "reset to the default" in web.get(URL).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Give the reason"),
        ({"reason": "   "}, "Give the reason"),
        ({"reason": "x" * 501}, "under 500 characters"),
        ({"category": "local"}, "&#39;local&#39; needs a region, and this rule applies anywhere"),
        ({"category": "sometimes"}, "Choose a category from the list"),
        ({"category": "referral"}, "already this rule&#39;s category"),
        ({"category": ""}, "Choose a category"),
    ],
)
def test_bad_changes_are_refused_and_write_nothing(app, web, login_as, clinic_id, owner, data, message):
    login_as(owner)
    before = table_counts(app)
    response = web.post(URL, data={"category": "absolute", "reason": "Protocol", "version": "0", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert table_counts(app) == before and audit_actions(app, "policy.change") == []


def test_a_region_rule_cannot_be_absolute(app, clinic_id, owner):
    with app.app_context():
        user = db.session.get(User, owner)
        with pytest.raises(policy_store.PolicyChangeError, match="cannot be 'absolute'"):
            policy_store.change_rule(clinic_id, user, "fracture/D", "absolute", "Protocol", None)
        with pytest.raises(policy_store.PolicyChangeError, match="cannot be changed"):
            policy_store.change_rule(clinic_id, user, "consent/no_consent", "precaution", "Protocol", None)
        assert db.session.scalars(select(PolicyVersion)).all() == []


def test_a_stale_page_gets_a_conflict(app, web, login_as, clinic_id, owner):
    change_rule(app, clinic_id, owner, "osteoporosis/D", "referral")
    login_as(owner)
    before = table_counts(app)
    response = post_change(web, version="0")  # the page was opened before version 1
    assert response.status_code == 409
    assert "The rules changed while you were looking" in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_unknown_rules_and_gates(web, login_as, owner):
    login_as(owner)
    assert web.get("/settings/screening/rules/nothing/X").status_code == 404
    gate = web.get("/settings/screening/rules/consent/no_consent")
    assert gate.status_code == 200 and "cannot be changed" in gate.get_data(as_text=True)
    assert post_change(web, "consent/no_consent", "precaution").status_code == 404
    assert post_change(web, "nothing/X").status_code == 404


def test_rule_ids_with_a_plus_sign_work(app, web, login_as, clinic_id, owner):
    login_as(owner)
    rule_id = "pregnancy/G/at-abdomen+lower_back"
    assert web.get(f"/settings/screening/rules/{rule_id}").status_code == 200
    assert post_change(web, rule_id, "referral").status_code == 302
    assert versions(app, clinic_id)[0][1] == {rule_id: "referral"}


def test_the_screening_result_follows_the_policy(app, web, login_as, clinic_id, owner, therapist):
    body = payload([GUN_CALF], [{"code": "anticoagulant"}])
    login_as(owner)
    assert web.post("/api/screening", json=body).get_json()["verdict"] == "refer"
    post_change(web, category="absolute")
    result = web.post("/api/screening", json=body).get_json()
    assert result["verdict"] == "contraindicated" and result["rules_version"] == f"clinic-{clinic_id}-v1"
    post_change(web, category="none", reason="Percussion on lowest setting is fine here", version="1")
    result = web.post("/api/screening", json=body).get_json()
    assert result["verdict"] == "ok" and result["rules_version"] == f"clinic-{clinic_id}-v2"
    assert result["items"][0]["findings"] == []


def test_clinics_do_not_share_policies(app, web, factory, clinic_id, owner):
    other = factory.clinic("Other Clinic")
    other_owner = factory.user(other, "owner", "other-owner@example.test")
    change_rule(app, other, other_owner, RULE, "absolute")
    login(web, factory.email_of(owner))
    page = web.get("/settings/screening").get_data(as_text=True)
    assert "No changes" in page and f"clinic-{other}-v1" not in page
    assert versions(app, clinic_id) == []


# --- the cache ----------------------------------------------------------------------------------


def test_the_built_policy_is_cached_per_version(app, clinic_id, owner):
    with app.app_context():
        assert policy_store.current_policy(clinic_id) is DEFAULT_POLICY
    change_rule(app, clinic_id, owner, RULE, "absolute")
    with app.app_context():
        first = policy_store.current_policy(clinic_id)
        assert first is policy_store.current_policy(clinic_id)
        assert first.version == f"clinic-{clinic_id}-v1"
    change_rule(app, clinic_id, owner, "osteoporosis/D", "referral")
    with app.app_context():
        second = policy_store.current_policy(clinic_id)
        assert second is not first and second.version == f"clinic-{clinic_id}-v2"


def test_the_cache_key_includes_the_overrides():
    # A restored backup or another database may reuse a label: it must not get another rule set.
    one = policy_store.build_policy("clinic-1-v1", {RULE: "absolute"})
    two = policy_store.build_policy("clinic-1-v1", {RULE: "precaution"})
    assert one is not two
    assert policy_store.build_policy("clinic-1-v1", {RULE: "absolute"}) is one


def test_current_policy_is_one_query(app, clinic_id, owner):
    from tests.conftest import count_queries

    change_rule(app, clinic_id, owner, RULE, "absolute")
    with app.app_context():
        policy_store.current_policy(clinic_id)
        with count_queries(app) as queries:
            policy_store.current_policy(clinic_id)
        assert queries() == 1
