"""The intake panels of the client page: the health history (clinical roles), the intake link (everyone)."""

from flask_login import current_user

from .. import audit
from ..access import CLINICAL_ROLES
from ..database import utcnow
from ..extensions import db
from ..models import Client
from ..panels import add_panel
from . import links, services


def health_panel(client: Client) -> dict:
    record = services.current_record(client.id)
    waiting = links.waiting_review(client.id)
    if record is not None:
        audit.record("intake.view", object_type="health_record", object_id=record.id, client_id=client.id)
        _commit_keeping_loaded_objects()
    today = services.clinic_today(current_user.clinic)
    return {
        "record": record,
        "view": services.view_of(record, client, today) if record is not None else None,
        "waiting": waiting,
        "source_labels": services.SOURCE_LABELS,
    }


def _commit_keeping_loaded_objects() -> None:
    """Save the audit row now: the client page commits before its panels load, so nothing after us will.

    A normal commit would expire what the other panels already loaded and make the page reload each
    of those rows while it renders; the audit row is all this commit carries.
    """
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


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


add_panel("client", "intake/panel_health.html", CLINICAL_ROLES, 10, health_panel)
add_panel("client", "intake/panel_link.html", (*CLINICAL_ROLES, "frontdesk"), 60, link_panel)
