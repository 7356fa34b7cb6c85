"""Contraindication screening: the JSON API, the session planning panel and the clinic's policy."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..access import CLINICAL_ROLES, clinical_roles_required, get_scoped_or_404, roles_required
from ..extensions import db
from ..models import Client
from ..web.json_input import json_object
from ..web.navigation import add_nav
from ..web.panels import add_panel
from . import pages, policy_store, services
from .forms import MAX_ROWS, PlanForm, RuleChangeForm
from .pages import plan_context, policy_table, rule_context
from .panels import alerts_for_client

bp = Blueprint("screening", __name__)
# The plan check is a client page: its own (nested) blueprint keeps "Screening rules" from lighting up
# in the navigation while a therapist works on a client.
plan_bp = Blueprint("plan", __name__)
add_nav("Screening rules", "screening.policy", CLINICAL_ROLES, 70)


def _alerts_panel(client: Client, **_):
    return {"alerts": alerts_for_client(client)}


def _plan_panel(client: Client, **_):
    return plan_context(client, PlanForm(formdata=None))


add_panel("client", "screening/_alerts_panel.html", CLINICAL_ROLES, 0, _alerts_panel)
add_panel("client", "screening/_plan_panel.html", CLINICAL_ROLES, 15, _plan_panel)


@bp.post("/api/screening")
@clinical_roles_required
def api():
    """The screen() payload in, the result out, with the clinic's current policy (live preview)."""
    payload = json_object("payload")
    if "client_id" in payload:
        # The payload is the whole story: a client's record is screened on the client's own pages.
        return jsonify(error="client_id: not accepted here; send only the screening payload"), 400
    try:
        result = services.screen_with(payload, policy_store.current_policy(current_user.clinic_id))
    except ValueError as error:
        return jsonify(error=str(error)), 400
    audit.record("screening.preview", object_type="screening")
    db.session.commit()
    return jsonify(result)


@plan_bp.post("/clients/<int:client_id>/screening")
@clinical_roles_required
def check(client_id: int):
    """The plan form without JavaScript: screen the rows and show the panel with its results."""
    client = get_scoped_or_404(Client, client_id)
    form = PlanForm()
    valid = form.validate_on_submit()
    if "add" in request.form and len(form.plan.entries) < MAX_ROWS:
        form.plan.append_entry()
    panel = plan_context(client, form)
    status = 200
    if not valid:
        status = 400
    elif panel["problem"] is None:
        rows = form.items()
        result = services.screen_with({**panel["base"], "plan": [item for _, item in rows]}, panel["policy"])
        panel["results"] = {index: item for (index, _), item in zip(rows, result["items"], strict=True)}
        panel["session"] = result if rows else None
        audit.record("screening.check", object_type="screening", client_id=client.id)
    db.session.commit()
    return render_template("screening/check.html", client=client, panel=panel), status


@bp.get("/settings/screening")
@roles_required(*CLINICAL_ROLES)
def policy():
    """The clinic's whole policy as one table, and the history of its changes."""
    clinic_id = current_user.clinic_id
    current = policy_store.current_policy(clinic_id)
    versions = policy_store.history(clinic_id)
    return render_template(
        "screening/policy.html", table=policy_table(current), policy=current, versions=versions,
        is_reset=policy_store.is_reset, **pages.LOOKUPS,
    )  # fmt: skip


@bp.get("/settings/screening/rules/<path:rule_id>")
@roles_required(*CLINICAL_ROLES)
def rule(rule_id: str):
    context = rule_context(current_user.clinic_id, rule_id)
    if context is None:
        abort(404)
    form = RuleChangeForm(formdata=None)
    form.set_choices(context["rule"].allowed, context["rule"].default_category)
    form.category.data = context["category"]
    form.version.data = str(context["number"])
    return render_template("screening/rule.html", form=form, **context)


@bp.post("/settings/screening/rules/<path:rule_id>")
@roles_required("owner")
def change(rule_id: str):
    clinic_id = current_user.clinic_id
    context = rule_context(clinic_id, rule_id)
    if context is None or not context["rule"].allowed:
        abort(404)
    form = RuleChangeForm()
    form.set_choices(context["rule"].allowed, context["rule"].default_category)
    if not form.validate_on_submit():
        return render_template("screening/rule.html", form=form, **context), 400
    try:
        seen = int(form.version.data) if form.version.data else None
    except ValueError:
        abort(400)
    try:
        version = policy_store.change_rule(
            clinic_id, current_user, rule_id, form.category.data, form.reason.data, seen
        )
    except policy_store.PolicyChangeError as error:
        getattr(form, error.field, form.category).errors.append(str(error))
        return render_template("screening/rule.html", form=form, **context), 400
    except (policy_store.StalePolicy, IntegrityError):
        db.session.rollback()
        context = rule_context(clinic_id, rule_id)
        form.version.data = str(context["number"])
        return render_template("screening/rule.html", form=form, conflict=True, **context), 409
    audit.record("policy.change", object_type="policy_version", object_id=version.id)
    db.session.commit()
    flash(f"Rule changed: the clinic's policy is now version {version.number}.", "success")
    return redirect(url_for("screening.policy"))


bp.register_blueprint(plan_bp)
