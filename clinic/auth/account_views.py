"""The user's own signed-in browsers: where and when, and "sign out everywhere else"."""

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from .. import audit
from ..extensions import db
from . import bp
from .forms import ActionForm
from .sessions import SESSION_KEY, end_other_sessions, open_sessions

BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """A few words for a browser ("Chrome on Android"), from its user agent, for people to recognise."""
    ua = user_agent or ""
    browser = next((name for token, name in BROWSERS if token in ua), "A browser")
    system = next((name for token, name in SYSTEMS if token in ua), "")
    return f"{browser} on {system}" if system else browser


@bp.route("/account/sessions", methods=["GET", "POST"])
@login_required
def sessions():
    form = ActionForm()
    if form.validate_on_submit():
        ended = end_other_sessions(current_user)
        audit.record("sessions.end_others", object_type="user", object_id=current_user.id)
        db.session.commit()
        flash(
            f"Signed out of {ended} other session{'s' if ended != 1 else ''}."
            if ended
            else "No other session.",
            "success",
        )
        return redirect(url_for("auth.sessions"))
    rows = open_sessions(current_user)
    return render_template(
        "auth/sessions.html", rows=rows, here=session.get(SESSION_KEY), device_label=device_label, form=form
    )
