"""Two-step sign-in: a TOTP code (RFC 6238, pyotp) after the password, recovery codes, trusted devices.

A code is accepted in the 30-second step it was made for or the one either side (clock drift), once:
the last accepted step is kept and moved forward with a conditional UPDATE, so two requests with the
same code cannot both pass. Recovery codes and device tokens are random and kept as SHA-256 hashes.
The QR code is drawn here (segno, SVG): the secret never goes to an image service.
"""

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
from sqlalchemy import delete, select, update

from ..clock import utcnow
from ..extensions import db
from ..models import RecoveryCode, TrustedDevice, TwoStep, User
from .sessions import end_all_sessions

STEP_SECONDS = 30
RECOVERY_CODES = 10
DEVICE_LIFETIME = timedelta(days=30)
DEVICE_COOKIE = "knotwork_device"
_CODE = re.compile(r"^[0-9]{6}$")  # ASCII digits only: compare_digest refuses other strings
_RECOVERY = re.compile(r"^[A-Z2-7]{16}$")


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def settings_of(user: User) -> TwoStep | None:
    return db.session.get(TwoStep, user.id)


def is_on(user: User) -> bool:
    found = settings_of(user)
    return found is not None and found.enabled_at is not None


def required_for(user: User) -> bool:
    """Whether the clinic's owner requires a second factor of every account."""
    return bool((user.clinic.settings or {}).get("two_step_required"))


def start_setup(user: User) -> TwoStep:
    """A new secret to scan (replacing one never confirmed); the factor is on only once confirmed."""
    found = settings_of(user)
    if found is not None and found.enabled_at is not None:
        raise ValueError("two-step sign-in is on already")
    if found is None:
        found = TwoStep(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(found)
    else:
        found.secret, found.last_step = pyotp.random_base32(), 0
    db.session.flush()
    return found


def provisioning_uri(user: User, found: TwoStep) -> str:
    return pyotp.TOTP(found.secret).provisioning_uri(
        name=user.email, issuer_name=f"Knotwork {user.clinic.name}"
    )


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no external service sees the secret)."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, border=2, title="QR code for your authenticator app"
    )


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step `code` belongs to (now, or one either side), or None."""
    code = re.sub(r"\s", "", code or "")
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    stamp = int(now.timestamp())
    for offset in (0, -1, 1):
        moment = stamp + offset * STEP_SECONDS
        if hmac.compare_digest(totp.at(moment), code):
            return moment // STEP_SECONDS
    return None


def check_code(user: User, code: str) -> bool:
    """A fresh code of this user's (not one accepted before): its step is recorded."""
    found = settings_of(user)
    if found is None:
        return False
    step = matching_step(found.secret, code, utcnow())
    if step is None or step <= found.last_step:
        return False
    moved = db.session.execute(
        update(TwoStep).where(TwoStep.user_id == user.id, TwoStep.last_step < step).values(last_step=step)
    )
    db.session.expire(found)
    return moved.rowcount == 1


def enable(user: User, code: str) -> list[str] | None:
    """Turn the factor on with a first good code; returns the recovery codes (shown this once)."""
    found = settings_of(user)
    if found is None or found.enabled_at is not None or not check_code(user, code):
        return None
    found.enabled_at = utcnow()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Ten new codes (80 bits each, in four groups of four); the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
        for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return ["-".join(code[i : i + 4] for i in range(0, 16, 4)) for code in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """A recovery code of this user's, never used: used up now."""
    code = re.sub(r"[\s-]", "", (code or "").upper())
    if not _RECOVERY.match(code):
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def remember_device(user: User) -> str:
    """A token for the browser's cookie: no second step there for 30 days."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        TrustedDevice(user_id=user.id, token_hash=_hash(token), expires_at=utcnow() + DEVICE_LIFETIME)
    )
    db.session.flush()
    return token


def is_trusted(user: User, token: str | None) -> bool:
    if not token or len(token) > 100:
        return False
    found = db.session.scalars(
        select(TrustedDevice).where(
            TrustedDevice.user_id == user.id, TrustedDevice.token_hash == _hash(token)
        )
    ).first()
    return found is not None and found.expires_at > utcnow()


def turn_off(user: User) -> None:
    """The factor, its codes and trusted devices go; every session of the user ends (the caller audits)."""
    for model in (RecoveryCode, TrustedDevice):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(TwoStep).where(TwoStep.user_id == user.id))
    end_all_sessions(user)
