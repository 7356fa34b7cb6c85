"""Demo health histories: realistic, varied, and covering every screening verdict.

`demo_health_histories` is the DEMO_STEPS entry; it gives histories to the clients the clients demo
created. Clients under 18 get the two minor scenarios (with and without guardian consent); adults
get the adult scenarios in turn, the first ones being those that trigger each verdict.
"""

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from ..clock import clinic_today
from ..extensions import db
from ..models import Client, Clinic, HealthRecord, IntakeLink, User
from .health import has_anticoagulant, normalise, to_json
from .links import token_hash

# A version: (days before today, source, answers (only what differs from the version before), note)
Version = tuple[int, str, dict[str, Any], str]


def _consent(client: Client, day: date) -> dict[str, Any]:
    return {"consent_name": client.full_name, "consent_date": day}


def _ago(today: date, days: int) -> str:
    return (today - timedelta(days=days)).isoformat()


def knee_surgery(c: Client, t: date) -> list[Version]:
    return [
        (
            60,
            "intake",
            {
                "main_complaint": "Tight quads and hamstrings from running",
                "goals": "Back to 10 km runs",
                "pain_areas": ["thigh_front_r", "thigh_back_r"],
                "onset_date": t - timedelta(days=90),
                **_consent(c, t - timedelta(days=60)),
            },
            "",
        ),
        (
            14,
            "update",
            {
                "conditions": [
                    {
                        "code": "recent_surgery",
                        "region": "knee_r",
                        "date": _ago(t, 21),
                        "note": "Arthroscopy, meniscus trim",
                    }
                ],
                "pain_areas": ["knee_r", "thigh_front_r"],
            },
            "Had knee surgery three weeks ago",
        ),
    ]


def anticoagulant(c: Client, t: date) -> list[Version]:
    return [
        (
            200,
            "intake",
            {
                "conditions": [{"code": "anticoagulant"}, {"code": "hypertension_controlled"}],
                "medications": "Apixaban 5 mg twice daily (atrial fibrillation); amlodipine 5 mg",
                "main_complaint": "Aching upper back and shoulders",
                "pain_areas": ["upper_back", "shoulder_l", "shoulder_r"],
                "goals": "Garden without pain",
                **_consent(c, t - timedelta(days=200)),
            },
            "",
        )
    ]


def pregnancy(c: Client, t: date) -> list[Version]:
    return [
        (
            7,
            "self_intake",
            {
                "conditions": [
                    {"code": "pregnancy", "weeks": 19},
                    {"code": "lubricant_allergy", "note": "Almond oil"},
                ],
                "main_complaint": "Lower back and hip ache",
                "pain_areas": ["lower_back", "hip_l", "gluteal_l"],
                "onset_date": t - timedelta(days=30),
                "goals": "Sleep better",
                **_consent(c, t - timedelta(days=8)),
            },
            "Filled in online before the first visit",
        )
    ]


def fever_today(c: Client, t: date) -> list[Version]:
    return [
        (
            120,
            "intake",
            {
                "main_complaint": "Neck stiffness and headaches at work",
                "pain_areas": ["neck_posterior", "head"],
                "goals": "Fewer headaches",
                "medications": "Ibuprofen when needed",
                **_consent(c, t - timedelta(days=120)),
            },
            "",
        ),
        (40, "update", {}, "No changes since the last version."),
        (
            0,
            "update",
            {"conditions": [{"code": "fever", "note": "38.4 °C this morning"}]},
            "Woke up with a temperature",
        ),
    ]


def heart_disease(c: Client, t: date) -> list[Version]:
    return [
        (
            90,
            "intake",
            {
                "conditions": [
                    {"code": "heart_disease", "note": "Heart failure, under cardiology"},
                    {"code": "diabetes"},
                ],
                "medications": "Bisoprolol 2.5 mg, ramipril 5 mg, metformin 500 mg, GTN spray",
                "main_complaint": "Stiff calves and feet in the morning",
                "pain_areas": ["calf_l", "calf_r"],
                **_consent(c, t - timedelta(days=90)),
            },
            "",
        )
    ]


def healthy(c: Client, t: date) -> list[Version]:
    return [
        (
            30,
            "intake",
            {
                "main_complaint": "Tension between the shoulder blades after desk work",
                "pain_areas": ["upper_back", "neck_posterior"],
                "goals": "Work a full day without aching",
                "onset_date": t - timedelta(days=180),
                **_consent(c, t - timedelta(days=30)),
            },
            "",
        )
    ]


