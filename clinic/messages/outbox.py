"""Queue a message: one row per channel, written in the transaction of the change that causes it.

A row the client must not get (no address, no consent) is still written, as "suppressed" with the
reason: the record shows the desk why nobody was told. Rows with a dedupe key are written once ever
(unique index): a reminder queued by two workers at once, or twice by a retry, exists once. After the
transaction commits, the queued rows are handed to the task queue (queue.py); a row whose hand-over
was lost is found by the worker's sweep.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..extensions import db
from ..models import Appointment, Client, Clinic, Message, User, Visit
from . import consent, wording
from .addresses import email_address, sms_number
from .kinds import KINDS
from .settings import message_settings

PENDING = "knotwork_messages_to_hand_over"


def _address(kind: str, channel: str, clinic: Clinic, client: Client | None, user: User | None):
    """(address, why not) for one channel."""
    if user is not None:
        return (user.email, "") if channel == "email" else (None, "staff get e-mail only")
    if channel == "email":
        found = email_address(client.email)
        return (found, "") if found else (None, "no valid e-mail address on file")
    found = sms_number(client.phone, message_settings(clinic).sms_calling_code)
    return (found, "") if found else (None, "no mobile number that can take a text")


def queue(
    kind: str,
    clinic: Clinic,
    *,
    client: Client | None = None,
    user: User | None = None,
    appointment: Appointment | None = None,
    visit: Visit | None = None,
    context: dict | None = None,
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
    requested_by: User | None = None,
    channels: tuple[str, ...] = ("email",),
    address: str | None = None,
) -> list[Message]:
    """Write the rows of one message (a row per channel); returns the rows written now.

    A row whose dedupe key exists already is not written again (and not returned). `address` alone (no
    client, no user) is for mail a person asked for before they are anyone's client: an online booking's
    confirmation link, by e-mail only.
    """
    spec = KINDS[kind]
    if address is not None:
        if client is not None or user is not None or channels != ("email",):
            raise ValueError("a bare address takes e-mail only, and no client or user")
    elif (client is None) == (user is None):
        raise ValueError("a message goes to a client or to a staff member")
    version = wording.current(clinic.id, kind).label
    written = []
    for channel in channels:
        if channel == "sms" and not spec.sms_body:
            continue
        to, why_not = (address, "") if address is not None else _address(kind, channel, clinic, client, user)
        if to and client is not None and not consent.allowed(client.id, spec.topic, channel):
            to, why_not = (
                None,
                f"the client asked not to get {consent.TOPICS[spec.topic].lower()} by {channel}",
            )
        if (
            channel == "sms"
            and why_not
            and client is not None
            and not consent.allowed(client.id, spec.topic, "sms")
        ):
            continue  # no SMS consent: the usual case, not worth a suppressed row
        message = Message(
            clinic_id=clinic.id,
            client_id=client.id if client is not None else None,
            user_id=user.id if user is not None else None,
            kind=kind,
            channel=channel,
            to_address=to or "",
            template_version=version,
            appointment_id=appointment.id if appointment is not None else None,
            visit_id=visit.id if visit is not None else None,
            context=context or {},
            dedupe_key=f"{dedupe_key}:{channel}" if dedupe_key else None,
            status="queued" if to else "suppressed",
            status_reason=why_not,
            send_after=send_after or utcnow(),
            requested_by_id=requested_by.id if requested_by is not None else None,
        )
        if _insert_once(message):
            written.append(message)
    # (id, send_after) now: after the commit the rows are expired and the session may not query
    db.session.info.setdefault(PENDING, []).extend(
        (m.id, m.send_after) for m in written if m.status == "queued"
    )
    return written


def _insert_once(message: Message) -> bool:
    if message.dedupe_key is not None and db.session.scalar(
        select(Message.id).where(Message.dedupe_key == message.dedupe_key)
    ):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # another worker wrote the same key between the check and the insert
        return False
    return True


def hand_over(message_ids: list[int]) -> None:
    """Give queued messages to the task queue (after their transaction committed)."""
    from .queue import queue_for

    worker_queue = queue_for(current_app._get_current_object())
    for message_id in message_ids:
        worker_queue.deliver(message_id)


def _after_commit(session) -> None:
    messages = session.info.pop(PENDING, [])
    if not messages:
        return
    now = utcnow()
    due = [message_id for message_id, send_after in messages if send_after <= now]
    try:
        hand_over(due)
    except Exception:  # the rows are committed: the worker's sweep delivers them
        current_app.logger.exception("messages: hand-over to the queue failed; the sweep will send them")


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:  # the outer transaction ended without a commit: nothing to hand over
        session.info.pop(PENDING, None)


def register_outbox_events(session_class) -> None:
    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_transaction_end", _after_transaction_end)
