"""Intake forms: WTForms for the plain answers, a small parser for the condition checklist.

The checklist is 31 conditions, each with its own attribute fields and region pickers; WTForms
would need a subform per condition, so `Questionnaire` reads the posted names directly:
`condition` (the ticked codes), `cond_<code>_region|date|weeks|cleared|clearance|note`, and `pain`. Every
code and region is checked against the vocabulary: a name or value that the form never offers is
refused outright (someone typed it by hand), and an error about one condition sits next to it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..rules.vocabulary import CONDITIONS
from .describe import grouped
from .health import TEXT_LIMITS, InvalidHealthData, check_entry, parse_date, sort_conditions
from .questionnaire import CONDITION_REGIONS, ITEMS, PAIN_REGIONS

ATTRIBUTES = ("region", "date", "weeks", "cleared", "clearance", "note")
STAFF_ONLY = ("cleared", "clearance")  # a doctor's clearance is the clinic's fact, not the client's
REFUSED = "The form contained a choice that is not on it. Reload the page and fill it in again."


def _not_future(form, field):
    if field.data is None:
        return
    try:
        parse_date(field.data, field.name, form.today)
    except InvalidHealthData as error:
        raise ValidationError(error.message) from None


def _limit(name: str) -> Length:
    return Length(max=TEXT_LIMITS[name], message=f"Keep this under {TEXT_LIMITS[name]} characters.")


DATE_MESSAGE = "Use a date like 2026-03-14."


class _Answers(FlaskForm):
    """The answers every staff form shares (the per-visit update asks only these)."""

    today: date = date.max  # set by the view to the clinic's today before validating

    main_complaint = TextAreaField(
        "Main complaint",
        [Optional(), _limit("main_complaint")],
        description="What brings them in, in their words.",
    )
    onset_date = DateField("Since when", [Optional(), _not_future], description="Roughly is fine.")
    goals = TextAreaField(
        "Goals", [Optional(), _limit("goals")], description="What they want to be able to do again."
    )
    medications = TextAreaField(
        "Medications",
        [Optional(), _limit("medications")],
        description="Names and doses, including supplements.",
    )
    allergies = TextAreaField("Other allergies", [Optional(), _limit("allergies")])
    based_on = HiddenField()

    def answers(self) -> dict[str, Any]:
        names = (*TEXT_LIMITS, "onset_date", "consent_date", "guardian_consent")
        return {name: self[name].data for name in names if name in self}


class UpdateForm(_Answers):
    change_note = TextAreaField(
        "What changed since last time",
        [Optional(), _limit("change_note")],
        description="In the client's words; kept with this version.",
    )


class HealthForm(_Answers):
    consent_name = StringField(
        "Client's full name, typed as a signature", [Optional(), _limit("consent_name")]
    )
    consent_date = DateField("Date of consent", [Optional(), _not_future])
    guardian_name = StringField("Parent or guardian's full name", [Optional(), _limit("guardian_name")])
    guardian_consent = BooleanField("The parent or guardian consents to assessment and treatment")
    change_note = TextAreaField(
        "What changed, or where this came from",
        [Optional(), _limit("change_note")],
        description="Optional; kept with this version.",
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        named = bool((self.consent_name.data or "").strip())
        if not named and self.consent_date.data is not None:
            self.consent_name.errors.append("Type the full name, or clear the date.")
            ok = False
        if self.guardian_consent.data and not (self.guardian_name.data or "").strip():
            self.guardian_name.errors.append("Type the parent or guardian's name.")
            ok = False
        return ok

    def answers(self) -> dict[str, Any]:
        answers = super().answers()
        if (answers["consent_name"] or "").strip() and answers["consent_date"] is None:
            answers["consent_date"] = self.today  # typed today: "leave empty for today"
        return answers


class PublicHealthForm(FlaskForm):
    """The client's own form: the same answers in the second person, consent required."""

    today: date = date.max

    main_complaint = TextAreaField(
        "What brings you in?", [Optional(), _limit("main_complaint")], description="In your own words."
    )
    onset_date = DateField("Since when?", [Optional(), _not_future], description="Roughly is fine.")
    goals = TextAreaField("What would you like to be able to do again?", [Optional(), _limit("goals")])
    medications = TextAreaField(
        "Medicines you take",
        [Optional(), _limit("medications")],
        description="Names and doses, including supplements. Leave empty if none.",
    )
    allergies = TextAreaField("Other allergies", [Optional(), _limit("allergies")])
    change_note = TextAreaField("Anything else we should know?", [Optional(), _limit("change_note")])
    consent_name = StringField(
        "Your full name", [DataRequired("Type your full name to confirm."), _limit("consent_name")]
    )
    guardian_name = StringField("Parent or guardian's full name", [Optional(), _limit("guardian_name")])
    guardian_consent = BooleanField("I am their parent or guardian and I consent to assessment and treatment")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.guardian_consent.data and not (self.guardian_name.data or "").strip():
            self.guardian_name.errors.append("Type the parent or guardian's name.")
            ok = False
        return ok

    def answers(self) -> dict[str, Any]:
        names = (*TEXT_LIMITS, "onset_date", "guardian_consent")
        return {name: self[name].data for name in names if name in self} | {"consent_date": self.today}


