"""Client list, search, details, archive; scoping, conflicts and bad input."""

from datetime import date

import pytest
from sqlalchemy import func, select

from clinic.clients import services
from clinic.extensions import db
from clinic.models import AuditEvent, Client
from tests.conftest import count_queries, table_counts
from tests.factories import create_clients

GOOD = {
    "first_name": "Zoë",
    "last_name": "Ngô-Łukasiewicz",
    "preferred_name": "Zo",
    "date_of_birth": "1988-04-02",
    "phone": "+44 7700 900123",
    "email": "Zoe@Example.test",
    "address": "1 Quay Road",
    "emergency_contact": "Kit, 0770",
    "referral_source": "GP",
    "notes": "Prefers mornings",
}


def test_create_and_view_a_client(app, web, login_as, frontdesk):
    login_as(frontdesk)
    response = web.post("/clients/new", data=GOOD)
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zo Ngô-Łukasiewicz" in page and "+44 7700 900123" in page
    with app.app_context():
        client = db.session.scalar(select(Client))
        assert client.email == "zoe@example.test" and client.phone_digits == "447700900123"
        assert client.name_key == "zoe ngo-lukasiewicz"  # folded: accents and case do not matter
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.client_id == client.id)).all()
        assert actions == ["client.create", "client.view"]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("first_name", "", "This field is required"),
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("date_of_birth", "not a date", "Not a valid date"),
        ("phone", "call me maybe", "Use digits"),
        ("email", "nope", "Check the email"),
        ("notes", "x" * 2001, "2000"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_writes_nothing(
    app, web, login_as, therapist, field, value, message
):
    login_as(therapist)
    before = table_counts(app)
    response = web.post("/clients/new", data={**GOOD, field: value})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body
    assert "Ngô-Łukasiewicz" in body  # what was typed is kept
    assert table_counts(app) == before


@pytest.mark.parametrize(
    "query, expected",
    [
        ("oka", {"Maya Okafor", "Obi Okafor"}),
        ("maya", {"Maya Okafor"}),
        ("OKAFOR", {"Maya Okafor", "Obi Okafor"}),
        ("1632 960", {"Maya Okafor", "Obi Okafor", "Ann Lee", "Al_x Perc%nt"}),
        ("al_", {"Al_x Perc%nt"}),
        ("perc%", {"Al_x Perc%nt"}),
        ("zzz", set()),
    ],
)
def test_search_by_name_phone_and_escaped_patterns(app, web, login_as, clinic_id, therapist, query, expected):
    create_clients(
        app, clinic_id, [("Maya", "Okafor"), ("Obi", "Okafor"), ("Ann", "Lee"), ("Al_x", "Perc%nt")]
    )
    login_as(therapist)
    page = web.get("/clients", query_string={"q": query}).get_data(as_text=True)
    found = {
        name
        for name in ("Maya Okafor", "Obi Okafor", "Ann Lee", "Al_x Perc%nt")
        if f"{name.split()[1]}, {name.split()[0]}" in page
    }
    assert found == expected


def test_pagination_and_constant_queries(app, web, login_as, clinic_id, therapist):
    create_clients(app, clinic_id, [(f"Person{i:03d}", f"Surname{i:03d}") for i in range(120)])
    login_as(therapist)
    with count_queries(app) as queries:
        first = web.get("/clients").get_data(as_text=True)
    first_count = queries()
    assert "Surname000" in first and "Surname049" in first and "Surname050" not in first
    second = web.get("/clients?page=2").get_data(as_text=True)
    assert "Surname050" in second and "Surname099" in second
    third = web.get("/clients?page=3").get_data(as_text=True)
    assert "Surname119" in third and "Next" not in third
    create_clients(app, clinic_id, [(f"More{i}", f"Extra{i}") for i in range(50)])
    with count_queries(app) as queries:
        web.get("/clients")
    assert queries() == first_count


def test_another_clinics_client_is_404(app, web, login_as, factory, therapist):
    other = factory.clinic("Elsewhere")
    [stranger] = create_clients(app, other, [("Sid", "Stranger")])
    login_as(therapist)
    for method, url in (
        ("GET", f"/clients/{stranger}"),
        ("GET", f"/clients/{stranger}/edit"),
        ("POST", f"/clients/{stranger}/edit"),
        ("POST", f"/clients/{stranger}/archive"),
    ):
        assert web.open(url, method=method, data=GOOD).status_code == 404
    assert "Stranger" not in web.get("/clients?q=str").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Client, stranger).archived_at is None


def test_edit_conflict_keeps_both_versions_safe(app, web, login_as, clinic_id, therapist):
    [client_id] = create_clients(app, clinic_id, [("Maya", "Okafor")])
    login_as(therapist)
    web.get(f"/clients/{client_id}/edit")
    with app.app_context():  # someone else saves first
        client = db.session.get(Client, client_id)
        services.update_client(
            client, {**GOOD, "first_name": "Other", "date_of_birth": date(1988, 4, 2)}, None
        )
        db.session.commit()
    response = web.post(f"/clients/{client_id}/edit", data={**GOOD, "version": "1"})
    assert response.status_code == 409
    assert "Someone saved these details" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Client, client_id).first_name == "Other"


def test_archive_keeps_the_record(app, web, login_as, clinic_id, therapist):
    [client_id] = create_clients(app, clinic_id, [("Maya", "Okafor")])
    login_as(therapist)
    web.post(f"/clients/{client_id}/archive")
    assert "Okafor" not in web.get("/clients").get_data(as_text=True)
    assert "Okafor" in web.get("/clients?archived=1").get_data(as_text=True)
    web.post(f"/clients/{client_id}/unarchive")
    assert "Okafor" in web.get("/clients").get_data(as_text=True)


def test_database_refuses_to_delete_a_client(app, clinic_id):
    [client_id] = create_clients(app, clinic_id, [("Maya", "Okafor")])
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    with app.app_context():
        with pytest.raises(DatabaseError, match="never deleted"):
            db.session.execute(text("DELETE FROM client WHERE id = :id"), {"id": client_id})
        db.session.rollback()
        assert db.session.scalar(select(func.count(Client.id))) == 1
