"""Forms: the clinic's message settings, the wording of one kind of message, a client's choices."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .settings import AFTERCARE_MODES, CHECK_IN_CHOICES

_HOURS = re.compile(r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$")
_CALLING_CODE = re.compile(r"^\+\d{1,4}$")
_PHONE_NUMBER = re.compile(r"^[0-9 +()-]{2,20}$")


def _reminder_hours(form, field):
    value = (field.data or "").strip()
    if not value:
        return
    if not _HOURS.match(value):
        raise ValidationError("Write hours before the appointment, separated by commas, e.g. 48, 2.")
    hours = [int(part) for part in value.split(",")]
    if any(h < 1 or h > 14 * 24 for h in hours):
        raise ValidationError("Each reminder goes 1 to 336 hours (14 days) before the appointment.")
    if len(hours) > 4:
        raise ValidationError("At most four reminders per appointment.")


def _calling_code(form, field):
    if field.data and not _CALLING_CODE.match(field.data.strip()):
        raise ValidationError("A plus and 1 to 4 digits, e.g. +44.")


def _phone_number(form, field):
    if field.data and not _PHONE_NUMBER.match(field.data.strip()):
        raise ValidationError("Digits, spaces and + ( ) - only, e.g. 999 or +44 20 7946 0000.")


class MessageSettingsForm(FlaskForm):
    reminder_hours = StringField(
        "Reminders, hours before the appointment",
        validators=[Length(max=40), _reminder_hours],
        description="e.g. 48, 2. Leave empty to send no reminders.",
    )
    quiet_from = TimeField("Quiet from", validators=[DataRequired(message="Give a time, e.g. 21:00.")])
    quiet_until = TimeField("Quiet until", validators=[DataRequired(message="Give a time, e.g. 08:00.")])
    aftercare = RadioField(
        "Aftercare sheet by e-mail",
        choices=[SelectChoice(key, label) for key, label in AFTERCARE_MODES.items()],
    )
    intake_on_booking = BooleanField("E-mail the health questionnaire when a new client is booked")
    sms_calling_code = StringField(
        "Country calling code for local mobile numbers",
        validators=[Optional(), Length(max=5), _calling_code],
        description="e.g. +44: a number written 07700 900123 is then texted as +447700900123.",
    )

    check_in_hours = SelectField(
        "Check-in after a visit",
        choices=[SelectChoice(str(hours), label) for hours, label in CHECK_IN_CHOICES.items()],
        description="A short form on how the treated muscles feel; the answers land on the visit. "
        "Never sent at night.",
    )
    emergency_number = StringField(
        "Emergency number",
        validators=[Optional(), Length(max=20), _phone_number],
        description="Shown to a client whose check-in answers need emergency services, e.g. 999 or 112.",
    )
    urgent_care_number = StringField(
        "Urgent care number",
        validators=[Optional(), Length(max=20), _phone_number],
        description="For answers that need care today (a possible clot, an infection), e.g. 111.",
    )

    def validate_quiet_until(self, field):
        if self.quiet_from.data and field.data and self.quiet_from.data == field.data:
            raise ValidationError("Quiet hours need a start and an end that differ.")


class WordingForm(FlaskForm):
    subject = StringField("Subject", validators=[Length(max=150)])
    body = TextAreaField("Text", validators=[Length(max=4000)], render_kw={"rows": 12})
    sms_body = TextAreaField("SMS text", validators=[Length(max=320)], render_kw={"rows": 3})
    seen = HiddenField()


class ConsentForm(FlaskForm):
    """One checkbox per topic and channel, named "<channel>-<topic>"; built in the view."""


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""
