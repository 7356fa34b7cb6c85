"""Shared set-up for the visit tests: a client with a health record, and note form data."""

from datetime import date

from clinic.extensions import db
from clinic.models import Client, HealthRecord, Visit


def make_client(
    app, clinic_id, user_id, conditions=(), first="Maya", last="Okafor", onset=None, consent=True
):
    with app.app_context():
        client = Client(
            clinic_id=clinic_id,
            first_name=first,
            last_name=last,
            name_key=f"{first} {last}".lower(),
            last_key=last.lower(),
            date_of_birth=date(1985, 5, 1),
        )
        db.session.add(client)
        db.session.flush()
        db.session.add(
            HealthRecord(
                clinic_id=clinic_id,
                client_id=client.id,
                number=1,
                source="intake",
                conditions=list(conditions),
                consent_name=f"{first} {last}" if consent else "",
                consent_date=date(2026, 1, 5) if consent else None,
                onset_date=onset,
                created_by_id=user_id,
                main_complaint="Neck and shoulder pain",
            )
        )
        db.session.commit()
        return client.id


def point(**overrides):
    values = {
        "muscle": "upper_trapezius",
        "side": "right",
        "region": "shoulder_r",
        "view": "back",
        "x": "130",
        "y": "95",
        "kind": "active",
        "technique": "hand_pressure",
        "pressure": "6",
        "pressure_scale": "felt",
        "hold_seconds": "60",
        "repetitions": "2",
        "pain_before": "7",
        "pain_after": "3",
        "referral": "temple",
        "tool_detail": "",
        "taut_band": "y",
    }
    values.update(overrides)
    return values


def note_data(points=(), plan=(), **fields):
    data = {
        "subjective": "Stiff neck after long drives",
        "objective": "Taut band right upper trapezius",
        "assessment": "Active TrP",
        "plan": "Weekly",
        "pain_before": "6",
        "pain_after": "3",
        "version": "",
    }
    data.update(fields)
    for n, item in enumerate(plan):
        for key, value in item.items():
            data[f"plan_items-{n}-{key}"] = value
    for n, values in enumerate(points):
        for key, value in values.items():
            data[f"points-{n}-{key}"] = value
    return data


def visit_row(app, visit_id):
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        db.session.expunge_all()
        return visit
