"""Row builders of the bench data, inserted with SQLAlchemy Core executemany (see bench/seed.py)."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from clinic.rules.search import fold
from clinic.visits.demo import PATTERNS  # the demo's presentations, so bench notes look alike

from .data import (
    CANCEL_REASONS,
    CLINIC_HOURS,
    COMPLAINTS,
    CONDITION_SETS,
    FIRST,
    LAST,
    NOTES,
    REFERRALS,
    SHIFTS,
    SOAP,
    STREETS,
)

YEARS_OF_VISITS = 3
# A therapist's day holds this many visits at every size of the clinic: the history grows with the
# scale, a day does not (at 5x, spreading a million visits evenly would give each therapist 55 today,
# and the home page and today's sheets would measure a day no therapist has, not the history).
TODAY_PER_THERAPIST = 8
TODAY_SHARE = 0.1  # the chance that a client, while their therapist's day has room, is seen today
WEEKS_AHEAD = 10
BATCH = 5_000


def _insert(conn, table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[start : start + BATCH])


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def add_clients(conn, ctx, count: int) -> list[SimpleNamespace]:
    from clinic.models import Client

    rng, today = ctx.rng, ctx.today
    first_weights = [1 / (i + 3) for i in range(len(FIRST))]  # some names common, some rare
    last_weights = [1 / (i + 5) for i in range(len(LAST))]
    clients, rows = [], []
    for n in range(1, count + 1):
        first = rng.choices(FIRST, first_weights)[0]
        last = rng.choices(LAST, last_weights)[0]
        phone = f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        born = None if rng.random() < 0.08 else today - timedelta(days=rng.randint(19 * 365, 85 * 365))
        # a client exists from their first contact; most have visits (drawn later), some are new
        created = today - timedelta(days=rng.randint(0, YEARS_OF_VISITS * 365))
        archived = _at(today - timedelta(days=rng.randint(1, 300)), 12) if rng.random() < 0.02 else None
        ascii_first = first.encode("ascii", "ignore").decode().lower() or "client"
        row = {
            "id": n,
            "clinic_id": ctx.clinic_id,
            "first_name": first,
            "last_name": last,
            "preferred_name": first[:3] if rng.random() < 0.03 else "",
            "date_of_birth": born,
            "phone": phone,
            "phone_digits": "".join(ch for ch in phone if ch.isdigit()),
            "email": f"{ascii_first}.{n}@example.com" if rng.random() < 0.85 else "",
            "address": f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
            "emergency_contact": f"{rng.choice(FIRST)} (partner), +44 7700 9{rng.randint(0, 99999):05d}"
            if rng.random() < 0.7
            else "",
            "referral_source": rng.choice(REFERRALS),
            "notes": rng.choice(NOTES),
            "name_key": fold(f"{first} {last}")[:170],  # the app's rule (clinic/rules/search.py)
            "last_key": fold(last)[:80],
            "archived_at": archived,
            "created_at": _at(created, 9),
            "updated_at": _at(created, 9),
            "version": 1,
        }
        rows.append(row)
        clients.append(
            SimpleNamespace(
                id=n,
                created=created,
                born=born,
                archived=archived is not None,
                full_name=f"{first} {last}",
                pattern=rng.randrange(len(PATTERNS)),
                therapist=rng.choice(ctx.therapist_ids),
            )
        )
    _insert(conn, Client.__table__, rows)
    return clients


def add_health_records(conn, ctx, clients) -> dict[int, list[SimpleNamespace]]:
    """Nine clients in ten have a health history: one version, and a second for two in five."""
    from clinic.intake.health import has_anticoagulant, normalise
    from clinic.models import HealthRecord

    rng, today = ctx.rng, ctx.today
    records: dict[int, list[SimpleNamespace]] = {}
    rows, next_id = [], 1
    for client in clients:
        if rng.random() < 0.10:
            continue
        complaint, areas = COMPLAINTS[client.pattern]
        first_day = client.created
        versions = [
            (first_day, "intake" if rng.random() < 0.7 else "self_intake", rng.choice(CONDITION_SETS), "")
        ]
        if rng.random() < 0.4 and (today - first_day).days > 30:
            later = first_day + timedelta(days=rng.randint(14, (today - first_day).days))
            note = rng.choice(
                (
                    "Started new blood pressure tablets",
                    "No changes since the last version.",
                    "Diagnosed with type 2 diabetes",
                    "Now taking apixaban after a clot",
                )
            )
            extra = {
                "Started new blood pressure tablets": [{"code": "hypertension_controlled"}],
                "Diagnosed with type 2 diabetes": [{"code": "diabetes"}],
                "Now taking apixaban after a clot": [{"code": "anticoagulant"}],
            }.get(note, [])
            versions.append((later, "update", versions[0][2] + extra, note))
        records[client.id] = []
        for number, (day, source, conditions, note) in enumerate(versions, start=1):
            data = normalise(
                {
                    "conditions": conditions,
                    "pain_areas": areas,
                    "main_complaint": complaint,
                    "goals": "Work and sleep without pain",
                    "onset_date": day - timedelta(days=rng.randint(10, 400)),
                    "medications": "Amlodipine 5 mg"
                    if {"code": "hypertension_controlled"} in conditions
                    else "",
                },
                day,
            )
            rows.append(
                {
                    "id": next_id,
                    "clinic_id": ctx.clinic_id,
                    "client_id": client.id,
                    "number": number,
                    "source": source,
                    "conditions": data["conditions"],
                    "medications": data["medications"],
                    "anticoagulant": has_anticoagulant(data),
                    "allergies": "",
                    "pain_areas": data["pain_areas"],
                    "main_complaint": data["main_complaint"],
                    "onset_date": data["onset_date"],
                    "goals": data["goals"],
                    "consent_name": client.full_name,
                    "consent_date": day,
                    "guardian_name": "",
                    "guardian_consent": False,
                    "change_note": note,
                    "created_at": _at(day, 9, 30),
                    "created_by_id": client.therapist,
                }
            )
            records[client.id].append(
                SimpleNamespace(id=next_id, day=day, conditions=data["conditions"], onset=data["onset_date"])
            )
            next_id += 1
    _insert(conn, HealthRecord.__table__, rows)
    return records


def _visit_counts(rng, clients, records, total: int) -> dict[int, int]:
    """Visits per client: skewed (a few regulars with dozens, many with a handful), summing to `total`."""
    # the longest-standing clients are the regulars: the largest counts go to the earliest first visits
    eligible = sorted((c for c in clients if c.id in records), key=lambda c: (c.created, c.id))
    weights = sorted((rng.lognormvariate(0, 0.9) for _ in eligible), reverse=True)
    scale = total / sum(weights)
    counts = {c.id: max(1, min(150, round(w * scale))) for c, w in zip(eligible, weights, strict=True)}
    ids = [c.id for c in eligible]
    diff = total - sum(counts.values())
    while diff:
        cid = rng.choice(ids)
        step = 1 if diff > 0 else -1
        if 1 <= counts[cid] + step <= 150:
            counts[cid] += step
            diff -= step
    return counts


def add_visits(conn, ctx, clients, records, total: int) -> tuple[int, int]:
    from clinic.rules.frequency import RULES_VERSION, recommend
    from clinic.rules.policy import DEFAULT_POLICY
    from clinic.rules.screening import screen
    from clinic.visits.signing import content_hash

    rng, today = ctx.rng, ctx.today
    start_window = today - timedelta(days=YEARS_OF_VISITS * 365)
    counts = _visit_counts(rng, clients, records, total)
    by_id = {c.id: c for c in clients}
    screened: dict[tuple, dict] = {}
    visit_rows, point_rows, signings = [], [], []
    visit_id = point_id = 0
    # Drafts: the first therapist gets a dozen unsigned notes from the last two days (the visit form
    # bench opens them); every other therapist one or two.
    unsigned_quota = {tid: (12 if i == 0 else rng.randint(1, 2)) for i, tid in enumerate(ctx.therapist_ids)}
    today_quota = dict.fromkeys(ctx.therapist_ids, TODAY_PER_THERAPIST)
    for client_id, n in counts.items():
        client = by_id[client_id]
        versions = records[client_id]
        first = max(versions[0].day, start_window)
        span = max((today - first).days, n)
        first = today - timedelta(days=span)
        days = sorted(first + timedelta(days=d) for d in rng.sample(range(span), n))  # before today
        if today_quota.get(client.therapist, 0) > 0 and rng.random() < TODAY_SHARE:
            today_quota[client.therapist] -= 1
            days[-1] = today
        pattern = PATTERNS[client.pattern]
        first_pain = rng.randint(5, 9)
        history: list[dict] = []
        for k, day in enumerate(days):
            visit_id += 1
            record = versions[-1] if len(versions) > 1 and day >= versions[1].day else versions[0]
            own = rng.random() < 0.85 or day == today
            therapist = client.therapist if own else rng.choice(ctx.therapist_ids)
            pain = max(1, first_pain - k // 2 + rng.choice((-1, 0, 0, 1)))
            pain = min(pain, 10)
            pain_after = max(0, pain - rng.randint(1, 3))
            recent = (today - day).days <= 365
            chosen = pattern[: rng.randint(1, 2)] if recent else pattern[:2]
            plan = [{"technique": p[4], "region": p[2]} for p in chosen]
            age = None if client.born is None else (day - client.born).days // 365
            key = (
                tuple((c["code"]) for c in record.conditions),
                tuple(p["region"] for p in plan),
                age is None,
            )
            if key not in screened:
                screened[key] = screen(
                    {
                        "on": day.isoformat(),
                        "age": 40 if age is None else age,
                        "consent": True,
                        "guardian_consent": False,
                        "plan": plan,
                        "conditions": [
                            {
                                "code": c["code"],
                                "region": c.get("region"),
                                "date": None,
                                "weeks": None,
                                "cleared": c.get("cleared", False),
                            }
                            for c in record.conditions
                        ],
                    },
                    DEFAULT_POLICY,
                )
            result = screened[key]
            plan_items, withheld = [], []
            for item, outcome in zip(plan, result["items"], strict=True):
                decision = "withheld" if outcome["verdict"] == "contraindicated" else "proceed"
                reason = (
                    "Lighter pressure and shorter holds; client informed."
                    if outcome["verdict"] in ("refer", "modify")
                    else ""
                )
                plan_items.append(
                    {**item, "decision": decision, "reason": reason, "source": "point" if recent else "plan"}
                )
                if decision == "withheld":
                    withheld.append(item)
            points = []
            if recent:
                for number, (muscle, side, region, view, technique) in enumerate(chosen, start=1):
                    if {"technique": technique, "region": region} in withheld:
                        continue
                    point_id += 1
                    points.append(
                        {
                            "id": point_id,
                            "visit_id": visit_id,
                            "number": number,
                            "muscle": muscle,
                            "side": side,
                            "region": region,
                            "view": view,
                            "x": round(rng.uniform(40, 160), 1),
                            "y": round(rng.uniform(40, 400), 1),
                            "kind": "active" if k < 2 else rng.choice(("active", "latent")),
                            "taut_band": True,
                            "twitch": rng.random() < 0.3,
                            "referral": "",
                            "technique": technique,
                            "tool_detail": "lacrosse ball" if technique == "massage_ball" else "",
                            "pressure": rng.randint(3, 7),
                            "pressure_scale": "felt",
                            "hold_seconds": 60,
                            "repetitions": 2,
                            "pain_before": min(pain + 1, 10),
                            "pain_after": pain_after,
                        }
                    )
            frequency = {
                "recommended": recommend(
                    {
                        "on": day.isoformat(),
                        "onset": min(record.onset, day).isoformat(),
                        "pain_now": pain,
                        "active_points": sum(1 for p in points if p["kind"] == "active"),
                        "conditions": sorted({c["code"] for c in record.conditions}),
                        "history": history,
                    }
                ),
                "rules_version": RULES_VERSION,
            }
            history.append({"date": day.isoformat(), "pain_before": pain, "pain_after": pain_after})
            soap = SOAP[0 if k == 0 else rng.randrange(1, len(SOAP))]
            draft = (today - day).days <= 2 and unsigned_quota.get(therapist, 0) > 0 and k == n - 1
            if draft:
                unsigned_quota[therapist] -= 1
            row = {
                "id": visit_id,
                "clinic_id": ctx.clinic_id,
                "client_id": client_id,
                "therapist_id": therapist,
                "appointment_id": None,
                "health_record_id": record.id,
                "visit_date": day,
                "plan_items": plan_items,
                "screening": result,
                "rules_version": result["rules_version"],
                "overrides": [],
                "withheld": withheld,
                "subjective": soap[0].format(pain=pain),
                "objective": soap[1],
                "assessment": soap[2],
                "plan": soap[3],
                "pain_before": pain,
                "pain_after": pain_after,
                "adverse_responses": "",
                "lubricant": "Unscented lotion",
                "aftercare_given": "Sheet given; ball against the wall, 60 s per spot.",
                "notes": "",
                "frequency": frequency,
                "next_due": date.fromisoformat(frequency["recommended"]["proposed_dates"][0]),
                "signed_at": None if draft else _at(day, 17, 30),
                "signed_by_id": None if draft else therapist,
                "content_hash": None,
                "created_at": _at(day, 10),
                "updated_at": _at(day, 17, 30),
                "version": 1 if draft else 2,
            }
            if not draft:
                row["content_hash"] = _hash(row, points, content_hash)
                if points:
                    # the database refuses points on a signed note: insert, add the points, then sign
                    signings.append(
                        {
                            "vid": visit_id,
                            "s_at": row["signed_at"],
                            "s_by": therapist,
                            "s_hash": row["content_hash"],
                            "s_upd": row["updated_at"],
                        }
                    )
                    row = {**row, "signed_at": None, "signed_by_id": None, "content_hash": None}
            visit_rows.append(row)
            point_rows.extend(points)
        if len(visit_rows) >= BATCH * 4:
            _flush_visits(conn, visit_rows, point_rows, signings)
            visit_rows, point_rows, signings = [], [], []
    _flush_visits(conn, visit_rows, point_rows, signings)
    return visit_id, point_id


def _flush_visits(conn, visit_rows: list[dict], point_rows: list[dict], signings: list[dict]) -> None:
    from sqlalchemy import bindparam, update

    from clinic.models import TriggerPoint, Visit

    table = Visit.__table__
    _insert(conn, table, visit_rows)
    _insert(conn, TriggerPoint.__table__, point_rows)
    if signings:
        sign = (
            update(table)
            .where(table.c.id == bindparam("vid"))
            .values(
                signed_at=bindparam("s_at"),
                signed_by_id=bindparam("s_by"),
                content_hash=bindparam("s_hash"),
                updated_at=bindparam("s_upd"),
            )
        )
        for start in range(0, len(signings), BATCH):
            conn.execute(sign, signings[start : start + BATCH])


def _hash(row: dict, points: list[dict], content_hash) -> str:
    """The signing hash, computed by the app's own function over the row as it will read back."""
    visit = SimpleNamespace(**row, points=[SimpleNamespace(**p) for p in points])
    return content_hash(visit, documents=[])  # the bench's notes have no documents


