"""Forms of the clinic settings page."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..clients.forms import EMAIL_PATTERN, PHONE_PATTERN
from ..models import Clinic

PAPER_CHOICES = [SelectChoice("A4", "A4 (210 × 297 mm)"), SelectChoice("Letter", "US Letter (8.5 × 11 in)")]


class ClinicForm(FlaskForm):
    name = StringField("Clinic name", validators=[DataRequired(), Length(max=120)])
    address = TextAreaField(
        "Address",
        validators=[Optional(), Length(max=300)],
        render_kw={"rows": 3},
        description="As printed on aftercare sheets: one line per line.",
    )
    phone = StringField(
        "Phone",
        validators=[
            DataRequired("Add the phone number: every aftercare sheet tells clients when to call."),
            Length(max=40),
            Regexp(PHONE_PATTERN, message="Use digits, spaces and + ( ) - only, e.g. +44 23 9200 0140."),
        ],
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    email = EmailField(
        "Email",
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message="Check the email address (it needs an @ and a domain)."),
        ],
    )
    timezone = StringField(
        "Time zone",
        validators=[DataRequired(), Length(max=64)],
        render_kw={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"},
        description="Where the clinic is, e.g. Europe/London or America/New_York. "
        "Every time on screen and on paper is shown in it.",
    )
    paper = RadioField("Paper size for aftercare sheets", choices=PAPER_CHOICES, default="A4")

    def fill_from(self, clinic: Clinic) -> None:
        for name in ("name", "address", "phone", "email", "timezone"):
            self[name].data = getattr(clinic, name) or ""
        self.paper.data = (clinic.settings or {}).get("paper", "A4")


class LogoForm(FlaskForm):
    logo = FileField(
        "Logo file (PNG)",
        validators=[FileRequired("Choose a PNG file to upload.")],
        render_kw={"accept": "image/png"},
        description="PNG only, at most 300 KB. It is printed about 4 cm wide at the top of each sheet.",
    )


class RemoveLogoForm(FlaskForm):
    """Only the CSRF token: the action is in the URL."""
