"""Turn a queued Message into what is sent: the e-mail (text and HTML parts, attachments) or the SMS.

Rendered at sending time with the wording version the message was queued with. A private link is made
here, so its token exists in the e-mail alone: the stored record shows "(private link)" instead.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app
from itsdangerous import URLSafeSerializer

from ..clock import utcnow
from ..extensions import db
from ..models import Appointment, Client, Clinic, Message, User, Visit
from ..rules.scheduling import day_label
from ..web.public_url import public_url
from . import wording
from .consent import TOPICS
from .kinds import KINDS, fill
from .settings import message_settings

PRIVATE_LINK = "(private link)"
_URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # what is sent
    record: str  # what is kept: the text with its private link hidden
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (filename, mimetype, data)


def _when(appointment: Appointment, clinic: Clinic) -> str:
    local = appointment.start_at.astimezone(clinic.tz)
    return f"{day_label(local.date())} at {local:%H:%M}"


def _appointments(message: Message) -> list[Appointment]:
    ids = message.context.get("appointment_ids") or (
        [message.appointment_id] if message.appointment_id else []
    )
    found = {a.id: a for a in db.session.query(Appointment).filter(Appointment.id.in_(ids))} if ids else {}
    return [found[i] for i in ids if i in found]


def _values(message: Message, clinic: Clinic, recipient_name: str, appointments: list[Appointment]) -> dict:
    values = {
        "name": recipient_name,
        "clinic": clinic.name,
        "clinic_phone": clinic.phone or "the clinic",
        "clinic_address": ", ".join(
            line.strip() for line in (clinic.address or "").splitlines() if line.strip()
        ),
        "when": "",
        "therapist": "",
        "service": "",
        "appointments": "",
        "link": "",
    }
    if appointments:
        first = appointments[0]
        values["when"] = _when(first, clinic)
        values["therapist"] = first.therapist.name
        values["service"] = first.service.name
        values["appointments"] = "\n".join(
            f"- {_when(a, clinic)}, {a.service.name} ({a.service.duration_minutes} min)" for a in appointments
        )
    return values


# kind -> fn(message) -> a fresh private link. Features register theirs (links.py for the questionnaire
# and the aftercare sheet; the account feature for password resets): the engine only carries it.
LINK_MAKERS: dict[str, Callable[[Message], str]] = {}


def link_maker(*kinds: str):
    def register(fn: Callable[[Message], str]) -> Callable[[Message], str]:
        for kind in kinds:
            LINK_MAKERS[kind] = fn
        return fn

    return register


def _private_link(message: Message) -> str:
    """A fresh private link for the kinds that carry one (made now; only its hash is stored)."""
    from . import links  # noqa: F401  (registers the questionnaire's and the aftercare sheet's)

    maker = LINK_MAKERS.get(message.kind)
    if maker is None:
        raise LookupError(f"no private link is made for {message.kind!r} messages")
    return maker(message)


def unsubscribe_token(message: Message) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe").dumps({"m": message.id})


def read_unsubscribe_token(token: str) -> int | None:
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe").loads(token)
    except Exception:  # itsdangerous raises several kinds for a bad token: all mean "not ours"
        return None
    return data.get("m") if isinstance(data, dict) and isinstance(data.get("m"), int) else None


def render(message: Message) -> Rendered:
    clinic = db.session.get(Clinic, message.clinic_id)
    spec = KINDS[message.kind]
    if message.user_id:
        user = db.session.get(User, message.user_id)
        name = user.name.split()[0] if user.name else ""
    elif message.client_id:
        name = db.session.get(Client, message.client_id).called
    else:  # a bare address (an online booking request): the name they typed
        name = str(message.context.get("name") or "")
    appointments = _appointments(message)
    words = wording.by_label(clinic.id, message.kind, message.template_version)
    values = _values(message, clinic, name, appointments)
    attachments = []
    private = False
    if message.kind == "aftercare" and message_settings(clinic).aftercare == "attachment":
        attachments.append(_aftercare_pdf(message, clinic))
        link = "(the sheet is attached to this e-mail as a PDF)"
    elif "link" in spec.placeholders and message.channel == "email":
        link, private = _private_link(message), True
    else:
        link = ""
    if message.kind in ("confirmation", "change", "cancellation") and appointments:
        from ..schedule import ical

        attachments.append(
            ("appointment.ics", "text/calendar", ical.calendar(appointments, clinic, clinic.name))
        )
    if message.channel == "sms":
        text = fill(words.sms_body, {**values, "link": ""})
        return Rendered("", text, text)
    subject = fill(words.subject, values)
    text = fill(words.body, {**values, "link": link})
    record = fill(words.body, {**values, "link": PRIVATE_LINK}) if private else text
    return Rendered(subject, text, record, tuple(attachments))


def _aftercare_pdf(message: Message, clinic: Clinic) -> tuple[str, str, bytes]:
    from ..aftercare import documents

    visit = db.session.get(Visit, message.visit_id)
    return (
        f"aftercare-{visit.visit_date.isoformat()}.pdf",
        "application/pdf",
        documents.visit_pdf(visit, clinic),
    )


def _footer(message: Message, clinic: Clinic) -> tuple[str, str | None]:
    """The footer's words and the unsubscribe URL (none for staff mail)."""
    if message.user_id:
        return f"Sent by Knotwork for {clinic.name}.", None
    if not message.client_id:
        return f"Someone asked {clinic.name} for this with your address. If it was not you, ignore it.", None
    topic = KINDS[message.kind].topic
    if topic not in TOPICS:  # a sign-in link the client just asked for: nothing to stop
        return f"You get this as a client of {clinic.name}, because you asked for it.", None
    url = public_url("messages_public.unsubscribe", token=unsubscribe_token(message))
    return f"You get this as a client of {clinic.name}. To stop {TOPICS[topic].lower()}: {url}", url


def _html(text: str, footer: str, clinic: Clinic) -> str:
    paragraphs = []
    for block in text.split("\n\n"):
        escaped = html.escape(block)
        escaped = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + escaped.replace("\n", "<br>") + "</p>")
    foot = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html.escape(footer))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(clinic.name)}</title></head>"
        '<body style="font-family: sans-serif; line-height: 1.5; color: #1d2b36; max-width: 36em">'
        + "".join(paragraphs)
        + f'<hr><p style="font-size: 0.85em; color: #55636e">{foot}</p></body></html>'
    )


def email_for(message: Message, rendered: Rendered) -> EmailMessage:
    clinic = db.session.get(Clinic, message.clinic_id)
    config = current_app.config
    footer, unsubscribe = _footer(message, clinic)
    mail = EmailMessage()
    mail["From"] = formataddr((clinic.name, config["MAIL_FROM"]))
    if clinic.email:
        mail["Reply-To"] = clinic.email
    mail["To"] = message.to_address
    mail["Subject"] = rendered.subject
    mail["Date"] = format_datetime(utcnow())
    # The same id on every try: a server or provider that saw it already can drop the duplicate.
    mail["Message-ID"] = f"<knotwork-{message.id}-{message.clinic_id}@{config['MAIL_ID_DOMAIN']}>"
    if unsubscribe:
        mail["List-Unsubscribe"] = f"<{unsubscribe}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(f"{rendered.text}\n\n-- \n{footer}\n")
    mail.add_alternative(_html(rendered.text, footer, clinic), subtype="html")
    for filename, mimetype, data in rendered.attachments:
        maintype, subtype = mimetype.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail
