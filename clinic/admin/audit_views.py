"""The owner's audit log: who saw or changed what, in words, with the client named; filters by person,
action, day and client; the same rows as CSV for an auditor. Reading or exporting it is audited too."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import Response, current_app, flash, render_template, request
from flask_login import current_user
from sqlalchemy import Select, select

from .. import audit
from ..access import roles_required, scoped
from ..exports.builder import spreadsheet_cell
from ..extensions import db
from ..models import AuditEvent, Client, User
from ..web.navigation import add_nav
from ..web.panels import add_panel
from ..web.request_numbers import query_int
from . import bp
from .audit_words import describe, record_words

add_nav("Audit log", "admin.audit_log", ("owner",), 90)
CSV_BATCH = 1000
CSV_MAX_ROWS = 200_000
RECORD_LINKS = {  # object type -> (endpoint, its id parameter): where a row's record opens
    "visit": ("visits.detail", "visit_id"),
    "appointment": ("schedule.appointment", "appointment_id"),
    "client": ("clients.detail", "client_id"),
}


def _filtered() -> tuple[Select, dict]:
    query = scoped(AuditEvent).order_by(AuditEvent.id.desc())
    user_id, client_id = query_int("user"), query_int("client")
    action = request.args.get("action", "", type=str).strip()[:64]
    day = request.args.get("day", "", type=str)
    if user_id:
        query = query.where(AuditEvent.user_id == user_id)
    if client_id:
        query = query.where(AuditEvent.client_id == client_id)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if day:
        try:
            start = datetime.fromisoformat(day).replace(tzinfo=current_user.clinic.tz)
        except ValueError:
            flash("The date must look like 2026-11-24.", "error")
        else:
            query = query.where(AuditEvent.at >= start, AuditEvent.at < start + timedelta(days=1))
    return query, {"user": user_id, "client": client_id, "action": action, "day": day}


def _client_names(client_ids: set[int]) -> dict[int, str]:
    """The names of the page's clients, in one query (this clinic's clients only)."""
    if not client_ids:
        return {}
    rows = db.session.scalars(
        select(Client).where(Client.clinic_id == current_user.clinic_id, Client.id.in_(client_ids))
    )
    return {client.id: client.display_name for client in rows}


@bp.get("/audit")
@roles_required("owner")
def audit_log():
    query, filters = _filtered()
    before = query_int("before")
    if before:
        query = query.where(AuditEvent.id < before)
    size = current_app.config["AUDIT_PAGE_SIZE"]
    events = db.session.scalars(query.limit(size + 1)).all()
    staff = db.session.scalars(scoped(User).order_by(User.name)).all()
    names = _client_names({e.client_id for e in events if e.client_id} | {filters["client"] or 0})
    page = render_template(
        "admin/audit.html",
        events=events[:size],
        more=len(events) > size,
        staff=staff,
        filters=filters,
        names=names,
        describe=describe,
        record_words=record_words,
        record_links=RECORD_LINKS,
    )
    audit.record("audit.view", object_type="audit")
    db.session.commit()
    return page


@bp.get("/audit.csv")
@roles_required("owner")
def audit_csv():
    """The filtered log as CSV, newest first, read in batches and sent whole (nothing is read from the
    database after the request ends). At most CSV_MAX_ROWS rows (about 25 MB): past that, the last line
    says so, and a narrower filter (a day, a person, a client) gives the rest."""
    query, filters = _filtered()
    audit.record("audit.export", object_type="audit", client_id=filters["client"] or None)
    db.session.commit()
    tz = current_user.clinic.tz
    text = io.StringIO()
    writer = csv.writer(text)
    written = 0
    writer.writerow(["When", "Who", "What", "Action", "Record", "Client", "Client id", "Outcome", "From"])
    for batch in _batches(query):
        if written >= CSV_MAX_ROWS:
            writer.writerow([f"More than {CSV_MAX_ROWS:,} rows: narrow the filter to export the rest."])
            break
        written += len(batch)
        names = _client_names({e.client_id for e in batch if e.client_id})
        writer.writerows(
            [
                spreadsheet_cell(value)
                for value in (
                    e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                    e.user.name if e.user else "",
                    describe(e.action),
                    e.action,
                    record_words(e.object_type, e.object_id),
                    names.get(e.client_id, ""),
                    e.client_id or "",
                    e.outcome,
                    e.ip or "",
                )
            ]
            for e in batch
        )
    return Response(
        text.getvalue().encode("utf-8-sig"),  # the byte-order mark: spreadsheets read the accents right
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"', "Cache-Control": "no-store"},
    )


def _batches(query: Select) -> Iterator[list[AuditEvent]]:
    """Keyset pages of CSV_BATCH rows (newest first), each its own short read."""
    before = None
    while True:
        page = query if before is None else query.where(AuditEvent.id < before)
        batch = db.session.scalars(page.limit(CSV_BATCH)).all()
        if not batch:
            return
        yield batch
        before = batch[-1].id
        db.session.expunge_all()


def _client_audit_panel(client: Client, **_context) -> dict:
    return {"client": client, "column": "side"}


add_panel("client", "admin/_client_audit.html", ("owner",), 95, _client_audit_panel)
