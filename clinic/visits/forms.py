"""The treatment note form: plan items with decisions, SOAP, pain, and trigger points."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..rules.muscles import MUSCLES, referral_for, regions_for
from ..rules.vocabulary import REGION_GROUP_LABELS, REGIONS, TECHNIQUES
from ..web.widgets import FixedChoicesSelect


def _choices(mapping, blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(code, label) for code, label in mapping.items()]


TECHNIQUE_CHOICES = _choices(TECHNIQUES, "Choose a technique")
REGION_CHOICES = _choices(REGIONS, "Choose a region")
PLAN_REGION_CHOICES = REGION_CHOICES + [
    SelectChoice(code, label) for code, label in REGION_GROUP_LABELS.items()
]
# Each muscle option names its usual referral zone, which the body map highlights while it is chosen,
# and the regions it lies in, so the list of a tapped point starts with that region's muscles.
MUSCLE_CHOICES = [SelectChoice("", "Choose a muscle")] + [
    SelectChoice(
        code,
        muscle.name,
        render_kw={
            "data-referral": " ".join(referral_for(code, "both")),
            "data-lies": " ".join(regions_for(code, "both")),
        },
    )
    for code, muscle in sorted(MUSCLES.items(), key=lambda item: item[1].name)
]
SIDE_CHOICES = [
    SelectChoice("left", "Left"),
    SelectChoice("right", "Right"),
    SelectChoice("midline", "Midline"),
]
DECISION_CHOICES = [SelectChoice("proceed", "Go ahead"), SelectChoice("withheld", "Withheld today")]
PAIN = [Optional(), NumberRange(0, 10, message="Pain is a number from 0 to 10.")]


def _required_choice(form, field):
    if not field.data:
        raise ValidationError("Choose one from the list.")


class PlanItemForm(Form):
    """One technique at one region. A row left empty is ignored; a half-filled row is an error."""

    technique = SelectField(
        "Technique", choices=TECHNIQUE_CHOICES, default="", widget=FixedChoicesSelect(TECHNIQUE_CHOICES)
    )
    region = SelectField(
        "Region", choices=PLAN_REGION_CHOICES, default="", widget=FixedChoicesSelect(PLAN_REGION_CHOICES)
    )
    decision = SelectField("Decision", choices=DECISION_CHOICES, default="proceed")
    reason = StringField("Reason to go ahead", validators=[Optional(), Length(max=300)])
    # Drawn on the first of several items with the same findings: its reason then covers them all.
    share = BooleanField("Same reason for all", default=True)

    def validate_region(self, field):
        if bool(field.data) != bool(self.technique.data):
            raise ValidationError("Choose both a technique and a region, or leave the row empty.")


class PointForm(Form):
    muscle = SelectField(
        "Muscle",
        choices=MUSCLE_CHOICES,
        validators=[_required_choice],
        widget=FixedChoicesSelect(MUSCLE_CHOICES),
    )
    side = SelectField("Side", choices=SIDE_CHOICES, default="right")
    region = SelectField(
        "Region",
        choices=REGION_CHOICES,
        validators=[_required_choice],
        widget=FixedChoicesSelect(REGION_CHOICES),
    )
    view = HiddenField("View")
    x = FloatField("x", validators=[Optional(), NumberRange(0, 200)])
    y = FloatField("y", validators=[Optional(), NumberRange(0, 440)])
    kind = SelectField("Type", choices=[SelectChoice("active", "Active"), SelectChoice("latent", "Latent")])
    taut_band = BooleanField("Taut band")
    twitch = BooleanField("Local twitch")
    referral = StringField("Referral felt", validators=[Optional(), Length(max=200)])
    technique = SelectField(
        "Technique",
        choices=TECHNIQUE_CHOICES,
        validators=[_required_choice],
        widget=FixedChoicesSelect(TECHNIQUE_CHOICES),
    )
    tool_detail = StringField(
        "Tool details",
        validators=[Optional(), Length(max=120)],
        description="Attachment and speed, ball or roller size.",
    )
    pressure = IntegerField(
        "Pressure", validators=[Optional(), NumberRange(0, 10, message="Pressure is 0 to 10.")]
    )
    pressure_scale = SelectField(
        "Scale", choices=[SelectChoice("felt", "Felt 0-10"), SelectChoice("level", "Level 1-5")]
    )
    hold_seconds = IntegerField(
        "Hold (s)", validators=[Optional(), NumberRange(0, 600, message="Hold is 0 to 600 s.")]
    )
    repetitions = IntegerField(
        "Reps", validators=[Optional(), NumberRange(1, 20, message="Repetitions are 1 to 20.")]
    )
    pain_before = IntegerField("Pain before", validators=PAIN)
    pain_after = IntegerField("Pain after", validators=PAIN)

    def validate_pressure(self, field):
        if field.data is not None and self.pressure_scale.data == "level" and not 1 <= field.data <= 5:
            raise ValidationError("A pressure level is 1 to 5.")

    def validate_view(self, field):
        if field.data and field.data not in ("front", "back"):
            raise ValidationError("Unknown body map view.")


class NoteForm(FlaskForm):
    plan_items = FieldList(FormField(PlanItemForm), min_entries=0, max_entries=30)
    subjective = TextAreaField(
        "Subjective",
        validators=[Optional(), Length(max=5000)],
        description="What the client reports: where, how much, since when, what helps.",
    )
    objective = TextAreaField(
        "Objective",
        validators=[Optional(), Length(max=5000)],
        description="What you found: posture, range of motion, palpation.",
    )
    assessment = TextAreaField("Assessment", validators=[Optional(), Length(max=5000)])
    plan = TextAreaField("Plan", validators=[Optional(), Length(max=5000)])
    pain_before = IntegerField("Session pain before (0-10)", validators=PAIN)
    pain_after = IntegerField("Session pain after (0-10)", validators=PAIN)
    points = FieldList(FormField(PointForm), min_entries=0, max_entries=60)
    adverse_responses = TextAreaField("Adverse responses", validators=[Optional(), Length(max=2000)])
    lubricant = StringField("Lubricant used", validators=[Optional(), Length(max=120)])
    aftercare_given = TextAreaField(
        "Home care advice",
        validators=[Optional(), Length(max=2000)],
        description="Prints on the client's aftercare sheet as you write it: e.g. doorway stretch, "
        "30 s x 3, twice a day; ball against a wall, 60 s per spot; heat 15 min in the evening.",
    )
    notes = TextAreaField("Other notes", validators=[Optional(), Length(max=5000)])
    version = HiddenField()


class NewVisitForm(FlaskForm):
    """Start a visit: the health update ("anything changed since last time?") and today's plan."""

    changes = TextAreaField(
        "Anything changed since last time?",
        validators=[Optional(), Length(max=2000)],
        description="New medication, injury, surgery, pregnancy, illness. Leave empty if nothing changed.",
    )
    plan = FieldList(FormField(PlanItemForm), min_entries=4, max_entries=30)
    appointment_id = HiddenField()
    other_day_ok = BooleanField("Yes, write today's note for that appointment")

    def validate_plan(self, field):
        if not any(entry.form.technique.data and entry.form.region.data for entry in field.entries):
            raise ValidationError("Plan at least one technique and region.")


class FrequencyForm(FlaskForm):
    interval_days = IntegerField(
        "Every (days)", validators=[NumberRange(1, 31, message="Choose 1 to 31 days.")]
    )
    sessions = IntegerField("Sessions", validators=[NumberRange(1, 12, message="Choose 1 to 12 sessions.")])
    reason = StringField("Why you changed it", validators=[Optional(), Length(max=300)])


class AddendumForm(FlaskForm):
    reason = StringField(
        "Reason", validators=[Length(max=200)], description="e.g. Correction, late entry, client called."
    )
    text = TextAreaField("Addendum", validators=[Length(max=5000)])

    def validate_reason(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Say why you add this.")

    def validate_text(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Write the addendum.")
