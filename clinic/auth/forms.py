"""Forms for logging in and changing a password."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class NewPasswordForm(FlaskForm):
    """A new password typed twice: the reset link's form, and the account page's with the current one."""

    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=1024)],
        description="At least 12 characters. Several unrelated words work well; no symbols needed.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)])


class ForgotForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class ResetForm(NewPasswordForm):
    """The reset link's form: the link stands for the current password."""


class SecondStepForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True},
        description="Six digits. Lost your phone? Type one of your recovery codes instead.",
    )
    remember = BooleanField("Remember this device for 30 days")


class TwoStepConfirmForm(FlaskForm):
    code = StringField(
        "The six-digit code the app shows now",
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TwoStepOffForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)])


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""
