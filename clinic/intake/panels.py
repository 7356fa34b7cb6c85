"""The intake panels: on the client page the health history (clinical roles) and the intake link
(everyone); on the home page the questionnaires waiting for review.

A therapist sees those of the clients they will see (an appointment from today on) and those they sent
the link for; the owner sees the clinic's; the front desk sees only how many there are (the answers are
health data, schedule.desk_panel shows the count).
"""

from flask_login import current_user

from .. import audit
from ..access import CLINICAL_ROLES
from ..clock import clinic_today, utcnow
from ..models import Client
from ..rules.scheduling import day_start
from ..web.panels import add_panel
from . import awaiting_review, links, services
from .web import current_record_once


def health_panel(client: Client) -> dict:
    record = current_record_once(client.id)  # the alerts and planning panels read it too
    waiting = links.waiting_review(client.id)
    if record is not None:
        # the client page commits after rendering, so this row is saved with the page's own
        audit.record("intake.view", object_type="health_record", object_id=record.id, client_id=client.id)
    today = clinic_today(current_user.clinic)
    return {
        "record": record,
        "view": services.view_of(record, client, today) if record is not None else None,
        "waiting": waiting,
        "source_labels": services.SOURCE_LABELS,
    }


def link_panel(client: Client) -> dict:
    now = utcnow()
    recent = links.recent_links(client.id, limit=1)
    latest = recent[0] if recent else None
    state = links.state(latest, now) if latest else None
    return {
        "column": "side",
        "link": latest,
        "state": state,
        "state_label": links.STATE_LABELS.get(state, ""),
    }


def home_panel(**_context) -> dict | None:
    clinic = current_user.clinic
    since = day_start(clinic_today(clinic), clinic.tz)
    mine = current_user.id if current_user.role == "therapist" else None
    rows = awaiting_review.waiting(current_user.clinic_id, mine, since)
    return {"rows": rows} if rows else None


add_panel("client", "intake/panel_health.html", CLINICAL_ROLES, 10, health_panel)
add_panel("client", "intake/panel_link.html", (*CLINICAL_ROLES, "frontdesk"), 60, link_panel)
add_panel("home", "intake/_home_waiting.html", CLINICAL_ROLES, 5, home_panel)
