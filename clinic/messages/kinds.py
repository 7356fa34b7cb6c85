"""The kinds of message a clinic sends, and the standard wording of each (the owner may edit it).

Wording is plain text with {placeholders}. No placeholder carries health data: subjects and SMS texts
are read on lock screens and by whoever shares the phone, so they name the clinic and the time only.
A kind with a private link ({link}) gets it made at sending time; it is never stored.
"""

from dataclasses import dataclass
from string import Formatter

# What each placeholder means (shown to the owner next to the editor).
PLACEHOLDERS = {
    "name": "what the client likes to be called",
    "clinic": "the clinic's name",
    "clinic_phone": "the clinic's phone number",
    "clinic_address": "the clinic's address",
    "when": "the appointment's day and time, e.g. Tuesday 3 March at 10:00",
    "therapist": "the therapist's name",
    "service": "the service booked",
    "appointments": "the appointments booked, one per line",
    "link": "the private link (to the form or the sheet)",
}
SUBJECT_PLACEHOLDERS = frozenset({"clinic", "when", "name"})
SMS_LIMIT = 320  # two SMS segments


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    topic: str  # what a client agrees to or unsubscribes from (consent.TOPICS)
    subject: str
    body: str
    sms_body: str = ""  # empty: never sent by SMS
    placeholders: frozenset[str] = frozenset()
    to_staff: bool = False  # sent to a user, not a client (not editable by the owner)


_APPOINTMENT = frozenset({"name", "clinic", "clinic_phone", "clinic_address", "when", "therapist", "service"})
_CLINIC = frozenset({"name", "clinic", "clinic_phone", "clinic_address"})

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "confirmation",
            "Booking confirmation",
            "appointments",
            "Your appointment at {clinic}: {when}",
            "Hello {name},\n\nYou are booked with {therapist} at {clinic}:\n\n{appointments}\n\n"
            "The attached calendar file adds it to your calendar. We are at {clinic_address}.\n"
            "To change or cancel, call us on {clinic_phone}.",
            placeholders=_APPOINTMENT | {"appointments"},
        ),
        Kind(
            "change",
            "Appointment moved",
            "appointments",
            "Your appointment at {clinic} has moved: {when}",
            "Hello {name},\n\nYour appointment with {therapist} is now on {when}.\n\n"
            "The attached calendar file updates your calendar. Questions? Call us on {clinic_phone}.",
            placeholders=_APPOINTMENT,
        ),
        Kind(
            "cancellation",
            "Appointment cancelled",
            "appointments",
            "Your appointment at {clinic} on {when} is cancelled",
            "Hello {name},\n\nYour appointment with {therapist} on {when} is cancelled.\n\n"
            "To book another time, call us on {clinic_phone}.",
            placeholders=_APPOINTMENT,
        ),
        Kind(
            "reminder",
            "Appointment reminder",
            "reminders",
            "Reminder: {clinic}, {when}",
            "Hello {name},\n\nA reminder of your appointment with {therapist} on {when} at {clinic}, "
            "{clinic_address}.\n\nIf you cannot come, please call us on {clinic_phone} so that someone "
            "else can have the time.",
            sms_body="{clinic}: reminder of your appointment {when}. Can't come? Call {clinic_phone}.",
            placeholders=_APPOINTMENT,
        ),
        Kind(
            "intake_link",
            "Health questionnaire",
            "intake",
            "Before your visit to {clinic}: a short questionnaire",
            "Hello {name},\n\nBefore your first visit, please fill in our health questionnaire. It takes "
            "about five minutes and keeps your session for treatment:\n\n{link}\n\n"
            "The link is private to you and works once, for 7 days. Questions? Call us on {clinic_phone}.",
            placeholders=_CLINIC | {"link"},
        ),
        Kind(
            "intake_reminder",
            "Questionnaire reminder",
            "intake",
            "Your visit to {clinic} is tomorrow: the questionnaire",
            "Hello {name},\n\nYour visit is tomorrow and we have not had your health questionnaire yet. "
            "Please fill it in here (about five minutes):\n\n{link}\n\n"
            "The link is private to you. Questions? Call us on {clinic_phone}.",
            placeholders=_CLINIC | {"link"},
        ),
        Kind(
            "aftercare",
            "Aftercare sheet",
            "aftercare",
            "Your aftercare sheet from {clinic}",
            "Hello {name},\n\nThank you for coming in. Your aftercare sheet, with what to expect and what "
            "to do over the next days, is here:\n\n{link}\n\n"
            "If anything worries you, call us on {clinic_phone}.",
            placeholders=_CLINIC | {"link"},
        ),
        Kind(
            "check_in",
            "Check-in after a visit",
            "check_in",
            "How are you feeling after your visit to {clinic}?",
            "Hello {name},\n\nHow are the treated muscles feeling? Four short questions, about a minute "
            "on your phone, and your answers go straight to your therapist:\n\n{link}\n\n"
            "The link is private to you and works for 7 days. If you feel unwell now, call us on "
            "{clinic_phone}; in an emergency, call the emergency services.",
            placeholders=_CLINIC | {"link"},
        ),
        Kind(
            "booking_request",
            "Online booking: confirm",
            "booking",
            "Confirm your booking at {clinic}",
            "Hello {name},\n\nTo book the time you chose at {clinic}, open this link within 30 minutes and "
            "press Confirm:\n\n{link}\n\nNothing is booked until you confirm. If you did not ask for this, "
            "ignore this e-mail. Questions? Call us on {clinic_phone}.",
            placeholders=_CLINIC | {"link"},
        ),
        Kind(
            "booking_declined",
            "Online booking: not taken",
            "appointments",
            "Your booking request at {clinic}",
            "Hello {name},\n\nThank you for booking {service} on {when} online. We are sorry: we cannot take "
            "this booking, and the time is free again.\n\nPlease call us on {clinic_phone} and we will find "
            "a time that works.",
            placeholders=_APPOINTMENT,
        ),
        Kind(
            "portal_link",
            "Portal sign-in link",
            "portal",  # asked for this minute by the client: not a topic anyone subscribes to
            "Your sign-in link for {clinic}",
            "Hello {name},\n\nHere is your link to see your appointments at {clinic}, and to change them:"
            "\n\n{link}\n\nIt works once, within 20 minutes. If you did not ask for it, ignore this e-mail."
            " Questions? Call us on {clinic_phone}.",
            placeholders=_CLINIC | {"link"},
        ),
        Kind(
            "recall",
            "Recall",
            "recall",
            "Time for your next visit to {clinic}?",
            "Hello {name},\n\nIt has been a while since your last visit, and your treatment plan suggested "
            "a follow-up about now. Call us on {clinic_phone} to book a time that suits you.",
            placeholders=_CLINIC,
        ),
        Kind(
            "password_reset",
            "Password reset",
            "account",
            "Reset your Knotwork password",
            "Hello {name},\n\nSomeone asked to reset the password of your Knotwork account at {clinic}. "
            "If it was you, use this link within 30 minutes:\n\n{link}\n\nIf not, ignore this e-mail.",
            placeholders=_CLINIC | {"link"},
            to_staff=True,
        ),
    )
}
EDITABLE = tuple(name for name, kind in KINDS.items() if not kind.to_staff)


