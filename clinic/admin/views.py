"""Owner pages: staff list, new user, role changes, deactivation (the audit log: audit_views.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import audit
from ..access import get_scoped_or_404, roles_required, scoped
from ..auth import services as accounts
from ..auth import two_step
from ..extensions import db
from ..models import TwoStep, User
from ..schedule import ical
from ..web.navigation import add_nav
from . import bp
from .forms import ActiveForm, NewUserForm, RoleForm, SetPasswordForm

add_nav("Staff", "admin.users", ("owner",), 80)


@bp.get("/users")
@roles_required("owner")
def users():
    staff = db.session.scalars(scoped(User).order_by(User.active.desc(), User.name)).all()
    on = db.session.scalars(
        select(TwoStep.user_id).where(
            TwoStep.user_id.in_([u.id for u in staff]), TwoStep.enabled_at.is_not(None)
        )
    )
    return render_template(
        "admin/users.html",
        staff=staff,
        two_step_on=set(on),
        required=two_step.required_for(current_user),
        role_form=RoleForm(),
        active_form=ActiveForm(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("owner")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                current_user.clinic, form.email.data, form.name.data, form.role.data, form.password.data
            )
        except accounts.AccountError as error:
            field = "password" if error.field == "new_password" else (error.field or "email")
            getattr(form, field).errors.append(str(error))
            return render_template("admin/user_new.html", form=form), 400
        audit.record("user.create", object_type="user", object_id=user.id)
        db.session.commit()
        flash("Account created.", "success")
        return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_new.html", form=form), status


@bp.post("/users/<int:user_id>/role")
@roles_required("owner")
def set_role(user_id: int):
    user = get_scoped_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose a role from the list.", "error")
        return redirect(url_for("admin.users")), 303
    try:
        accounts.set_role(user, form.role.data)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.users")), 303
    audit.record("user.role", object_type="user", object_id=user.id)
    _revoke_feeds(user)
    db.session.commit()
    flash("Role changed.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@roles_required("owner")
def set_password(user_id: int):
    user = get_scoped_or_404(User, user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_by_owner(user, form.password.data)
        except accounts.AccountError as error:
            form.password.errors.append(str(error))
            return render_template("admin/user_password.html", form=form, user=user), 400
        audit.record("user.password_set", object_type="user", object_id=user.id)
        _revoke_feeds(user)
        db.session.commit()
        flash("New password set; their open sessions have ended.", "success")
        return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_password.html", form=form, user=user), status


@bp.post("/users/<int:user_id>/deactivate")
@roles_required("owner")
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/activate")
@roles_required("owner")
def activate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = get_scoped_or_404(User, user_id)
    ActiveForm().validate_on_submit()  # CSRF is checked globally; the form has no fields
    try:
        accounts.set_active(user, active)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.users"))
    audit.record("user.activate" if active else "user.deactivate", object_type="user", object_id=user.id)
    if not active:
        _revoke_feeds(user)
    db.session.commit()
    flash("Account reactivated." if active else "Account deactivated; its sessions have ended.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/two-step/reset")
@roles_required("owner")
def reset_two_step(user_id: int):
    """For someone who lost the phone and the recovery codes: they set it up again; sessions end."""
    user = get_scoped_or_404(User, user_id)
    ActiveForm().validate_on_submit()  # CSRF is checked globally; the form has no fields
    two_step.turn_off(user)
    audit.record("two_step.reset", object_type="user", object_id=user.id)
    db.session.commit()
    flash("Two-step sign-in reset: they set it up again at their next login.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/two-step")
@roles_required("owner")
def two_step_policy():
    ActiveForm().validate_on_submit()
    clinic = current_user.clinic
    clinic.settings = {**(clinic.settings or {}), "two_step_required": request.form.get("required") == "y"}
    audit.record("settings.two_step", object_type="clinic", object_id=clinic.id)
    db.session.commit()
    flash("Saved.", "success")
    return redirect(url_for("admin.users"))


def _revoke_feeds(user: User) -> None:
    """A change of who someone is or what they may see ends their calendar feeds: the feed URL is a
    key that works without logging in, and would otherwise outlive the change."""
    if ical.revoke_all(user):
        audit.record("feed.revoke", object_type="user", object_id=user.id)
