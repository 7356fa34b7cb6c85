"""The check-in's private link: made when its message is sent, only the token's hash stored.

One check-in per visit. A message sent again (a retry after a failed delivery) renews the token of
the unanswered check-in, so the newest e-mail's link is the one that works. Services flush, never
commit.
"""

import hashlib
import re
import secrets

from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..models import CheckIn, Visit
from ..rules.checkin import OPEN_FOR

TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(visit: Visit) -> str:
    """A working link to `visit`'s check-in; returns the token, which is never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    check_in = db.session.scalars(select(CheckIn).where(CheckIn.visit_id == visit.id)).first()
    if check_in is None:
        check_in = CheckIn(clinic_id=visit.clinic_id, client_id=visit.client_id, visit_id=visit.id)
        db.session.add(check_in)
    check_in.token_hash = token_hash(token)  # the newest message's link is the one that works
    if check_in.answered_at is None:
        check_in.expires_at = now + OPEN_FOR
    db.session.flush()
    return token


def live(token: str) -> CheckIn | None:
    """The check-in of this token, answered or not, or None: malformed, unknown and expired alike."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    check_in = db.session.scalars(select(CheckIn).where(CheckIn.token_hash == token_hash(token))).first()
    if check_in is None or check_in.expires_at <= utcnow():
        return None
    return check_in
