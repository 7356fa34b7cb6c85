"""Two-step sign-in pages: the code after the password, turning the factor on, and the owner's rule.

After a right password the user is not logged in yet: the session holds only who is half-way (id,
session version, when), for five minutes. The code (or a recovery code) then starts the session.
"""

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.exceptions import TooManyRequests

from .. import audit
from ..clock import utcnow
from ..extensions import db
from ..models import AuditEvent, User
from ..web.public_throttle import refuse_when_busy
from . import bp, passwords, two_step
from .forms import SecondStepForm, TwoStepConfirmForm, TwoStepOffForm
from .sessions import PENDING, PENDING_SECONDS, safe_next, start_session

FAILURE_WINDOW_SECONDS = 15 * 60
EXEMPT = {"auth.two_step", "auth.logout", "auth.login", "static", "health"}


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or utcnow().timestamp() - pending.get("t", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("u"))
    if user is None or not user.active or user.session_version != pending.get("v"):
        return None
    return user


def _recent_failures(user: User) -> int:
    since = utcnow() - timedelta(seconds=FAILURE_WINDOW_SECONDS)
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "login.second_step",
            AuditEvent.object_id == user.id,
            AuditEvent.outcome == "refused",
            AuditEvent.at > since,
        )
    )


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Log in again: the sign-in was not finished within five minutes.", "info")
        return redirect(url_for("auth.login"))
    form = SecondStepForm()
    if form.validate_on_submit():
        refuse_when_busy("login.second_step_try", current_app.config["LOGIN_MAX_FAILURES_PER_IP"])
        audit.record("login.second_step_try", user=None, clinic_id=user.clinic_id)
        if _recent_failures(user) >= current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
            db.session.commit()
            error = TooManyRequests()
            error.retry_after = FAILURE_WINDOW_SECONDS
            raise error
        code = form.code.data or ""
        ok = two_step.check_code(user, code) or two_step.use_recovery_code(user, code)
        audit.record(
            "login.second_step", object_type="user", object_id=user.id, user=None, clinic_id=user.clinic_id,
            outcome="ok" if ok else "refused",
        )  # fmt: skip
        if not ok:
            db.session.commit()
            form.code.errors.append("That code is not right, or was used already. Try the newest one.")
            return render_template("auth/second_step.html", form=form), 401
        next_url = safe_next(session.get(PENDING, {}).get("n"))
        token = two_step.remember_device(user) if form.remember.data else None
        db.session.commit()
        start_session(user)
        response = redirect(next_url or url_for("home.index"))
        if token:
            response.set_cookie(
                two_step.DEVICE_COOKIE,
                token,
                max_age=int(two_step.DEVICE_LIFETIME.total_seconds()),
                httponly=True,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                samesite="Lax",
            )
        return response
    return render_template("auth/second_step.html", form=form), 400 if form.errors else 200


@bp.route("/account/two-step", methods=["GET", "POST"], endpoint="two_step")
@login_required
def two_step_page():
    """Turn the factor on (scan, confirm with a code, keep the recovery codes), or off."""
    user = current_user._get_current_object()
    confirm, off = TwoStepConfirmForm(prefix="on"), TwoStepOffForm(prefix="off")
    codes = None
    if request.method == "POST" and "on-code" in request.form and confirm.validate_on_submit():
        codes = two_step.enable(user, confirm.code.data)
        if codes is None:
            confirm.code.errors.append(
                "That code is not right. Check the time on your phone and try the newest code."
            )
        else:
            audit.record("two_step.on", object_type="user", object_id=user.id)
            db.session.commit()
            start_session(user)  # keep this browser signed in; other sessions continue
            return render_template("auth/recovery_codes.html", codes=codes)
    elif request.method == "POST" and "off-password" in request.form and off.validate_on_submit():
        if two_step.required_for(user):
            off.password.errors.append("The clinic requires two-step sign-in: it cannot be turned off.")
        elif not passwords.verify_password(user.password_hash, off.password.data):
            off.password.errors.append("The password is not right.")
        else:
            two_step.turn_off(user)
            audit.record("two_step.off", object_type="user", object_id=user.id)
            db.session.commit()
            start_session(db.session.get(User, user.id))
            flash("Two-step sign-in is off.", "success")
            return redirect(url_for("auth.two_step"))
    if request.method == "POST" and "start" in request.form:
        two_step.start_setup(user)  # a new secret to scan (a GET never makes one: GET writes nothing)
        db.session.commit()
        return redirect(url_for("auth.two_step"))
    found = two_step.settings_of(user)
    if found is None or found.enabled_at is None:
        qr = key = None
        if found is not None:
            qr = Markup(two_step.qr_svg(two_step.provisioning_uri(user, found)))  # noqa: S704 (our own URI)
            key = found.secret
        return render_template(
            "auth/two_step.html",
            on=False,
            qr=qr,
            key=key,
            confirm=confirm,
            required=two_step.required_for(user),
        ), 400 if confirm.errors else 200
    return render_template(
        "auth/two_step.html",
        on=True,
        off=off,
        left=two_step.recovery_codes_left(user),
        required=two_step.required_for(user),
    ), 400 if off.errors else 200


def require_second_factor(app) -> None:
    """Where the owner requires it, an account without a second factor may only set one up."""

    @app.before_request
    def _needs_second_factor():
        if not current_user.is_authenticated or request.endpoint in EXEMPT or request.endpoint is None:
            return None
        if two_step.required_for(current_user) and not two_step.is_on(current_user):
            if request.path.startswith("/api/"):
                return {"error": "Turn on two-step sign-in first (the clinic requires it)."}, 403
            flash("The clinic requires two-step sign-in: set it up to go on.", "info")
            return redirect(url_for("auth.two_step"))
        return None
