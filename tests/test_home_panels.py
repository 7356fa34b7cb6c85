"""The home pages show the work that is waiting: questionnaires to review (a therapist's own clients, the
owner's clinic, a count for the front desk), and the desk's day (arrivals by therapist, who is next, the
recall count). Each read is a fixed number of queries, whatever the rows."""

from datetime import UTC, datetime

import pytest

from clinic.extensions import db
from clinic.models import Clinic, Service, User
from tests.conftest import count_queries, login

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday morning in London


@pytest.fixture
def clinic_day(app, factory, clinic_id, owner, therapist, frontdesk, clock):
    """Two therapists with clients booked today; Theo's client and Nia's client sent questionnaires back."""
    from clinic.clients.services import create_client
    from clinic.intake import links
    from clinic.intake.services import empty
    from clinic.schedule.booking import book

    clock.set(NOW)
    nia = factory.user(clinic_id, "therapist", "nia@example.test", "Nia Therapist")
    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        service = Service(clinic_id=clinic_id, name="Trigger point therapy", duration_minutes=60)
        db.session.add(service)
        db.session.flush()
        people = {}
        for first, who, hour in (
            ("Ada", therapist, 9),
            ("Bea", therapist, 11),
            ("Cy", nia, 12),
            ("Dot", nia, 14),
        ):
            client = create_client(clinic_id, {"first_name": first, "last_name": "Lark"})
            book(clinic, db.session.get(User, who), client, service,
                 datetime(2026, 11, 18, hour, 0, tzinfo=UTC), outside_hours_ok=True)  # fmt: skip
            people[first] = client
        for first in ("Bea", "Cy"):  # the links were sent by the desk, not by either therapist
            link, _token, _ = links.create_link(people[first], db.session.get(User, frontdesk))
            assert links.submit(link, {**empty(), "main_complaint": "Stiff neck"})
        db.session.commit()
    return nia


def _home(app, factory, user_id) -> str:
    web = app.test_client()
    login(web, factory.email_of(user_id))
    return web.get("/").get_data(as_text=True)


def test_questionnaires_to_review_on_the_clinical_home_pages(app, factory, clinic_day, therapist, owner):
    theo = _home(app, factory, therapist)
    assert "Questionnaires to review" in theo and "Bea Lark" in theo and "Cy Lark" not in theo
    nia = _home(app, factory, clinic_day)
    assert "Cy Lark" in nia and "Bea Lark" not in nia
    everyone = _home(app, factory, owner)
    assert "Bea Lark" in everyone and "Cy Lark" in everyone


def test_the_desk_sees_its_day_and_counts_not_answers(app, factory, clinic_day, frontdesk):
    page = _home(app, factory, frontdesk)
    assert "Questionnaires to review" not in page and "/intake/" not in page  # no way into the answers
    assert "<strong>2</strong> questionnaires sent back" in page
    theo, nia = page.index("Theo Therapist"), page.index("Nia Therapist")
    assert "Next: <strong>11:00 Bea Lark" in page[theo:] and "Next: <strong>12:00 Cy Lark" in page[nia:]
    for name in ("Ada Lark", "Bea Lark", "Cy Lark", "Dot Lark"):
        assert name in page
    assert "No one is due for a follow-up" in page


def test_the_desk_home_reads_a_fixed_number_of_queries(app, factory, clinic_day, frontdesk, therapist):
    from clinic.clients.services import create_client
    from clinic.schedule.booking import book

    web = app.test_client()
    login(web, factory.email_of(frontdesk))
    with count_queries(app) as first:
        assert web.get("/").status_code == 200
    with app.app_context():
        clinic = db.session.get(Clinic, db.session.get(User, frontdesk).clinic_id)
        service = db.session.query(Service).first()
        for hour in (15, 16):
            client = create_client(clinic.id, {"first_name": f"More{hour}", "last_name": "Lark"})
            book(clinic, db.session.get(User, therapist), client, service,
                 datetime(2026, 11, 18, hour, 0, tzinfo=UTC), outside_hours_ok=True)  # fmt: skip
        db.session.commit()
    with count_queries(app) as more:
        page = web.get("/").get_data(as_text=True)
    assert "More16 Lark" in page and more() == first()


def test_questionnaires_to_review_read_a_range_of_the_index(app, clinic_day, owner):
    """A clinic's years of accepted questionnaires are not read to find the few waiting."""
    from sqlalchemy import insert

    from clinic.intake.awaiting_review import waiting
    from clinic.models import Client, IntakeLink
    from tests.plans import analyze, plans_of, whole_table_scans

    with app.app_context():
        client = db.session.query(Client).first()
        db.session.execute(
            insert(IntakeLink),
            [
                {
                    "clinic_id": client.clinic_id,
                    "client_id": client.id,
                    "token_hash": f"{n:064x}",
                    "created_by_id": owner,
                    "created_at": NOW,
                    "expires_at": NOW,
                    "status": "accepted",
                }
                for n in range(400)
            ],  # fmt: skip
        )
        analyze()
        plans = plans_of(lambda: waiting(client.clinic_id, None, NOW))
        db.session.rollback()
    [plan] = [plan for statement, plan in plans if "FROM intake_link" in statement]
    assert "ix_intake_link_clinic_id_status_submitted_at" in plan, plan
    assert not whole_table_scans(plan, ("intake_link",)), plan
