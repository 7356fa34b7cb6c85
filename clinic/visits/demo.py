"""Demo visits: weeks of signed notes with trigger points, so history and charts have something to show."""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from .. import bodymap
from ..extensions import db
from ..models import Client, Clinic, TriggerPoint, User, Visit
from . import frequency, services
from .signing import content_hash

# (muscle, side, region, view, technique): typical presentations
PATTERNS = (
    (
        ("upper_trapezius", "right", "shoulder_r", "back", "hand_pressure"),
        ("levator_scapulae", "right", "neck_posterior", "back", "hand_pressure"),
        ("infraspinatus", "right", "upper_back", "back", "massage_ball"),
    ),
    (
        ("quadratus_lumborum", "left", "lower_back", "back", "hand_pressure"),
        ("gluteus_medius", "left", "gluteal_l", "back", "massage_ball"),
        ("piriformis", "left", "gluteal_l", "back", "hand_pressure"),
    ),
    (
        ("gastrocnemius", "right", "calf_r", "back", "foam_roller"),
        ("soleus", "right", "calf_r", "back", "hand_pressure"),
        ("tibialis_anterior", "right", "shin_r", "front", "massage"),
    ),
    (
        ("masseter", "left", "jaw_l", "front", "hand_pressure"),
        ("temporalis", "left", "head", "front", "hand_pressure"),
        ("sternocleidomastoid", "left", "neck_anterior", "front", "stretching"),
    ),
)
SOAP = (
    (
        "Stiff and sore after a long week at the desk; {pain}/10 at worst.",
        "Taut bands palpated; active points reproduce the familiar pain.",
        "Myofascial pain, responding to treatment.",
        "Continue; home stretches twice daily.",
    ),
    (
        "Better since last time; still aches by the evening ({pain}/10).",
        "Fewer active points; range improved.",
        "Improving.",
        "Keep to the plan; review at the fourth session.",
    ),
)


def _point_position(rng: random.Random, view: str, region: str) -> tuple[float | None, float | None]:
    centre = bodymap.region_centroid(view, region)
    if centre is None:
        return None, None
    return round(centre[0] + rng.uniform(-3, 3), 1), round(centre[1] + rng.uniform(-3, 3), 1)


def _sign(visit: Visit, therapist: User) -> None:
    visit.signed_at = datetime.combine(visit.visit_date, time(17, 30), tzinfo=UTC)
    visit.signed_by_id = therapist.id
    visit.content_hash = content_hash(visit)


def demo_visits(clinic: Clinic, staff: dict[str, list[User]], count: int) -> dict:
    """DEMO_STEPS entry: 1 to 6 weekly visits for four clients in five; one unsigned note left to finish."""
    from ..clock import clinic_today
    from ..intake.services import current_record

    rng = random.Random(11)  # noqa: S311
    therapists = staff.get("therapist") or staff["owner"]
    today = clinic_today(clinic)
    clients = db.session.scalars(
        select(Client).where(Client.clinic_id == clinic.id).order_by(Client.id)
    ).all()
    made = 0
    for index, client in enumerate(clients):
        record = current_record(client.id)
        if index % 5 == 4 or record is None or not record.has_consent:
            continue
        therapist = therapists[index % len(therapists)]
        pattern = PATTERNS[index % len(PATTERNS)]
        sessions = rng.randint(1, 6)
        first_pain = rng.randint(5, 8)
        start = today - timedelta(days=7 * sessions + rng.randint(1, 4))
        for k in range(sessions):
            day = start + timedelta(days=7 * k)
            pain = max(first_pain - k, 1)
            points = []
            for muscle, side, region, view, technique in pattern[: rng.randint(2, 3)]:
                x, y = _point_position(rng, view, region)
                points.append(
                    {
                        "muscle": muscle,
                        "side": side,
                        "region": region,
                        "view": view,
                        "x": x,
                        "y": y,
                        "kind": "active" if k < 2 else rng.choice(("active", "latent")),
                        "taut_band": True,
                        "twitch": rng.random() < 0.3,
                        "referral": "",
                        "technique": technique,
                        "tool_detail": "lacrosse ball" if technique == "massage_ball" else "",
                        "pressure": rng.randint(4, 7),
                        "pressure_scale": "felt",
                        "hold_seconds": 60,
                        "repetitions": 2,
                        "pain_before": min(pain + 1, 10),
                        "pain_after": max(pain - 2, 0),
                    }
                )
            visit = Visit(
                clinic_id=clinic.id,
                client=client,
                therapist_id=therapist.id,
                visit_date=day,
                health_record=record,
            )
            db.session.add(visit)
            try:
                screened = services.screen_plan(visit, [], points)
            except services.NoteProblems:
                db.session.expunge(visit)
                continue  # a condition dated after this visit: the history did not exist yet
            for item, outcome in zip(screened.items, screened.result["items"], strict=True):
                if outcome["verdict"] == "contraindicated":
                    item["decision"] = "withheld"
                elif outcome["verdict"] in ("refer", "modify"):
                    item["reason"] = "Lighter pressure and shorter holds; client informed."
            withheld = {(i["technique"], i["region"]) for i in screened.items if i["decision"] == "withheld"}
            points = [p for p in points if (p["technique"], p["region"]) not in withheld]
            services._store_screening(visit, screened)
            subjective, objective, assessment, plan = SOAP[min(k, 1)]
            visit.subjective, visit.objective = subjective.format(pain=pain), objective
            visit.assessment, visit.plan = assessment, plan
            visit.pain_before, visit.pain_after = pain, max(pain - 2, 0)
            visit.lubricant = "Unscented lotion"
            visit.aftercare_given = (
                "Ball against the wall on the sore spots, 60 s per spot, once a day.\n"
                "Warm shower before, not after."
            )
            for number, values in enumerate(points, start=1):
                visit.points.append(TriggerPoint(number=number, **values))
            db.session.flush()
            frequency.refresh_recommendation(visit)
            db.session.flush()
            last_unsigned = index == 0 and k == sessions - 1
            if last_unsigned:
                visit.created_at = datetime.combine(day, time(12, 0), tzinfo=UTC)
            else:
                _sign(visit, therapist)
            db.session.flush()
            made += 1
    return {"visits": made}
