"""The "book follow-ups" form: the service and the confirmations; the rows are read by the view."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from ..schedule.forms import int_or_none


class FollowUpForm(FlaskForm):
    """The series' rows (date, time, include) are read from the request by the view: their count varies."""

    service = SelectField("Service", coerce=int_or_none, validate_choice=False)
    outside_hours_ok = BooleanField("Book outside opening hours")
    date_ok = BooleanField("Yes, this date is right")
