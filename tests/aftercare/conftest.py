"""Fixtures for the aftercare tests: a realistic visit as plain input (no app, no database)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from clinic.aftercare.sheet import (
    AftercareInput,
    ClinicInfo,
    FrequencyAdvice,
    NextAppointment,
    TreatedPoint,
)

VISIT_DAY = date(2026, 11, 24)

# What the clinic's database holds about this client beyond what a sheet may carry. The app gives
# the builder only the screening's condition codes; the tests check none of the rest shows up.
HEALTH_RECORD = {
    "last_name": "Harrowgate",
    "date_of_birth": "14/03/1961",
    "date_of_birth_iso": "1961-03-14",
    "medications": ["Warfarin 5 mg", "Sertraline 50 mg", "Metformin 500 mg"],
    "notes": "Recently divorced, poor sleep; husband's affair disclosed in session.",
    "soap_assessment": "Active TrP upper trapezius, referral to temple; pain 7/10 before, 4/10 after.",
    "conditions": [
        "anticoagulant",
        "diabetes",
        "acute_injury",
        "epilepsy",
        "cancer_active",
        "fibromyalgia",
        "hypertension_controlled",
        "kidney_disease",
    ],
}


def clinic_info(**changes: Any) -> ClinicInfo:
    values: dict[str, Any] = {
        "name": "Knot & Ease Trigger Point Clinic",
        "address": "12 Harbour Street\nBristol BS1 4AA",
        "phone": "0117 496 0000",
        "email": "hello@knotease.example",
        "paper": "A4",
    }
    values.update(changes)
    return ClinicInfo(**values)


def visit_input(**changes: Any) -> AftercareInput:
    values: dict[str, Any] = {
        "clinic": clinic_info(),
        "client_first_name": "Zoë",
        "visit_date": VISIT_DAY,
        "therapist_name": "Sam Lee",
        "regions": ["shoulder_l", "upper_back", "calf_r"],
        "muscles": ["Upper trapezius", "Levator scapulae", "Gastrocnemius"],
        "techniques": ["hand_pressure", "massage_ball", "foam_roller", "stretching", "dry_needling"],
        "points": [
            TreatedPoint("back", 64, 99, 1, "shoulder_l"),
            TreatedPoint("back", 100, 118, 2, "upper_back"),
            TreatedPoint("back", None, None, 3, "calf_r"),
        ],
        "precautions": list(HEALTH_RECORD["conditions"]),
        "next_appointments": [
            NextAppointment(datetime(2026, 12, 8, 14, 0), "Sam Lee"),
            NextAppointment(datetime(2026, 12, 1, 10, 30), "Ana Ruiz"),
        ],
        "frequency": FrequencyAdvice("chronic", 7),
    }
    values.update(changes)
    return AftercareInput(**values)


@pytest.fixture
def make_input() -> Callable[..., AftercareInput]:
    return visit_input


@pytest.fixture
def make_clinic() -> Callable[..., ClinicInfo]:
    return clinic_info


@pytest.fixture
def health_record() -> dict[str, Any]:
    return HEALTH_RECORD
