"""Login throttling counted in the database, so the limit holds across worker processes."""

import math
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from ..clock import utcnow
from ..extensions import db
from ..models import LoginAttempt


def _failures_since(column, value: str, since: datetime) -> list[datetime]:
    """Failure times for an account or IP inside the window, after its last success."""
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(column == value, LoginAttempt.succeeded.is_(True))
    )
    start = max(since, last_success) if last_success else since
    query = (
        select(LoginAttempt.at)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > start)
        .order_by(LoginAttempt.at.desc())
    )
    return list(db.session.scalars(query))


def retry_after_seconds(email: str, ip: str) -> int | None:
    """Seconds until this email (or IP) may try again, or None when it may try now."""
    config = current_app.config
    now = utcnow()
    window = config["LOGIN_WINDOW"]
    waits = []
    for column, value, limit in (
        (LoginAttempt.email, email, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (LoginAttempt.ip, ip, config["LOGIN_MAX_FAILURES_PER_IP"]),
    ):
        failures = _failures_since(column, value, now - window)
        if len(failures) >= limit:
            # The block lifts when the limit-th most recent failure leaves the window.
            waits.append((failures[limit - 1] + window - now).total_seconds())
    if not waits:
        return None
    return max(1, math.ceil(max(waits)))


def record_attempt(email: str, ip: str, succeeded: bool) -> None:
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=succeeded))
