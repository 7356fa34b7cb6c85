"""The client details form (contact and administrative data only; health data is the intake)."""

import re

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..clock import clinic_today

PHONE_PATTERN = re.compile(r"^[0-9+()\-. ]{5,40}$")
# Deliberately loose: one @, no spaces, a dot in the domain. The clinic confirms it by using it.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(form, field):
    if field.data and not EMAIL_PATTERN.match(field.data.strip()):
        raise ValidationError("Check the email address (it needs an @ and a domain).")


def _phone(form, field):
    if field.data and not PHONE_PATTERN.match(field.data):
        raise ValidationError("Use digits, spaces and + ( ) - only, e.g. +44 7700 900123.")


def _birth_date(form, field):
    if field.data is None:
        return
    if field.data > clinic_today(current_user.clinic):
        raise ValidationError("The date of birth cannot be in the future.")
    if field.data.year < 1900:
        raise ValidationError("Check the year of birth.")


class ClientForm(FlaskForm):
    first_name = StringField("First name", validators=[DataRequired(), Length(max=80)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=80)])
    preferred_name = StringField(
        "Preferred name",
        validators=[Optional(), Length(max=80)],
        description="What they like to be called, if not their first name.",
    )
    date_of_birth = DateField("Date of birth", validators=[Optional(), _birth_date])
    phone = StringField("Phone", validators=[Optional(), Length(max=40), _phone])
    email = EmailField("Email", validators=[Optional(), Length(max=254), _email])
    address = TextAreaField("Address", validators=[Optional(), Length(max=300)])
    emergency_contact = StringField(
        "Emergency contact",
        validators=[Optional(), Length(max=200)],
        description="Name, relation and phone number.",
    )
    referral_source = StringField(
        "Referred by",
        validators=[Optional(), Length(max=120)],
        description="e.g. GP, a friend, a web search.",
    )
    notes = TextAreaField(
        "Administrative notes",
        validators=[Optional(), Length(max=2000)],
        description="Seen by the front desk too: no health information here.",
    )
    version = HiddenField()
