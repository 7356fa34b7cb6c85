"""Builds an aftercare sheet's input from a visit: plain values, and only what a sheet may show.

Nothing of the health history is copied: no conditions list, medications, notes or SOAP text. The
therapist's home-care advice (the note's "aftercare given", labelled as printing on the sheet) is
copied as written: it is written for the client. The only other clinical content is the condition
codes of the screening findings for what was performed, limited to those with a client-facing
precaution (wording.PRECAUTION_KEYS).
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import bodymap
from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Clinic, User, Visit
from ..rules.frequency import effective
from ..rules.muscles import MUSCLES
from ..rules.vocabulary import REGION_GROUPS, REGIONS, TECHNIQUES
from . import wording as w
from .inputs import (
    PAPERS,
    PNG_SIGNATURE,
    AftercareInput,
    ClinicInfo,
    FrequencyAdvice,
    NextAppointment,
    TreatedPoint,
)

NEXT_APPOINTMENTS = 3
# What a visit's sheet reads of it, loaded with the visit (the staff PDF, the client's page, the portal).
VISIT_OPTIONS = (selectinload(Visit.points), joinedload(Visit.client), joinedload(Visit.therapist))


def clinic_info(clinic: Clinic) -> ClinicInfo:
    paper = (clinic.settings or {}).get("paper", "A4")
    logo = clinic.logo_png if clinic.logo_png and bytes(clinic.logo_png).startswith(PNG_SIGNATURE) else None
    return ClinicInfo(
        name=clinic.name,
        address=clinic.address or "",
        phone=clinic.phone or "",
        email=clinic.email or "",
        logo_png=bytes(logo) if logo else None,
        paper=paper if paper in PAPERS else "A4",
    )


def _performed_items(visit: Visit) -> list[tuple[dict, dict | None]]:
    """(plan item, its screening outcome) for each item not withheld. Plan and screening items are
    stored side by side (visits/services._store_screening); `withheld` lists indexes too."""
    items = visit.plan_items or []
    outcomes = (visit.screening or {}).get("items") or []
    withheld = {entry.get("index") for entry in visit.withheld or []}
    performed = []
    for index, item in enumerate(items):
        if index in withheld or item.get("decision") == "withheld":
            continue
        performed.append((item, outcomes[index] if index < len(outcomes) else None))
    return performed


def precautions(visit: Visit) -> list[str]:
    """Condition codes of the findings for performed items that the client should know about."""
    codes: list[str] = []
    for _, outcome in _performed_items(visit):
        for finding in (outcome or {}).get("findings") or []:
            code = finding.get("condition")
            if code in w.PRECAUTION_KEYS and code not in codes:
                codes.append(code)
    return codes


def _point(point) -> TreatedPoint | None:
    if point.view not in bodymap.VIEWS or not isinstance(point.number, int) or point.number < 1:
        return None
    region = point.region if point.region in REGIONS else None
    if point.x is not None and point.y is not None:
        try:
            view, x, y = bodymap.validate_point(point.view, point.x, point.y)
        except ValueError:
            pass  # off the map: drawn at the centre of its region instead
        else:
            return TreatedPoint(view, x, y, point.number, region)
    return TreatedPoint(point.view, None, None, point.number, region) if region else None


def treated(visit: Visit) -> dict[str, list]:
    """Regions, muscle names, techniques and diagram points of what was done, in note order."""
    points = sorted(visit.points, key=lambda p: p.number)
    performed = [item for item, _ in _performed_items(visit)]
    regions = [p.region for p in points if p.region in REGIONS]
    regions += [item.get("region") for item in performed if item.get("region") in REGIONS]
    for item in performed:
        group = item.get("region")
        # A leg massager is planned per leg: name the leg only when no part of it is named already.
        if group in REGION_GROUPS and not set(REGION_GROUPS[group]) & set(regions):
            regions.append(group)
    techniques = [p.technique for p in points] + [item.get("technique") for item in performed]
    by_technique: dict[str, list[str]] = {}
    for p in points:
        if p.muscle in MUSCLES:
            names = by_technique.setdefault(p.technique, [])
            if MUSCLES[p.muscle].name not in names:
                names.append(MUSCLES[p.muscle].name)
    return {
        "muscles_by_technique": by_technique,
        "regions": list(dict.fromkeys(regions)),
        "muscles": list(dict.fromkeys(MUSCLES[p.muscle].name for p in points if p.muscle in MUSCLES)),
        "techniques": list(dict.fromkeys(t for t in techniques if t in TECHNIQUES)),
        "points": [tp for tp in (_point(p) for p in points) if tp is not None],
    }


def frequency_advice(frequency: dict | None) -> FrequencyAdvice | None:
    plan = effective(frequency)
    if not plan or plan.get("phase") not in w.FREQUENCY_TEXTS:
        return None
    days = plan.get("interval_days")
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        days = None
    if days is None and plan["phase"] != "review":
        return None
    return FrequencyAdvice(plan["phase"], days)


def next_appointments(
    clinic: Clinic, client_ids: Sequence[int], now: datetime
) -> dict[int, list[NextAppointment]]:
    """Each client's next active appointments (up to 3), in the clinic's wall-clock time: one query."""
    if not client_ids:
        return {}
    rows = db.session.execute(
        select(Appointment.client_id, Appointment.start_at, User.name)
        .join(User, User.id == Appointment.therapist_id)
        .where(
            Appointment.clinic_id == clinic.id,
            Appointment.client_id.in_(set(client_ids)),
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.start_at > now,
        )
        .order_by(Appointment.client_id, Appointment.start_at)
    ).all()
    found: dict[int, list[NextAppointment]] = {}
    tz = clinic.tz
    for client_id, start_at, name in rows:
        mine = found.setdefault(client_id, [])
        if len(mine) < NEXT_APPOINTMENTS:
            mine.append(NextAppointment(start_at.astimezone(tz), name))
    return found


def input_for(
    visit: Visit, clinic: ClinicInfo, wording: w.Wording, appointments: Sequence[NextAppointment]
) -> AftercareInput:
    return AftercareInput(
        clinic=clinic,
        client_first_name=visit.client.called,
        visit_date=visit.visit_date,
        therapist_name=visit.therapist.name,
        **treated(visit),
        precautions=precautions(visit),
        next_appointments=list(appointments),
        frequency=frequency_advice(visit.frequency),
        wording=wording,
        home_advice=visit.aftercare_given or "",
    )


def inputs_for(
    visits: Sequence[Visit], clinic: Clinic, wording: w.Wording, now: datetime
) -> list[AftercareInput]:
    """One input per visit (all of one clinic), with their next appointments in one query."""
    info = clinic_info(clinic)
    upcoming = next_appointments(clinic, [v.client_id for v in visits], now)
    return [input_for(v, info, wording, upcoming.get(v.client_id, [])) for v in visits]
