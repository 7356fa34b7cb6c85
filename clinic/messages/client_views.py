"""Messages on a client's page: what was sent and when, their choices, and sending on demand.

Every role sees this panel: messages carry no health data (their record hides private links), and
the front desk sends recall notes and questionnaire links.
"""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import audit
from ..access import ALL_ROLES, get_scoped_or_404
from ..extensions import db
from ..models import Client, Message
from ..web.panels import add_panel
from . import bp, consent, notices
from .forms import ActionForm
from .kinds import KINDS

PANEL_ROWS = 8


def client_panel(client: Client, **_context) -> dict:
    rows = db.session.scalars(
        select(Message).where(Message.client_id == client.id).order_by(Message.id.desc()).limit(PANEL_ROWS)
    ).all()
    choices = consent.preferences(client.id)
    return {
        "client": client,
        "rows": rows,
        "kinds": KINDS,
        "choices": [
            (
                topic,
                label,
                [
                    (channel, choices[(channel, topic)])
                    for channel in ("email", "sms")
                    if (channel, topic) in choices
                ],
            )
            for topic, label in consent.TOPICS.items()
        ],
        "form": ActionForm(formdata=None),
    }


add_panel("client", "messages/_client_panel.html", ALL_ROLES, 50, client_panel)


@bp.post("/clients/<int:client_id>/messages/choices")
def save_choices(client_id: int):
    """The client's choices as the desk heard them (on the phone, at the counter): checkboxes."""
    client = get_scoped_or_404(Client, client_id)
    ActionForm().validate_on_submit()
    changed = 0
    for (channel, topic), _ in consent.DEFAULTS.items():
        wanted = request.form.get(f"{channel}-{topic}") == "y"
        changed += consent.set_choice(client, topic, channel, wanted, "staff")
    if changed:
        audit.record("client.message_choices", object_type="client", object_id=client.id, client_id=client.id)
    db.session.commit()
    flash("Message choices saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("clients.detail", client_id=client.id) + "#messages-h")


@bp.post("/clients/<int:client_id>/messages/intake-link")
def email_intake_link(client_id: int):
    client = get_scoped_or_404(Client, client_id)
    ActionForm().validate_on_submit()
    [*written] = notices.intake_link_requested(client, current_user)
    _report(written, client, "The questionnaire link is on its way by e-mail.")
    return redirect(url_for("clients.detail", client_id=client.id) + "#messages-h")


@bp.post("/clients/<int:client_id>/messages/recall")
def send_recall(client_id: int):
    client = get_scoped_or_404(Client, client_id)
    ActionForm().validate_on_submit()
    written = notices.recall(client, current_user)
    if not written:
        flash("A recall note went out to this client today already.", "info")
    else:
        _report(written, client, "Recall note sent.")
    if request.form.get("next") == "recall":
        return redirect(url_for("schedule.recall"))
    return redirect(url_for("clients.detail", client_id=client.id) + "#messages-h")


def _report(written: list[Message], client: Client, ok: str) -> None:
    for message in written:
        audit.record("message.queue", object_type="message", object_id=message.id, client_id=client.id)
    db.session.commit()
    sent = [m for m in written if m.status == "queued"]
    if sent:
        flash(ok, "success")
    elif written:
        flash(f"Not sent: {written[0].status_reason}.", "warning")
    else:
        abort(409)
