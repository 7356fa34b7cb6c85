"""The screening inputs of a client (health record, clinic policy, today) need no request and no login."""

from datetime import date

from flask import has_request_context

from clinic.extensions import db
from clinic.models import Client, Clinic
from clinic.screening import services
from clinic.screening.alerts import client_alerts, clinic_alerts
from clinic.screening.policy_store import label_for
from tests.factories import create_client_with_history
from tests.test_screening_api import change_rule


def test_client_inputs_outside_a_request(app, clinic_id, owner, clock):
    clock.set("2026-11-16T23:30:00+00:00")  # already the 17th where the clinic is
    with app.app_context():
        db.session.get(Clinic, clinic_id).timezone = "Europe/Helsinki"
        db.session.commit()
    client_id = create_client_with_history(app, clinic_id, None, [{"code": "anticoagulant"}], earlier=[[]])
    number = change_rule(app, clinic_id, owner, "anticoagulant/D", "referral")
    with app.app_context():  # as a command or a job runs: no request, nobody signed in
        assert not has_request_context()
        client, clinic = db.session.get(Client, client_id), db.session.get(Clinic, clinic_id)
        record, policy, on = services.client_inputs(client, clinic)
        assert (record.number, policy.version, on) == (2, label_for(clinic_id, number), date(2026, 11, 17))
        # ... and what the pages build from them works there too
        assert [a["condition"] for a in client_alerts(client, record, on, policy, True)] == ["anticoagulant"]
        assert list(clinic_alerts(clinic_id, [client_id])) == [client_id]
        plan = [{"technique": "hand_pressure", "region": "calf_l"}]
        assert services.screen_for_client(client, record, plan, on)["items"][0]["verdict"] == "refer"
