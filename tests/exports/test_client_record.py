"""One client's whole record for an access request: PDF and JSON, owner only, audited."""

import json

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, HealthRecord, Message, Visit
from tests.security.conftest import log_in
from tests.security.pdf_text import pdf_text
from tests.security.world import B_MARKER, audit_rows_after, last_audit_id, xss_tag


def _facts(app, client_id):
    with app.app_context():
        visits = db.session.scalars(
            select(Visit).where(Visit.client_id == client_id).order_by(Visit.id)
        ).all()
        facts = {
            "signed": {v.id: v.content_hash for v in visits if v.signed_at},
            "visits": len(visits),
            "health": db.session.scalar(
                select(db.func.count()).select_from(HealthRecord).where(HealthRecord.client_id == client_id)
            ),
            "appointments": db.session.scalar(
                select(db.func.count()).select_from(Appointment).where(Appointment.client_id == client_id)
            ),
            "messages": db.session.scalar(
                select(db.func.count()).select_from(Message).where(Message.client_id == client_id)
            ),
        }
        db.session.remove()
        return facts


def test_the_pdf_holds_every_signed_note_with_its_hash_and_the_history(world_app):
    app, world = world_app
    a = world.a
    facts = _facts(app, a.client)
    assert facts["signed"] and facts["health"] >= 2 and facts["appointments"] and facts["messages"]
    web = log_in(app.test_client(), a.emails["owner"])
    before = last_audit_id(app)
    response = web.get(f"/exports/clients/{a.client}/record.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    for content_hash in facts["signed"].values():
        assert content_hash in text.replace(" ", "")
    assert "matches the note" in text and "DOES NOT MATCH" not in text
    for number in range(1, facts["health"] + 1):
        assert f"Version {number}" in text
    assert "Appointments" in text and "Messages sent to the client" in text
    assert "Documents on file" in text and xss_tag("document.caption.client") in text
    # stored markup is printed as text, never run; nothing of the other clinic
    assert xss_tag("visit.subjective.signed") in text and B_MARKER not in text
    rows = audit_rows_after(app, before)
    assert [(r["action"], r["client_id"], r["user_id"]) for r in rows] == [
        ("client.export", a.client, a.owner)
    ]


def test_the_json_holds_the_same_record(world_app):
    app, world = world_app
    a = world.a
    facts = _facts(app, a.client)
    web = log_in(app.test_client(), a.emails["owner"])
    response = web.get(f"/exports/clients/{a.client}/record.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    record = json.loads(response.data)
    assert record["format"] == "knotwork-client-record" and record["schema_version"] == 1
    assert record["client"]["id"] == a.client
    assert len(record["visits"]) == facts["visits"]
    assert len(record["health_records"]) == facts["health"]
    assert len(record["appointments"]) == facts["appointments"]
    assert len(record["messages"]) == facts["messages"]
    signed = {v["id"]: v for v in record["visits"] if v["signed_at"]}
    assert {i: v["content_hash"] for i, v in signed.items()} == facts["signed"]
    assert all(v["hash_verified"] for v in signed.values())
    assert all(v["points"] for v in signed.values())
    # sealed fields come out readable; secrets do not come out at all
    assert xss_tag("health.medications") in json.dumps(record["health_records"])
    assert "token_hash" not in response.get_data(as_text=True)
    assert "password_hash" not in response.get_data(as_text=True)
    # the documents on file, with what names them (the files go with the record, not in the JSON)
    assert {d["id"] for d in record["documents"]} == {a.document, a.visit_document}
    assert all(d["sha256"] and "file_key" not in d and "storage_key" not in d for d in record["documents"])


def test_only_the_owner_of_the_clients_clinic_gets_a_record(world_app):
    app, world = world_app
    url = f"/exports/clients/{world.a.client}/record"
    for role, status in (("therapist", 403), ("frontdesk", 403)):
        web = log_in(app.test_client(), world.a.emails[role])
        assert web.get(url + ".pdf").status_code == status
        assert web.get(url + ".json").status_code == status
    other = log_in(app.test_client(), world.b.emails["owner"])
    assert other.get(url + ".pdf").status_code == 404
    assert other.get(url + ".json").status_code == 404
    assert app.test_client().get(url + ".pdf").status_code == 302  # to the login page


def test_a_client_with_no_notes_gets_a_record_that_says_so(world_app):
    app, world = world_app
    web = log_in(app.test_client(), world.a.emails["owner"])
    response = web.get(f"/exports/clients/{world.a.client2}/record.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "No treatment notes." in text or "Visit of" in text
    assert json.loads(web.get(f"/exports/clients/{world.a.client2}/record.json").data)["client"]["id"] == (
        world.a.client2
    )
