"""clinic/web/widgets.py: selects of fixed lists render what WTForms renders, from options built once."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from clinic.screening.forms import REGION_CHOICES as PLAN_PANEL_REGIONS
from clinic.screening.forms import PlanForm
from clinic.visits.forms import MUSCLE_CHOICES, PlanItemForm, PointForm
from clinic.web.widgets import FixedChoicesSelect

ATTRIBUTES = ({}, {"data-muscle": ""}, {"aria-invalid": "true", "class": "wide"})


def _same_as_wtforms(field, **attributes) -> str:
    html = str(field(**attributes))
    assert html == str(Select()(field, **attributes))
    return html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"muscle": "upper_trapezius", "region": "shoulder_r", "technique": "hand_pressure"},
        {"muscle": "x<"},
    ],
)
def test_fixed_choice_selects_render_what_wtforms_renders(app, data):
    with app.test_request_context():
        form = PointForm(MultiDict({f"points-3-{k}": v for k, v in data.items()}), prefix="points-3-")
        for name in ("muscle", "region", "technique"):
            field = getattr(form, name)
            for attributes in ATTRIBUTES:
                _same_as_wtforms(field, **attributes)
        plan = PlanItemForm(MultiDict({"technique": "massage", "region": "shoulder_r"}))
        for field in (plan.technique, plan.region):
            assert " selected" in _same_as_wtforms(field)


def test_fixed_choice_select_follows_choices_changed_at_run_time(app):
    with app.test_request_context():
        form = PointForm(prefix="p-")
        form.muscle.choices = [SelectChoice("", "Choose"), SelectChoice("only", "Only one")]
        assert "Only one" in str(form.muscle()) and MUSCLE_CHOICES[1].label not in str(form.muscle())


@pytest.mark.parametrize("region", ["", "head", "shoulder_r", "ankle_foot_l", "legs", "nowhere<"])
def test_planning_panel_selects_render_what_wtforms_renders_optgroups_included(app, region):
    data = {"plan-0-technique": "massage", "plan-0-region": region, "plan-1-technique": "leg_massager"}
    with app.test_request_context(method="POST", data=data):
        form = PlanForm(meta={"csrf": False})
        for entry in form.plan:
            for field in (entry.form.technique, entry.form.region):
                assert isinstance(field.widget, FixedChoicesSelect)
                for attributes in ({"data-kind": field.short_name}, {"aria-invalid": "true"}):
                    html = _same_as_wtforms(field, **attributes)
        region_html = str(form.plan.entries[0].form.region())
    assert region_html.count("<optgroup") == len({c.optgroup for c in PLAN_PANEL_REGIONS} - {None}) > 1
    assert html.count(" selected") == 1 and '<option selected value="">' in html  # row 2: no region
    if region and region in {c.value for c in PLAN_PANEL_REGIONS}:
        assert f'selected value="{region}"' in region_html


def test_grouped_lists_keep_wtforms_grouping_of_neighbouring_choices():
    # WTForms groups consecutive choices only: a group that comes back opens a second <optgroup>.
    choices = [
        SelectChoice("", "None"),
        SelectChoice("a", "A & co", optgroup="One"),
        SelectChoice("b", "B", optgroup="One", render_kw={"data-x": "1"}),
        SelectChoice("c", "C", optgroup='Two "quoted"'),
        SelectChoice("d", "D"),
        SelectChoice("e", "E", optgroup="One"),
    ]

    class Grouped(Form):
        pick = SelectField(choices=choices, widget=FixedChoicesSelect(choices))

    for value in ("", "a", "b", "c", "d", "e", "z"):
        field = Grouped(MultiDict({"pick": value})).pick
        html = _same_as_wtforms(field, **{"class": "x"})
        assert html.count("<optgroup") == 3 and html.count("</optgroup>") == 3
