"""A clinic's versioned wording of each kind of message: every save is a new MessageTemplate row.

A message records the version it was written with ("clinic-3-reminder-v2", or "standard-reminder"
while the clinic uses the standard text), so later edits never change what a client was told.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import MessageTemplate, User
from .kinds import KINDS, problems


@dataclass(frozen=True)
class Wording:
    kind: str
    subject: str
    body: str
    sms_body: str
    label: str
    number: int  # 0 for the standard wording


class WordingError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class StaleWording(Exception):
    """Another version was saved since the form was opened."""


def standard(kind: str) -> Wording:
    spec = KINDS[kind]
    return Wording(kind, spec.subject, spec.body, spec.sms_body, f"standard-{kind}", 0)


def _as_wording(row: MessageTemplate) -> Wording:
    return Wording(row.kind, row.subject, row.body, row.sms_body, row.label, row.number)


def current(clinic_id: int, kind: str) -> Wording:
    row = db.session.scalars(
        select(MessageTemplate)
        .where(MessageTemplate.clinic_id == clinic_id, MessageTemplate.kind == kind)
        .order_by(MessageTemplate.number.desc())
        .limit(1)
    ).first()
    return _as_wording(row) if row else standard(kind)


def by_label(clinic_id: int, kind: str, label: str) -> Wording:
    """The version a message was written with (its template_version), else the current one."""
    prefix = f"clinic-{clinic_id}-{kind}-v"
    if label.startswith(prefix) and label[len(prefix) :].isdigit():
        row = db.session.scalars(
            select(MessageTemplate).where(
                MessageTemplate.clinic_id == clinic_id,
                MessageTemplate.kind == kind,
                MessageTemplate.number == int(label[len(prefix) :]),
            )
        ).first()
        if row is not None:
            return _as_wording(row)
    return standard(kind) if label == f"standard-{kind}" else current(clinic_id, kind)


def history(clinic_id: int, kind: str, limit: int = 20) -> list[MessageTemplate]:
    return list(
        db.session.scalars(
            select(MessageTemplate)
            .where(MessageTemplate.clinic_id == clinic_id, MessageTemplate.kind == kind)
            .order_by(MessageTemplate.number.desc())
            .limit(limit)
        )
    )


def save(clinic_id: int, user: User, kind: str, subject: str, body: str, sms_body: str, seen: int) -> Wording:
    """A new version of `kind`'s wording; `seen` is the version number the form was opened at."""
    spec = KINDS.get(kind)
    if spec is None or spec.to_staff:
        raise WordingError({"": "This message cannot be edited."})
    subject, body = (subject or "").strip(), (body or "").strip().replace("\r\n", "\n")
    sms_body = (sms_body or "").strip()
    errors = problems(spec, subject, body, sms_body)
    if errors:
        raise WordingError(errors)
    latest = db.session.scalar(
        select(func.max(MessageTemplate.number)).where(
            MessageTemplate.clinic_id == clinic_id, MessageTemplate.kind == kind
        )
    )
    if (latest or 0) != seen:
        raise StaleWording()
    row = MessageTemplate(
        clinic_id=clinic_id,
        kind=kind,
        number=(latest or 0) + 1,
        subject=subject,
        body=body,
        sms_body=sms_body if spec.sms_body else "",
        created_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    return _as_wording(row)
