"""The password reset pages: ask for a link (same answer for every address), then set a new password."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import audit
from ..extensions import db
from ..web.public_throttle import refuse_when_busy
from . import bp, reset
from .forms import ForgotForm, ResetForm
from .services import AccountError

SENT = (
    "If that address belongs to an account, a link to set a new password is on its way. "
    "It works for 30 minutes."
)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = ForgotForm()
    if form.validate_on_submit():
        refuse_when_busy("password.reset_request", current_app.config["PASSWORD_RESET_MAX_PER_IP"])
        reset.request_reset(form.email.data)
        db.session.commit()
        return render_template("auth/forgot.html", form=None, sent=SENT)
    return render_template("auth/forgot.html", form=form, sent=None), 400 if form.errors else 200


def _dead():
    db.session.commit()
    return render_template("auth/reset_dead.html"), 404


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    refuse_when_busy("password.reset_open", current_app.config["PASSWORD_RESET_MAX_PER_IP"])
    found = reset.live_reset(token)
    if found is None:
        audit.record("password.reset_open", outcome="denied", user=None)
        return _dead()
    form = ResetForm()
    if form.validate_on_submit():
        try:
            reset.complete_reset(found, form.new_password.data)
        except AccountError as error:
            form.new_password.errors.append(str(error))
            return render_template("auth/reset.html", form=form), 400
        except LookupError:
            db.session.rollback()
            return _dead()
        db.session.commit()
        flash("Your new password is set. Log in with it.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200
