"""Forms: today's plan (technique x region rows) and an owner's change to one policy rule."""

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..rules.policy import CATEGORIES, OFF
from ..rules.screening import WHOLE_LEG
from ..rules.vocabulary import REGION_GROUP_LABELS, REGION_GROUPS, REGIONS, TECHNIQUES
from ..web.widgets import FixedChoicesSelect
from .policy_store import CATEGORY_CHOICES, REASON_MAX

MAX_ROWS = 20

# Regions grouped the way a therapist scans a body: head to feet.
_BODY_PARTS = (
    ("Head and neck", ("head", "face", "jaw", "neck_anterior", "neck_posterior")),
    ("Shoulders, back and trunk",
     ("shoulder", "upper_back", "mid_back", "lower_back", "chest", "abdomen", "axilla")),
    ("Arms", ("upper_arm", "elbow", "forearm", "wrist_hand")),
    ("Hips and legs",
     ("hip", "gluteal", "groin", "thigh_front", "thigh_back", "knee", "popliteal", "calf", "shin",
      "ankle_foot")),
)  # fmt: skip
WHOLE_LEG_GROUP = "Whole leg (leg massager)"


def region_choices() -> list[SelectChoice]:
    choices = [SelectChoice("", "Choose a region")]
    placed: set[str] = set()
    for group, stems in _BODY_PARTS:
        for stem in stems:
            for code in (stem, f"{stem}_l", f"{stem}_r"):
                if code in REGIONS and code not in placed:
                    placed.add(code)
                    choices.append(SelectChoice(code, REGIONS[code], optgroup=group))
    missing = set(REGIONS) - placed
    if missing:  # the vocabulary grew: never lose a region from the list
        choices += [SelectChoice(code, REGIONS[code], optgroup="Other") for code in sorted(missing)]
    choices += [
        SelectChoice(code, REGION_GROUP_LABELS[code], optgroup=WHOLE_LEG_GROUP) for code in REGION_GROUPS
    ]
    return choices


# Short labels ("Massage gun", not "Massage gun (percussive device)"): a select on a tablet cuts long ones.
TECHNIQUE_CHOICES = [SelectChoice("", "Choose a technique")] + [
    SelectChoice(code, label.split(" (")[0]) for code, label in TECHNIQUES.items()
]
REGION_CHOICES = region_choices()


class PlanItemForm(Form):
    """One planned item; a row left blank is ignored."""

    # The client page draws these two lists per row: their options are built once (clinic/web/widgets.py).
    technique = SelectField(
        "Technique", choices=TECHNIQUE_CHOICES, default="", widget=FixedChoicesSelect(TECHNIQUE_CHOICES)
    )
    region = SelectField(
        "Region", choices=REGION_CHOICES, default="", widget=FixedChoicesSelect(REGION_CHOICES)
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        technique, region = self.technique.data, self.region.data
        if region and not technique:
            self.technique.errors.append("Choose a technique for this region, or clear the region.")
        elif technique and not region:
            self.region.errors.append("Choose a region.")
        elif technique == WHOLE_LEG and region not in REGION_GROUPS:
            self.region.errors.append(
                "The leg massager covers a whole leg: choose Left leg, Right leg or Both legs."
            )
        elif technique and technique != WHOLE_LEG and region in REGION_GROUPS:
            self.region.errors.append("A whole leg is only for the leg massager: choose one region.")
        return not (self.technique.errors or self.region.errors)


class PlanForm(FlaskForm):
    """Field names stay simple (plan-0-technique, plan-0-region) for the visit note to take over."""

    plan = FieldList(FormField(PlanItemForm), min_entries=1, max_entries=MAX_ROWS)

    def items(self) -> list[tuple[int, dict[str, str]]]:
        """(row index, {"technique", "region"}) for every complete row."""
        rows = []
        for index, entry in enumerate(self.plan.entries):
            technique, region = entry.form.technique.data, entry.form.region.data
            if technique and region:
                rows.append((index, {"technique": technique, "region": region}))
        return rows


class RuleChangeForm(FlaskForm):
    # The engine, not the list, decides what a rule may take: its message says why (policy_store).
    category = SelectField(
        "New category", validators=[DataRequired(message="Choose a category.")], validate_choice=False
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired(message="Give the reason for the change; it is kept with the version."),
            Length(max=REASON_MAX, message=f"Keep the reason under {REASON_MAX} characters."),
        ],
        description="Kept with the version and shown in the history: the evidence or guideline you follow.",
    )
    version = HiddenField()

    def set_choices(self, allowed: list[str], default_category: str) -> None:
        self.category.choices = [
            SelectChoice(code, CATEGORY_CHOICES[code] + (" (default)" if code == default_category else ""))
            for code in (*CATEGORIES, OFF)
            if code in allowed
        ]