class ActionForm(FlaskForm):
    """A button that changes something (confirm, accept, reject, revoke): CSRF only."""

    based_on = HiddenField()


@dataclass
class ConditionState:
    """One condition as the form shows it: ticked, its attribute fields, and its error."""

    checked: bool = False
    regions: list[str] = field(default_factory=list)
    date: str = ""
    weeks: str = ""
    cleared: bool = False
    note: str = ""
    error: str = ""
    clearance: str = ""  # the id of the document that holds the clearance, as posted


class Questionnaire:
    def __init__(self, today: date, public: bool = False):
        self.today, self.public = today, public
        self.states = {code: ConditionState() for code in CONDITIONS}
        self.pain: list[str] = []
        self.refused = ""
        self.conditions: list[dict[str, Any]] = []
        # The client's documents a clearance may point to: [(id, label)], set by the staff views.
        self.letters: list[tuple[int, str]] = []

    @classmethod
    def from_data(cls, data: dict[str, Any] | None, today: date, public: bool = False) -> "Questionnaire":
        form = cls(today, public)
        if data:
            for code, item in grouped(data["conditions"]).items():
                form.states[code] = ConditionState(
                    True,
                    item["regions"],
                    item.get("date", ""),
                    str(item.get("weeks") or ""),
                    bool(item.get("cleared")),
                    item.get("note", ""),
                    clearance=str(item.get("clearance_document") or ""),
                )
            form.pain = list(data["pain_areas"])
        return form

    @property
    def errors(self) -> dict[str, str]:
        return {code: state.error for code, state in self.states.items() if state.error}

    def label(self, code: str) -> str:
        return ITEMS[code].label

    def _offered(self, code: str) -> bool:
        return code in CONDITIONS and not (self.public and ITEMS[code].staff_only)

    def _refuse_unknown_names(self, formdata) -> bool:
        allowed = ATTRIBUTES if not self.public else tuple(a for a in ATTRIBUTES if a not in STAFF_ONLY)
        for key in formdata:
            if key.startswith("cond_"):
                code, _, attribute = key[5:].rpartition("_")
                if not self._offered(code) or attribute not in allowed:
                    return True
        return False

    def load(self, formdata) -> bool:
        """Read and check the posted checklist; True when everything is valid."""
        ticked = formdata.getlist("condition")
        pain = formdata.getlist("pain")
        if (
            any(not self._offered(code) for code in ticked)
            or self._refuse_unknown_names(formdata)
            or any(region not in PAIN_REGIONS for region in pain)
        ):
            self.refused = REFUSED
            return False
        self.pain = pain
        entries: list[dict[str, Any]] = []
        for code, state in self.states.items():
            prefix = f"cond_{code}_"
            state.checked = code in ticked
            state.regions = formdata.getlist(prefix + "region")[: len(CONDITION_REGIONS)]
            state.date = formdata.get(prefix + "date", "")[:20].strip()
            state.weeks = formdata.get(prefix + "weeks", "")[:10].strip()
            state.cleared = bool(formdata.get(prefix + "cleared"))
            state.clearance = formdata.get(prefix + "clearance", "")[:12].strip()
            if state.clearance and state.clearance not in {str(id_) for id_, _ in self.letters}:
                self.refused = REFUSED  # not one of this client's documents: a hand-made request
                return False
            state.note = formdata.get(prefix + "note", "")[:1000]
            if any(region not in CONDITION_REGIONS for region in state.regions):
                self.refused = REFUSED
                return False
            if state.checked:
                entries.extend(self._entries(code, state))
        self.conditions = sort_conditions(entries)
        return not self.errors

    def _entries(self, code: str, state: ConditionState) -> list[dict[str, Any]]:
        takes = ITEMS[code].takes
        weeks: int | None = None
        if state.weeks and "weeks" in takes:
            if not state.weeks.isdecimal():
                state.error = "Weeks: a whole number from 1 to 45."
                return []
            weeks = int(state.weeks)
        raw = {
            "code": code,
            "date": state.date if "date" in takes else None,
            "weeks": weeks,
            # choosing the letter that holds the clearance says the clearance is on file
            "cleared": (state.cleared or bool(state.clearance)) and not self.public,
            "clearance_document": int(state.clearance) if state.clearance and not self.public else None,
            "note": state.note,
        }
        missing = []
        if ITEMS[code].region_required and not state.regions:
            missing.append("choose where")
        if ITEMS[code].date_required and not state.date:
            missing.append("give the date")
        if missing:
            state.error = " and ".join(missing).capitalize() + "."
            return []
        regions = state.regions if "region" in takes and state.regions else [None]
        try:
            return [check_entry({**raw, "region": region}, self.today) for region in regions]
        except InvalidHealthData as error:
            state.error = error.message
            return []

    def data(self) -> dict[str, Any]:
        return {"conditions": self.conditions, "pain_areas": self.pain}
