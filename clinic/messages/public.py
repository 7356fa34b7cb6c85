"""The unsubscribe link of every e-mail to a client (RFC 8058 one-click, and a page for people).

The token names the message it came in (signed, not stored): stopping applies to that message's
topic and channel. GET only asks (mail scanners follow links); POST does it, without a CSRF token
because a mail provider's one-click POST has none: the signed token is the authority.
"""

from flask import Blueprint, render_template, request

from .. import audit
from ..extensions import csrf, db
from ..models import Client, Clinic, Message
from ..web.public_throttle import refuse_when_busy
from . import consent
from .kinds import KINDS
from .render import read_unsubscribe_token

bp = Blueprint("messages_public", __name__)


def _message(token: str) -> Message | None:
    message_id = read_unsubscribe_token(token) if len(token) < 200 else None
    message = db.session.get(Message, message_id) if message_id else None
    return message if message is not None and message.client_id is not None else None


def _dead():
    db.session.commit()
    return render_template("messages/unsubscribe_dead.html"), 404


@bp.route("/m/u/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    refuse_when_busy("message.unsubscribe")
    message = _message(token)
    if message is None:
        audit.record("message.unsubscribe", outcome="denied")
        return _dead()
    topic = KINDS[message.kind].topic
    clinic = db.session.get(Clinic, message.clinic_id)
    if request.method == "GET":
        audit.record("message.unsubscribe", outcome="asked", clinic_id=clinic.id, client_id=message.client_id)
        page = render_template(
            "messages/unsubscribe.html",
            clinic=clinic,
            topic=consent.TOPICS.get(topic),
            done=False,
            token=token,
        )
        db.session.commit()
        return page
    client = db.session.get(Client, message.client_id)
    if topic in consent.TOPICS:
        consent.set_choice(client, topic, message.channel, False, "unsubscribe")
    audit.record(
        "message.unsubscribe",
        object_type="client",
        object_id=client.id,
        client_id=client.id,
        clinic_id=clinic.id,
    )
    db.session.commit()
    return render_template(
        "messages/unsubscribe.html", clinic=clinic, topic=consent.TOPICS.get(topic), done=True
    )
