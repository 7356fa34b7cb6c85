"""Access control: login everywhere but an explicit public list, roles, and clinic scoping."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select

from .extensions import db
from .models.user import ALL_ROLES, CLINICAL_ROLES, DESK_ROLES

__all__ = ["ALL_ROLES", "CLINICAL_ROLES", "DESK_ROLES"]  # the role groups, for views and panels

# Endpoints reachable without logging in. Everything else sends an anonymous user to /login.
# "feeds.subscribe" is a therapist's calendar feed: its URL carries a secret, revocable token.
# "auth.forgot_password" and "auth.reset_password": the password reset by e-mail (same answer for every
# address; a single-use, 30-minute token), throttled per address in the database. "auth.second_step":
# the code after a right password, open only to the session that gave it (for five minutes).
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.second_step",
        "auth.forgot_password",
        "auth.reset_password",
        "static",
        "health",
        "feeds.subscribe",
    }
)
# Blueprints whose every endpoint is public: the client's self-intake, guarded by a private,
# expiring, single-use token and showing nothing of the clinic's data; the client's aftercare sheet,
# guarded by a private, expiring token and showing only what the printed sheet shows; the
# unsubscribe link of every e-mail, guarded by a signed token; the check-in after a session, guarded by
# a private, expiring token and showing only the client's own first name, visit date and treated regions;
# a clinic's online booking pages (off until the owner turns them on), which show services and free times;
# the client portal, whose pages check their own session (clinic/portal/sessions.py: a single-use e-mail
# link opens it) and show the signed-in client's own records only.
PUBLIC_BLUEPRINTS = frozenset(
    {"selfintake", "aftercare_public", "messages_public", "checkin_public", "booking_public", "portal"}
)

# POSTs taken without a CSRF token. The unsubscribe link's one-click POST (RFC 8058) comes from the
# mail provider, which has no token: the signed token in the URL is the authority, and the only change
# it can make is the client's own "stop these messages". Checked against Flask-WTF's list by a test.
CSRF_EXEMPT_ENDPOINTS = frozenset({"messages_public.unsubscribe"})

Model = TypeVar("Model")


def register_access_control(app: Flask) -> None:
    @app.before_request
    def _require_login():
        if request.endpoint is None:  # 404 or 405: let the error handler answer
            return None
        if request.endpoint in PUBLIC_ENDPOINTS or request.blueprint in PUBLIC_BLUEPRINTS:
            return None
        if current_user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("auth.login", next=request.path if request.method == "GET" else None))

    @app.get("/health")
    def health():
        return {"status": "ok"}


def roles_required(*roles: str) -> Callable:
    """Allow only users whose role is one of `roles`; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # read by the security tests
        return wrapped

    return decorator


def clinical_roles_required(view: Callable) -> Callable:
    """Health history, notes and screening: owners and therapists, never the front desk."""
    return roles_required(*CLINICAL_ROLES)(view)


def scoped(model: type[Model]) -> Select:
    """A select of `model` limited to the current user's clinic: the start of every query."""
    return select(model).where(model.clinic_id == current_user.clinic_id)  # type: ignore[attr-defined]


def get_scoped_or_404(model: type[Model], object_id: int) -> Model:
    """One record of the current clinic, or 404: another clinic's record does not exist for us."""
    obj = db.session.scalars(scoped(model).where(model.id == object_id)).first()  # type: ignore[attr-defined]
    if obj is None:
        # A miss is either a wrong id or a probe of another clinic: both are recorded, both get 404.
        from . import audit

        db.session.rollback()
        audit.record("access.denied", object_type=model.__tablename__, object_id=object_id, outcome="denied")
        db.session.commit()
        abort(404)
    return obj
