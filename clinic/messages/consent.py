"""What each client agreed to receive, by topic and channel.

E-mail about the client's own care (bookings, reminders, the questionnaire, the aftercare sheet) is
on unless the client said no; recall messages too, with the unsubscribe link in every one. SMS is off
until the client agrees, since it goes to a phone others may see.
"""

from sqlalchemy import select

from ..extensions import db
from ..models import Client, MessageConsent

TOPICS = {
    "appointments": "Booking confirmations, changes and cancellations",
    "reminders": "Reminders before appointments",
    "intake": "The health questionnaire before a first visit",
    "aftercare": "The aftercare sheet after a visit",
    "check_in": "A check-in a day or two after a visit",
    "recall": "A note when a follow-up is due",
}
SMS_TOPICS = ("reminders",)  # the only messages short enough, and useful enough, for a text
DEFAULTS = {("email", topic): True for topic in TOPICS} | {("sms", topic): False for topic in SMS_TOPICS}


def preferences(client_id: int) -> dict[tuple[str, str], bool]:
    """(channel, topic) -> allowed, defaults filled in."""
    rows = db.session.scalars(select(MessageConsent).where(MessageConsent.client_id == client_id))
    return DEFAULTS | {(row.channel, row.topic): row.allowed for row in rows}


def allowed(client_id: int, topic: str, channel: str) -> bool:
    if topic not in TOPICS:  # account mail to staff has no consent to ask
        return True
    row = db.session.scalars(
        select(MessageConsent).where(
            MessageConsent.client_id == client_id,
            MessageConsent.topic == topic,
            MessageConsent.channel == channel,
        )
    ).first()
    return row.allowed if row is not None else DEFAULTS.get((channel, topic), False)


def set_choice(client: Client, topic: str, channel: str, value: bool, source: str) -> bool:
    """Record a choice; returns whether it changed anything. The caller audits and commits."""
    if topic not in TOPICS or (channel, topic) not in DEFAULTS:
        raise ValueError(f"no consent for {topic!r} by {channel!r}")
    row = db.session.scalars(
        select(MessageConsent).where(
            MessageConsent.client_id == client.id,
            MessageConsent.topic == topic,
            MessageConsent.channel == channel,
        )
    ).first()
    before = row.allowed if row is not None else DEFAULTS[(channel, topic)]
    if row is None:
        row = MessageConsent(clinic_id=client.clinic_id, client_id=client.id, topic=topic, channel=channel)
        db.session.add(row)
    row.allowed, row.source = value, source
    db.session.flush()
    return before != value
