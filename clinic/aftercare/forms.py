"""The owner's wording form: one text per editable key, each with "use the standard text"."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField

from .wording_store import label, ordered_keys


class WordingForm(FlaskForm):
    version = HiddenField()

    def text_rows(self):
        """(key, text field, "use the standard" field) in sheet order."""
        return [(key, self[key], self[standard_name(key)]) for key in ordered_keys()]


def standard_name(key: str) -> str:
    return f"standard_{key}"


# Length and content are checked by wording_store (the same rules as the pure wording module).
for _key in ordered_keys():
    setattr(WordingForm, _key, TextAreaField(label(_key), render_kw={"rows": 4}))
    setattr(WordingForm, standard_name(_key), BooleanField("Use the standard text"))

FIELD_NAMES = frozenset(
    {"csrf_token", "version", *ordered_keys(), *(standard_name(key) for key in ordered_keys())}
)
