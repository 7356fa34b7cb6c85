"""The upload form: a file and an optional caption (what the document is)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional

CAPTION_LIMIT = 200


class UploadForm(FlaskForm):
    file = FileField("File", description="PDF, JPEG, PNG or HEIC (a phone photo).")
    caption = StringField(
        "What is it",
        [Optional(), Length(max=CAPTION_LIMIT, message=f"Keep this under {CAPTION_LIMIT} characters.")],
        description="For example: GP clearance letter, March 2027.",
    )
