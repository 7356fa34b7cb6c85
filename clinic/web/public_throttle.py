"""Throttling of the public routes (links in e-mails, the self-intake form), counted in the database.

Every hit of a public route writes an audit row with the caller's address; the count of this address's
recent rows of one action is the limit, so it holds across worker processes and app servers. Known and
unknown tokens count alike and get the same answer.
"""

import math
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from ..clock import utcnow
from ..extensions import db
from ..models import AuditEvent

DEFAULT_WINDOW = timedelta(minutes=10)


def recent_hits(action: str, ip: str, window: timedelta = DEFAULT_WINDOW) -> list:
    since = utcnow() - window
    return list(
        db.session.scalars(
            select(AuditEvent.at)
            .where(AuditEvent.ip == ip, AuditEvent.action == action, AuditEvent.at > since)
            .order_by(AuditEvent.at.desc())
        )
    )


def refuse_when_busy(action: str, limit: int | None = None, window: timedelta = DEFAULT_WINDOW) -> None:
    """429 with Retry-After when this address has hit `action` `limit` times within `window`."""
    limit = limit or current_app.config["PUBLIC_MAX_HITS_PER_IP"]
    ip = (request.remote_addr or "")[:64]
    hits = recent_hits(action, ip, window)
    if len(hits) < limit:
        return
    error = TooManyRequests()
    error.retry_after = max(1, math.ceil((hits[limit - 1] + window - utcnow()).total_seconds()))
    raise error


def nothing_here(action: str, template: str, **context):
    """The one answer of a public route for a token or address that opens nothing: a 404 page, and a
    denied audit row (no clinic, no object: none is known) so the throttle counts it like a good one."""
    from flask import render_template

    from .. import audit

    audit.record(action, outcome="denied")
    db.session.commit()
    return render_template(template, **context), 404