def fields_of(text: str) -> set[str]:
    """The placeholder names in `text`; ValueError when its braces do not pair up."""
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def problems(kind: Kind, subject: str, body: str, sms_body: str) -> dict[str, str]:
    """What is wrong with a wording, by field; empty when it can be saved."""
    found = {}
    for field, text, allowed in (
        ("subject", subject, SUBJECT_PLACEHOLDERS & kind.placeholders),
        ("body", body, kind.placeholders),
        ("sms_body", sms_body, kind.placeholders - {"link", "appointments"}),
    ):
        try:
            names = fields_of(text)
        except ValueError:
            found[field] = "Braces must pair up: write {name}, or {{ and }} for a brace itself."
            continue
        unknown = sorted(names - allowed)
        if unknown:
            found[field] = f"{{{unknown[0]}}} cannot be used here. Use: " + ", ".join(
                f"{{{name}}}" for name in sorted(allowed)
            )
    if not subject.strip():
        found.setdefault("subject", "A subject is needed.")
    if not body.strip():
        found.setdefault("body", "The message needs a text.")
    if "link" in kind.placeholders and "{link}" not in body:
        found.setdefault("body", "The text must keep {link}: it is what the client needs.")
    if len(subject) > 150:
        found.setdefault("subject", "Keep the subject under 150 characters.")
    if len(sms_body) > SMS_LIMIT:
        found.setdefault("sms_body", f"Keep the SMS under {SMS_LIMIT} characters.")
    if sms_body and not kind.sms_body:
        found.setdefault("sms_body", "This message is not sent by SMS.")
    return found


def fill(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled (all were checked when the wording was saved)."""
    return text.format_map(values)
