"""The owner's pages: the outbox (failures first), the local mailbox, message settings and wording."""

from email import policy
from email.parser import BytesParser

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, select

from .. import audit
from ..access import get_scoped_or_404, roles_required, scoped
from ..clock import utcnow
from ..extensions import db
from ..models import MailboxItem, Message
from ..web.navigation import add_nav
from ..web.request_numbers import query_int
from . import bp, wording
from .forms import ActionForm, MessageSettingsForm, WordingForm
from .kinds import EDITABLE, KINDS, PLACEHOLDERS
from .settings import message_settings, save_message_settings

add_nav("Messages", "messages.outbox", ("owner",), 75)
STATUS_ORDER = case(
    {"failed": 0, "bounced": 1, "queued": 2, "sending": 3, "suppressed": 4, "sent": 5}, value=Message.status
)


@bp.get("/messages")
@roles_required("owner")
def outbox():
    """Every message of the clinic, problems first; `?status=` narrows it."""
    status = request.args.get("status", "")
    before = query_int("before")
    query = scoped(Message).order_by(Message.id.desc())
    if status in ("failed", "bounced", "queued", "sending", "sent", "suppressed"):
        query = query.where(Message.status == status)
    if before:
        query = query.where(Message.id < before)
    size = current_app.config["OUTBOX_PAGE_SIZE"]
    rows = db.session.scalars(query.limit(size + 1)).all()
    problems = db.session.scalar(
        select(db.func.count(Message.id)).where(
            Message.clinic_id == current_user.clinic_id, Message.status.in_(("failed", "bounced"))
        )
    )
    audit.record("messages.view", object_type="outbox")
    page = render_template(
        "messages/outbox.html",
        rows=rows[:size],
        more=len(rows) > size,
        status=status,
        problems=problems,
        kinds=KINDS,
        form=ActionForm(),
        transport=_transport_note(),
    )
    db.session.commit()
    return page


def _transport_note() -> str | None:
    from flask import current_app

    if current_app.config["MAIL_TRANSPORT"] == "mailbox":
        return "Mail is kept in the mailbox below, not sent: this installation has no mail server configured."
    return None


@bp.post("/messages/<int:message_id>/retry")
@roles_required("owner")
def retry(message_id: int):
    message = get_scoped_or_404(Message, message_id)
    ActionForm().validate_on_submit()  # CSRF is checked globally; the form has no fields
    if message.status not in ("failed", "bounced"):
        flash("Only a failed message can be sent again.", "info")
        return redirect(url_for("messages.outbox"))
    message.status, message.status_reason, message.attempts = "queued", "sent again by the owner", 0
    message.send_after = utcnow()
    audit.record("message.retry", object_type="message", object_id=message.id, client_id=message.client_id)
    from .outbox import PENDING

    db.session.info.setdefault(PENDING, []).append((message.id, message.send_after))
    db.session.commit()
    flash("The message is queued again.", "success")
    return redirect(url_for("messages.outbox"))


@bp.get("/messages/mailbox")
@roles_required("owner")
def mailbox():
    newest = scoped(MailboxItem).order_by(MailboxItem.id.desc())
    items = db.session.scalars(newest.limit(current_app.config["OUTBOX_PAGE_SIZE"])).all()
    audit.record("mailbox.view", object_type="mailbox")
    page = render_template("messages/mailbox.html", items=items, transport=_transport_note())
    db.session.commit()
    return page


def _parts(raw: bytes) -> tuple[str, list[tuple[str, str]], list[str]]:
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    text = mail.get_body(preferencelist=("plain",))
    headers = [(name, str(value)) for name, value in mail.items()]
    attachments = [part.get_filename() or "attachment" for part in mail.iter_attachments()]
    return (text.get_content() if text is not None else ""), headers, attachments


@bp.get("/messages/mailbox/<int:item_id>")
@roles_required("owner")
def mailbox_item(item_id: int):
    item = get_scoped_or_404(MailboxItem, item_id)
    text, headers, attachments = _parts(bytes(item.raw))
    audit.record("mailbox.read", object_type="mailbox_item", object_id=item.id)
    page = render_template(
        "messages/mailbox_item.html", item=item, text=text, headers=headers, attachments=attachments
    )
    db.session.commit()
    return page


@bp.route("/settings/messages", methods=["GET", "POST"])
@roles_required("owner")
def settings():
    clinic = current_user.clinic
    current = message_settings(clinic)
    form = MessageSettingsForm(
        data=None
        if request.method == "POST"
        else {
            "reminder_hours": ", ".join(str(h) for h in current.reminder_hours),
            "quiet_from": current.quiet.starts,
            "quiet_until": current.quiet.ends,
            "aftercare": current.aftercare,
            "intake_on_booking": current.intake_on_booking,
            "sms_calling_code": current.sms_calling_code,
            "check_in_hours": str(current.check_in_hours),
            "emergency_number": current.emergency_number,
            "urgent_care_number": current.urgent_care_number,
        }
    )
    if form.validate_on_submit():
        hours = [int(h) for h in (form.reminder_hours.data or "").split(",") if h.strip()]
        save_message_settings(
            clinic,
            reminder_hours=hours,
            quiet_from=form.quiet_from.data,
            quiet_until=form.quiet_until.data,
            aftercare=form.aftercare.data,
            intake_on_booking=form.intake_on_booking.data,
            sms_calling_code=(form.sms_calling_code.data or "").strip(),
            check_in_hours=int(form.check_in_hours.data),
            emergency_number=(form.emergency_number.data or "").strip(),
            urgent_care_number=(form.urgent_care_number.data or "").strip(),
        )
        audit.record("settings.messages", object_type="clinic", object_id=clinic.id)
        db.session.commit()
        flash("Message settings saved.", "success")
        return redirect(url_for("messages.settings"))
    status = 400 if request.method == "POST" else 200
    return render_template("messages/settings.html", form=form, kinds=KINDS, editable=EDITABLE), status


@bp.route("/settings/messages/<kind>", methods=["GET", "POST"])
@roles_required("owner")
def edit_wording(kind: str):
    if kind not in EDITABLE:
        abort(404)
    clinic_id = current_user.clinic_id
    current = wording.current(clinic_id, kind)
    form = WordingForm(
        data=None
        if request.method == "POST"
        else {
            "subject": current.subject,
            "body": current.body,
            "sms_body": current.sms_body,
            "seen": current.number,
        }
    )
    conflict = False
    if form.validate_on_submit():
        try:
            seen = int(form.seen.data or 0)
        except ValueError:
            abort(400)
        try:
            saved = wording.save(
                clinic_id,
                current_user,
                kind,
                form.subject.data,
                form.body.data,
                form.sms_body.data or "",
                seen,
            )
        except wording.WordingError as error:
            for field, message in error.errors.items():
                getattr(form, field or "body").errors.append(message)
        except wording.StaleWording:
            db.session.rollback()
            conflict = True
        else:
            audit.record("message_wording.save", object_type="message_template", object_id=saved.number)
            db.session.commit()
            flash(f"Saved as version {saved.number}. New messages use it; those sent keep theirs.", "success")
            return redirect(url_for("messages.edit_wording", kind=kind))
    status = 200 if request.method == "GET" else (409 if conflict else 400)
    return render_template(
        "messages/wording.html",
        form=form,
        kind=KINDS[kind],
        current=current,
        history=wording.history(clinic_id, kind),
        placeholders={name: PLACEHOLDERS[name] for name in sorted(KINDS[kind].placeholders)},
        conflict=conflict,
    ), status