def lymphedema(c: Client, t: date) -> list[Version]:
    arm = ["axilla_l", "upper_arm_l", "elbow_l", "forearm_l", "wrist_hand_l"]
    note = "Nodes removed 2021 (breast cancer)"
    return [
        (
            150,
            "intake",
            {
                "conditions": [{"code": "lymphedema", "region": region, "note": note} for region in arm],
                "medications": "Letrozole 2.5 mg",
                "main_complaint": "Right shoulder and neck tension",
                "pain_areas": ["shoulder_r", "neck_posterior"],
                "goals": "Lift grandchildren",
                "allergies": "Penicillin",
                **_consent(c, t - timedelta(days=150)),
            },
            "",
        )
    ]


def diabetic_feet(c: Client, t: date) -> list[Version]:
    return [
        (
            300,
            "intake",
            {
                "conditions": [{"code": "diabetes"}],
                "medications": "Insulin glargine, insulin aspart",
                "main_complaint": "Plantar heel pain",
                "pain_areas": ["ankle_foot_l", "ankle_foot_r"],
                **_consent(c, t - timedelta(days=300)),
            },
            "",
        ),
        (
            60,
            "edit",
            {
                "conditions": [
                    {"code": "diabetes"},
                    {"code": "insulin_site", "region": "abdomen"},
                    {"code": "neuropathy", "region": "ankle_foot_l"},
                    {"code": "neuropathy", "region": "ankle_foot_r"},
                ]
            },
            "Podiatrist confirmed reduced sensation in both feet",
        ),
    ]


def ankle_sprain(c: Client, t: date) -> list[Version]:
    return [
        (
            2,
            "intake",
            {
                "conditions": [{"code": "acute_injury", "region": "ankle_foot_l", "date": _ago(t, 2)}],
                "main_complaint": "Rolled the left ankle at five-a-side",
                "pain_areas": ["ankle_foot_l", "calf_l"],
                "onset_date": t - timedelta(days=2),
                **_consent(c, t - timedelta(days=2)),
            },
            "",
        )
    ]


def fibromyalgia(c: Client, t: date) -> list[Version]:
    return [
        (
            400,
            "intake",
            {
                "conditions": [{"code": "fibromyalgia"}, {"code": "osteoporosis"}, {"code": "latex_allergy"}],
                "medications": "Amitriptyline 10 mg at night; alendronic acid weekly",
                "main_complaint": "Widespread aching, worst in the neck and hips",
                "pain_areas": ["neck_posterior", "hip_l", "hip_r", "lower_back"],
                "goals": "Walk the dog every day",
                **_consent(c, t - timedelta(days=400)),
            },
            "",
        )
    ]


def no_consent_yet(c: Client, t: date) -> list[Version]:
    return [
        (
            1,
            "intake",
            {"main_complaint": "Jaw pain when chewing", "pain_areas": ["jaw_l", "face"]},
            "Consent to be signed at the first visit",
        )
    ]


def minor_with_guardian(c: Client, t: date) -> list[Version]:
    return [
        (
            20,
            "intake",
            {
                "main_complaint": "Tight hamstrings from football",
                "pain_areas": ["thigh_back_l", "thigh_back_r"],
                "goals": "Play the full match",
                **_consent(c, t - timedelta(days=20)),
                "guardian_name": "Parent of " + c.first_name,
                "guardian_consent": True,
            },
            "",
        )
    ]


def minor_without_guardian(c: Client, t: date) -> list[Version]:
    return [
        (
            5,
            "intake",
            {
                "main_complaint": "Sore shoulder from swimming training",
                "pain_areas": ["shoulder_r"],
                **_consent(c, t - timedelta(days=5)),
            },
            "Guardian's consent still to come",
        )
    ]


# Everyday presentations with no condition, or a mild one, for the clients after the first dozen.
_EVERYDAY = (
    ("Tight calves and shins from marathon training", ["calf_l", "calf_r", "shin_l"], "Run a marathon", []),
    ("Tension headaches after screen work", ["neck_posterior", "head", "shoulder_l"], "Fewer headaches", []),
    ("Heel pain first thing in the morning", ["ankle_foot_r", "calf_r"], "Walk to work again", []),
    ("Outer elbow pain from climbing", ["elbow_r", "forearm_r"], "Climb twice a week", []),
    (
        "Low back ache after gardening",
        ["lower_back", "gluteal_l", "gluteal_r"],
        "Dig without pain",
        [{"code": "hypertension_controlled"}],
    ),
    ("Jaw clenching and sore temples", ["jaw_l", "jaw_r", "face"], "Sleep without grinding", []),
)


