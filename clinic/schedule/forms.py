"""Forms of the calendar: booking, rescheduling, cancelling, services, hours, the calendar feed."""

from flask import abort
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..web.request_numbers import as_id
from .booking import STEP_MINUTES, clean_text
from .hours import WEEKDAYS

STEP_SECONDS = {"step": STEP_MINUTES * 60}
NOTES_HINT = "Seen by the front desk: practical things only (parking, access), never health details."


def _on_grid(form, field):
    if field.data is not None and field.data.minute % STEP_MINUTES:
        raise ValidationError(f"Use a time in steps of {STEP_MINUTES} minutes, e.g. 10:00 or 10:05.")


def int_or_none(value):
    """The chosen id, kept as typed when it is not a usable id, so the service can say what is wrong."""
    number = as_id(value)
    return number if number is not None else (value if value not in ("", None) else None)


class _SlotFields(FlaskForm):
    # Choices are filled by the view; the service checks the ids against the clinic (404 otherwise).
    therapist = SelectField("Therapist", coerce=int_or_none, validate_choice=False)
    service = SelectField("Service", coerce=int_or_none, validate_choice=False)
    date = DateField("Date", validators=[InputRequired(message="Choose a date.")])
    time = TimeField(
        "Start time",
        validators=[InputRequired(message="Choose a start time."), _on_grid],
        render_kw=STEP_SECONDS,
    )
    outside_hours_ok = BooleanField("Book outside opening hours")
    date_ok = BooleanField("Yes, this date is right")


class BookingForm(_SlotFields):
    client = SelectField("Client", coerce=int_or_none, validate_choice=False, render_kw={"size": 8})
    notes = TextAreaField(
        "Notes for the desk",
        validators=[Optional(), Length(max=500)],
        description=NOTES_HINT,
        filters=[clean_text],
    )


class RescheduleForm(_SlotFields):
    version = HiddenField()


class CancelForm(FlaskForm):
    reason = StringField(
        "Why is it cancelled?",
        validators=[DataRequired(message="Say why the appointment is cancelled."), Length(max=200)],
        description="e.g. client unwell, clinic closed. No health details: the desk reads it.",
        filters=[clean_text],
    )
    version = HiddenField()


class StatusForm(FlaskForm):
    version = HiddenField()


class ServiceForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)], filters=[clean_text])
    duration_minutes = IntegerField(
        "Minutes",
        validators=[
            InputRequired(message="Give the length in minutes."),
            NumberRange(min=STEP_MINUTES, max=480, message="Between 5 and 480 minutes."),
        ],
        render_kw={"step": STEP_MINUTES, "min": STEP_MINUTES, "max": 480},
    )

    def validate_duration_minutes(self, field):
        if field.data is not None and field.data % STEP_MINUTES:
            raise ValidationError(f"Use a multiple of {STEP_MINUTES} minutes.")


INTERVALS_PER_DAY = 2


class HoursForm(FlaskForm):
    """Up to two intervals a weekday (morning and afternoon); an empty day is closed."""

    def intervals(self):
        """[(weekday, name, [(start_field, end_field), ...])] for the template."""
        return [
            (
                day,
                name,
                [(self[f"d{day}_{i}_start"], self[f"d{day}_{i}_end"]) for i in range(INTERVALS_PER_DAY)],
            )
            for day, name in enumerate(WEEKDAYS)
        ]

    def hours(self):
        """The filled intervals, or errors added next to the fields (returns None then)."""
        result, ok = {}, True
        for day, _name, pairs in self.intervals():
            spans = []
            for start, end in pairs:
                if (start.data is None) != (end.data is None):
                    (start if start.data is None else end).errors.append("Give both times, or neither.")
                    ok = False
                elif start.data is not None:
                    if end.data <= start.data:
                        end.errors.append("Closing must be after opening.")
                        ok = False
                    else:
                        spans.append((start.data, end.data))
            spans.sort()
            for (_s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
                if s2 < e1:
                    pairs[1][0].errors.append("The two intervals overlap.")
                    ok = False
            if spans:
                result[day] = spans
        return result if ok else None


for _day in range(7):
    for _i in range(INTERVALS_PER_DAY):
        for _part, _label in (("start", "Opens"), ("end", "Closes")):
            setattr(
                HoursForm,
                f"d{_day}_{_i}_{_part}",
                TimeField(f"{_label}", validators=[Optional(), _on_grid], render_kw=STEP_SECONDS),
            )


def seen_version(form) -> int | None:
    """The appointment's version the form was opened at (None: not sent); 400 when it is not a number."""
    try:
        return int(form.version.data) if form.version.data else None
    except ValueError:
        abort(400)
