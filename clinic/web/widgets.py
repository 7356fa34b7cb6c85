"""A <select> for fixed choice lists whose options are rendered once per process, not on every page."""

from itertools import groupby
from operator import attrgetter

from markupsafe import Markup
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import Select, html_params


class FixedChoicesSelect(Select):
    """WTForms' Select, with the option HTML of one fixed choice list built once.

    The note form draws the muscle list (48 options) and the region list (44) for every trigger point
    and again for the blank row the page script copies; the client page's planning panel draws the
    technique and region lists per plan row. WTForms builds each option on every render (html_params
    and escaping per option, a signature lookup per select): about 6 ms of a 24 ms page.
    The output is the same markup, <optgroup>s included; only which option carries `selected` is
    decided per render.
    """

    def __init__(self, choices: list[SelectChoice]):
        super().__init__()
        self.choices = list(choices)
        self._options: list[tuple[str, str, str]] = []
        normalised = [SelectChoice.from_input(choice) for choice in self.choices]
        # Consecutive choices of one optgroup share a tag, as in WTForms' SelectField.iter_groups.
        for optgroup, grouped in groupby(normalised, key=attrgetter("optgroup")):
            group = list(grouped)
            opening = "" if optgroup is None else f"<optgroup {html_params(label=optgroup)}>"
            closing = "" if optgroup is None else "</optgroup>"
            for n, choice in enumerate(group):
                before = opening if n == 0 else ""
                after = closing if n == len(group) - 1 else ""
                plain, selected = (
                    Select.render_option(Choice(choice.value, choice.label, chosen, choice.render_kw))
                    for chosen in (False, True)
                )
                self._options.append((choice.value, f"{before}{plain}{after}", f"{before}{selected}{after}"))

    def __call__(self, field, **kwargs):
        # Anything but the list this widget was built for (choices changed at run time, several
        # values) goes the ordinary way.
        if self.multiple or field.choices != self.choices:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for name in self.validation_attrs:
            value = getattr(field.flags, name)
            if name not in kwargs and value is not None:
                kwargs[name] = value
        coerce, data = field.coerce, field.data
        options = "".join(
            selected if coerce(value) == data else plain for value, plain, selected in self._options
        )
        # html_params escapes every attribute and WTForms' render_option escaped each option, as in
        # WTForms' own Select, which returns Markup the same way.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704
