"""Server-enforced sessions: a per-user session version, idle and absolute timeouts.

The cookie is only signed, so a copy would outlive a logout. Each user has a session version
that is part of the id stored in the cookie; logout, a password change and deactivation bump it,
and the user loader refuses a cookie whose version is not the current one.

After a right password with two-step sign-in on, the user is not logged in yet: the session holds only
who is half-way (await_second_step; two_step_views asks for the code). safe_next checks where the
sign-in goes on to.
"""

import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db, login_manager
from ..models import User, UserSession

AUTH_TIME = "auth_time"
LAST_SEEN = "last_seen"
SESSION_KEY = "sid"  # the UserSession row of this browser
PENDING = "two_step_pending"
PENDING_SECONDS = 300


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    try:
        user_id, version = (int(part) for part in cookie_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no '//' or '/\\' tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    return target


def await_second_step(user: User, next_url: str | None):
    """Remember who passed the first step, log nobody in yet, and ask for the code."""
    session.clear()
    session[PENDING] = {"u": user.id, "v": user.session_version, "t": utcnow().timestamp(), "n": next_url}
    return redirect(url_for("auth.second_step"))


def start_session(user: User) -> None:
    """Log in with a fresh session (nothing from the anonymous session carries over); commits its row."""
    session.clear()
    session.permanent = True
    login_user(user)
    now = utcnow()
    key = secrets.token_urlsafe(24)
    db.session.add(
        UserSession(
            user_id=user.id,
            key=key,
            created_at=now,
            last_seen_at=now,
            ip=(request.remote_addr or "")[:64],
            user_agent=(request.user_agent.string or "")[:256],
        )
    )
    db.session.commit()
    session[SESSION_KEY] = key
    session[AUTH_TIME] = now.timestamp()
    session[LAST_SEEN] = now.timestamp()


def end_all_sessions(user: User) -> None:
    """Make every cookie of this user worthless (the caller commits)."""
    user.session_version += 1
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def open_sessions(user: User) -> list[UserSession]:
    """The user's signed-in browsers that have not ended or timed out, the latest seen first."""
    now, config = utcnow(), current_app.config
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at > now - config["SESSION_IDLE_TIMEOUT"],
                UserSession.created_at > now - config["SESSION_ABSOLUTE_TIMEOUT"],
            )
            .order_by(UserSession.last_seen_at.desc())
        )
    )


def end_other_sessions(user: User) -> int:
    """Sign out every other browser of this user; this one stays. Returns how many ended."""
    result = db.session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.key != session.get(SESSION_KEY, ""),
        )
        .values(ended_at=utcnow())
    )
    return result.rowcount


def _session_row() -> UserSession | None:
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    return db.session.scalars(
        select(UserSession).where(UserSession.key == key, UserSession.user_id == current_user.id)
    ).first()


def _expired(now: datetime) -> bool:
    config = current_app.config
    auth_time = session.get(AUTH_TIME)
    last_seen = session.get(LAST_SEEN)
    if not isinstance(auth_time, int | float) or not isinstance(last_seen, int | float):
        return True
    stamp = now.timestamp()
    return (
        stamp - last_seen > config["SESSION_IDLE_TIMEOUT"].total_seconds()
        or stamp - auth_time > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    )


def init_sessions(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.session_protection = None  # the session version does this job, across IP changes

    @app.before_request
    def _enforce_timeouts():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = utcnow()
        row = _session_row()
        if row is None or row.ended_at is not None or _expired(now):
            logout_user()
            session.clear()
            if request.endpoint == "auth.login":
                return None  # the login form itself goes on: a stale cookie must not cost a second try
            flash("Your session ended after a period of inactivity. Please log in again.", "info")
            if request.path.startswith("/api/"):
                return {"error": "Your session ended. Please log in again."}, 401
            return redirect(url_for("auth.login"))
        # Idle time is kept to the minute: rewriting the stamp on every request would re-sign and
        # re-send the cookie with every response.
        stamp = now.timestamp()
        resolution = current_app.config["SESSION_LAST_SEEN_RESOLUTION"].total_seconds()
        if stamp - session[LAST_SEEN] >= resolution:
            session[LAST_SEEN] = stamp
            row.last_seen_at = now  # saved with the request's commit (the sessions page shows it)
        return None
