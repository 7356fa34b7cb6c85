"""Standing alerts on the client page, and the batch loader the calendar uses (constant query count)."""

import re
from contextlib import contextmanager
from datetime import date

from flask_login import login_user

from clinic.extensions import db
from clinic.models import Client, User
from clinic.screening.panels import alerts_for_client, alerts_for_clients
from tests.conftest import count_queries
from tests.factories import create_client_with_history
from tests.test_screening_api import FEVER, change_rule


@contextmanager
def as_user(app, user_id):
    """A request context with `user_id` logged in (the loaders read current_user)."""
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        yield


def conditions_of(alerts):
    return [alert["condition"] for alert in alerts]


def test_alerts_come_first_on_the_client_page_worst_first(app, web, login_as, clinic_id, therapist, clock):
    clock.set("2026-11-16T10:00:00+00:00")
    client_id = create_client_with_history(app, clinic_id, None, [
        {"code": "osteoporosis"}, {"code": "anticoagulant"},
        {"code": "recent_surgery", "region": "knee_r", "date": "2026-11-01"},
        {"code": "acute_injury", "region": "calf_l", "date": "2026-10-01"},
    ])  # fmt: skip
    login_as(therapist)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    main = page.split('class="client-main"')[1]
    assert main.index("Standing alerts") < main.index("Plan today")
    items = re.findall(r'<li class="alert (sev-[a-z]+)">', page)
    assert items == ["sev-local", "sev-referral", "sev-precaution", "sev-resolved"]
    assert "refer before massage gun; precaution for deep work, leg massager and needling." in page
    assert "Recent surgery — right knee" in page and "Resolved" in page


def test_no_health_history_is_an_alert(app, clinic_id, therapist):
    with app.app_context():
        client = Client(clinic_id=clinic_id, first_name="New", last_name="Person")
        db.session.add(client)
        db.session.commit()
        client_id = client.id
    with as_user(app, therapist):
        client = db.session.get(Client, client_id)
        assert conditions_of(alerts_for_client(client)) == ["no_health_history"]


def test_no_consent_and_minors(app, clinic_id, therapist):
    no_consent = create_client_with_history(app, clinic_id, None, [{"code": "diabetes"}], consent=False)
    minor = create_client_with_history(app, clinic_id, None, [], date_of_birth=date(2012, 3, 1))
    minor_ok = create_client_with_history(
        app,
        clinic_id,
        None,
        [],
        answers={"guardian_name": "Pat Lind", "guardian_consent": True},
        date_of_birth=date(2012, 3, 1),
    )
    with as_user(app, therapist):
        alerts = alerts_for_clients([no_consent, minor, minor_ok], on=date(2026, 11, 16))
    assert conditions_of(alerts[no_consent]) == ["no_consent", "diabetes"]
    assert conditions_of(alerts[minor]) == ["guardian_consent_missing"]
    assert alerts[minor_ok] == []


def test_the_latest_health_record_counts(app, clinic_id, therapist):
    client_id = create_client_with_history(
        app, clinic_id, None, [{"code": "epilepsy"}], earlier=[[FEVER]] * 2
    )  # earlier versions: fever
    with as_user(app, therapist):
        assert conditions_of(alerts_for_clients([client_id], on=date(2026, 11, 16))[client_id]) == [
            "epilepsy"
        ]
        client = db.session.get(Client, client_id)
        assert conditions_of(alerts_for_client(client, on=date(2026, 11, 16))) == ["epilepsy"]


def test_alerts_follow_the_clinics_policy(app, clinic_id, owner, therapist):
    client_id = create_client_with_history(app, clinic_id, None, [{"code": "anticoagulant"}])
    change_rule(app, clinic_id, owner, "anticoagulant/G", "absolute")
    with as_user(app, therapist):
        alert = alerts_for_clients([client_id], on=date(2026, 11, 16))[client_id][0]
    assert alert["severity"] == "absolute" and alert["detail"].startswith("no massage gun today")


def test_the_day_decides_time_windows(app, clinic_id, therapist):
    client_id = create_client_with_history(
        app, clinic_id, None, [{"code": "recent_surgery", "region": "hip_l", "date": "2026-10-01"}]
    )
    with as_user(app, therapist):
        inside = alerts_for_clients([client_id], on=date(2026, 11, 12))[client_id]
        after = alerts_for_clients([client_id], on=date(2026, 11, 13))[client_id]
        with_resolved = alerts_for_clients([client_id], on=date(2026, 11, 13), include_resolved=True)[
            client_id
        ]
    assert inside[0]["severity"] == "local"  # 42 days after 1 October
    assert after == [] and with_resolved[0]["resolved"]


def test_batch_query_count_does_not_grow(app, clinic_id, therapist):
    few = [
        create_client_with_history(app, clinic_id, None, [{"code": "anticoagulant"}], first=f"A{n}")
        for n in range(2)
    ]
    many = few + [
        create_client_with_history(
            app, clinic_id, None, [{"code": "fracture", "region": "shin_l"}], first=f"B{n}", earlier=[[FEVER]]
        )
        for n in range(12)
    ]
    counts = []
    for ids in (few, many):
        with as_user(app, therapist):
            with count_queries(app) as queries:
                alerts = alerts_for_clients(ids, on=date(2026, 11, 16))
            counts.append(queries())
            assert sorted(alerts) == sorted(ids)
    assert counts[0] == counts[1] <= 2


def test_other_clinics_and_front_desk_get_nothing(app, factory, clinic_id, therapist, frontdesk):
    mine = create_client_with_history(app, clinic_id, None, [{"code": "fever"}])
    other = factory.clinic("Other Clinic")
    theirs = create_client_with_history(app, other, None, [{"code": "fever"}])
    with as_user(app, therapist):
        alerts = alerts_for_clients([mine, theirs, 999999])
        assert list(alerts) == [mine] and alerts.get(theirs, []) == []
        assert alerts_for_clients([]) == {}
    with as_user(app, frontdesk):
        assert alerts_for_clients([mine]) == {}