def everyday(index: int) -> Callable[[Client, date], list[Version]]:
    complaint, pain, goals, conditions = _EVERYDAY[index % len(_EVERYDAY)]

    def scenario(c: Client, t: date) -> list[Version]:
        days = 20 + 37 * index % 300
        return [
            (
                days,
                "intake",
                {
                    "main_complaint": complaint,
                    "pain_areas": pain,
                    "goals": goals,
                    "conditions": conditions,
                    **_consent(c, t - timedelta(days=days)),
                },
                "",
            )
        ]

    return scenario


ADULT_SCENARIOS: list[Callable[[Client, date], list[Version]]] = [
    knee_surgery,
    anticoagulant,
    pregnancy,
    fever_today,
    heart_disease,
    healthy,
    lymphedema,
    diabetic_feet,
    ankle_sprain,
    fibromyalgia,
    no_consent_yet,
    healthy,
]
LATER_SCENARIOS = [everyday(i) for i in range(len(_EVERYDAY))] + [anticoagulant, diabetic_feet, fibromyalgia]
MINOR_SCENARIOS = [minor_with_guardian, minor_without_guardian]


def _write(clinic: Clinic, client: Client, therapist: User, today: date, versions: list[Version]) -> int:
    data: dict[str, Any] | None = None
    for number, (days, source, answers, note) in enumerate(versions, start=1):
        day = today - timedelta(days=days)
        data = normalise({**answers, "change_note": note}, day, base=data)
        at = datetime.combine(day, time(10, 30), clinic.tz).astimezone(UTC)
        db.session.add(
            HealthRecord(
                clinic_id=clinic.id,
                client_id=client.id,
                number=number,
                source=source,
                created_at=at,
                created_by_id=therapist.id,
                anticoagulant=has_anticoagulant(data),
                **data,
            )
        )
    return len(versions)


def add_histories(clinic: Clinic, clients: list[Client], therapist: User, today: date) -> int:
    """Give each client a history (several versions for some); returns the number of versions.

    The first adults get, in turn: knee surgery 3 weeks ago, an anticoagulant, pregnancy at 20 weeks,
    a fever today, heart disease, a healthy adult, lymphoedema of the left arm, diabetes with
    neuropathy in the feet; the first two clients under 18 get guardian consent and no guardian
    consent. One more adult, if any, has a self-intake form waiting for review; the others get
    everyday presentations.
    """
    count = adults = minors = 0
    waiting = None
    for client in clients:
        age = client.age_on(today)
        if age is not None and age < 18:
            scenario = MINOR_SCENARIOS[minors % len(MINOR_SCENARIOS)]
            minors += 1
        elif adults == len(ADULT_SCENARIOS) and waiting is None:
            waiting = client
            continue
        else:
            first = adults < len(ADULT_SCENARIOS)
            scenario = ADULT_SCENARIOS[adults] if first else LATER_SCENARIOS[adults % len(LATER_SCENARIOS)]
            adults += 1
        count += _write(clinic, client, therapist, today, scenario(client, today))
    if waiting is not None:
        _waiting_self_intake(clinic, waiting, therapist, today)
    db.session.flush()
    return count


def _waiting_self_intake(clinic: Clinic, client: Client, therapist: User, today: date) -> None:
    sent = datetime.combine(today - timedelta(days=1), time(19, 0), clinic.tz).astimezone(UTC)
    answers = normalise(
        {
            "conditions": [
                {"code": "varicose_veins", "region": "leg_l"},
                {"code": "dvt_history", "region": "calf_l"},
            ],
            "main_complaint": "Heavy, aching legs after standing all day",
            "pain_areas": ["calf_l", "calf_r"],
            "consent_name": client.full_name,
            "consent_date": today - timedelta(days=1),
        },
        today,
    )
    # The token is thrown away: the form was sent, so the link is closed anyway.
    db.session.add(
        IntakeLink(
            clinic_id=clinic.id,
            client_id=client.id,
            token_hash=token_hash(secrets.token_urlsafe(32)),
            created_by_id=therapist.id,
            created_at=sent - timedelta(days=2),
            expires_at=sent + timedelta(days=5),
            submitted_at=sent,
            submission=to_json(answers),
            status="submitted",
        )
    )


def demo_health_histories(clinic: Clinic, staff: dict[str, list[User]], clients_count: int) -> dict:
    """DEMO_STEPS entry: histories for the clinic's demo clients."""
    therapist = (staff.get("therapist") or staff.get("owner"))[0]
    query = select(Client).where(Client.clinic_id == clinic.id, Client.archived_at.is_(None))
    query = query.order_by(Client.id)
    clients = list(db.session.scalars(query))
    return {"health_records": add_histories(clinic, clients, therapist, clinic_today(clinic))}
