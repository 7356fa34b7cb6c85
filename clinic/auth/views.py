"""Login, logout and password change."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.exceptions import TooManyRequests

from ..extensions import db
from . import bp, services, two_step
from .forms import ChangePasswordForm, LoginForm
from .sessions import await_second_step, end_all_sessions, safe_next, start_session

LOGIN_FAILED = "That email and password do not match an active account."


def needs_second_step(user) -> bool:
    return two_step.is_on(user) and not two_step.is_trusted(user, request.cookies.get(two_step.DEVICE_COOKIE))


def client_ip() -> str:
    return (request.remote_addr or "unknown")[:64]


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, client_ip())
        db.session.commit()
        if result.retry_after is not None:
            error = TooManyRequests()
            error.retry_after = result.retry_after
            raise error
        if result.user is not None:
            if needs_second_step(result.user):
                return await_second_step(result.user, safe_next(request.args.get("next")))
            start_session(result.user)
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        form.password.errors.append(LOGIN_FAILED)
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    from .. import audit

    audit.record("logout", object_type="user", object_id=current_user.id)
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            db.session.commit()  # keeps the audit row of a refused attempt
            getattr(form, error.field or "new_password").errors.append(str(error))
            return render_template("auth/password.html", form=form), 400
        db.session.commit()
        start_session(current_user._get_current_object())
        flash("Password changed. Your other sessions have been logged out.", "success")
        return redirect(url_for("home.index"))
    if request.method == "POST":
        return render_template("auth/password.html", form=form), 400
    return render_template("auth/password.html", form=form)
