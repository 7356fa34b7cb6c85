"""Forms for the owner's staff administration."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..models import Role

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class NewUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    password = PasswordField(
        "First password",
        validators=[DataRequired(), Length(max=1024)],
        description="At least 12 characters. Give it to them in person; they can change it after logging in.",
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=1024)],
        description="At least 12 characters. Give it to them in person; their open sessions end now.",
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class ActiveForm(FlaskForm):
    """Just the CSRF token: the action is in the URL."""