def add_appointments(conn, ctx, clients, total: int) -> int:
    """Each therapist's shifts filled newest day first, about three in four slots booked, until `total`."""
    from clinic.models import Appointment
    from clinic.rules.scheduling import local_instant

    rng, today, tz = ctx.rng, ctx.today, ctx.tz
    now = datetime.now(UTC)
    active = [c.id for c in clients if not c.archived]
    regulars = active[: len(active) // 3]
    rows: list[dict] = []
    day = today + timedelta(days=7 * WEEKS_AHEAD)
    next_id = total  # ids count down so that newer appointments have higher ids, as in real life
    while len(rows) < total:
        ahead = (day - today).days
        fullness = 0.8 if ahead <= 0 else max(0.15, 0.8 - ahead / (7 * WEEKS_AHEAD) * 0.65)
        used: set[int] = set()
        for therapist, (weekdays, shift_start, shift_end) in zip(ctx.therapist_ids, SHIFTS, strict=True):
            if day.weekday() not in weekdays or day.weekday() not in CLINIC_HOURS:
                continue
            day_rows = []
            cursor = datetime.combine(day, shift_start)
            close = datetime.combine(day, shift_end)
            while True:
                service = rng.choices(ctx.service_ids, weights=(2, 6, 2))[0]
                length = timedelta(minutes=ctx.service_minutes[service])
                if cursor + length > close:
                    break
                if rng.random() > fullness:
                    cursor += timedelta(minutes=rng.choice((15, 30, 30, 60)))
                    continue
                client_id = rng.choice(regulars if rng.random() < 0.6 else active)
                if client_id in used:
                    continue
                used.add(client_id)
                start = local_instant(day, cursor.time(), tz)
                end = start + length
                day_rows.append(
                    {
                        "clinic_id": ctx.clinic_id,
                        "therapist_id": therapist,
                        "client_id": client_id,
                        "service_id": service,
                        "start_at": start,
                        "end_at": end,
                        "cancel_reason": "",
                        "notes": "",
                        "source_visit_id": None,
                        "created_by_id": rng.choice((therapist, ctx.desk_id)),
                        "created_at": min(start - timedelta(days=rng.randint(1, 40)), now),
                        "version": 1,
                        **_status(rng, start, end, now),
                    }
                )
                cursor += length + timedelta(minutes=rng.choice((0, 0, 0, 15)))
            rows.extend(reversed(day_rows))  # newest first: the overlap trigger's range scan stays empty
        day -= timedelta(days=1)
    rows = rows[:total]
    for row in rows:
        row["id"] = next_id
        row["updated_at"] = row["created_at"]
        next_id -= 1
    _insert(conn, Appointment.__table__, rows)
    return len(rows)


def _status(rng, start: datetime, end: datetime, now: datetime) -> dict:
    roll = rng.random()
    if roll < 0.06:
        return {"status": "cancelled", "cancel_reason": rng.choice(CANCEL_REASONS)}
    if end <= now:
        return {"status": "no_show"} if roll < 0.10 else {"status": "completed"}
    if start <= now:
        return {"status": "arrived"}
    return {"status": "booked", "notes": "Prefers the ground-floor room" if roll > 0.97 else ""}
