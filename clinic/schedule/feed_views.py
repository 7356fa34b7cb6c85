"""iCalendar: one appointment as .ics, and each therapist's private feed with its settings page."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import audit
from ..access import CLINICAL_ROLES, get_scoped_or_404, roles_required
from ..clock import utcnow
from ..extensions import db
from ..models import Appointment, CalendarFeed
from ..web.public_url import public_url
from . import booking, ical
from . import feeds_bp as bp
from .forms import StatusForm

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@bp.get("/feeds/<token>.ics")
def subscribe(token: str):
    """Public: the URL's token is the key. Unknown, revoked or a deactivated therapist's: 404."""
    found = ical.find_active(token)
    if found is None:
        abort(404)
    feed, user = found
    body = ical.calendar(
        ical.feed_appointments(user, utcnow()), user.clinic, f"{user.clinic.name}: {user.name}"
    )
    audit.record("feed.read", object_type="calendar_feed", object_id=feed.id, user=user)
    db.session.commit()
    return Response(body, content_type=CALENDAR_TYPE)


@bp.get("/appointments/<int:appointment_id>.ics")
def appointment(appointment_id: int):
    item = get_scoped_or_404(Appointment, appointment_id)
    body = ical.calendar([item], current_user.clinic, current_user.clinic.name)
    booking.log("appointment.export", item)
    db.session.commit()
    return Response(
        body,
        content_type=CALENDAR_TYPE,
        headers={"Content-Disposition": f'attachment; filename="appointment-{item.id}.ics"'},
    )


def _page(token: str | None = None, status: int = 200):
    mine = ical.active_feeds(current_user.clinic_id, current_user.id)
    others = (
        [row for row in ical.active_feeds(current_user.clinic_id) if row[1].id != current_user.id]
        if current_user.role == "owner"
        else []
    )
    url = public_url("feeds.subscribe", token=token) if token else None
    return render_template(
        "schedule/feed.html", mine=mine[0] if mine else None, others=others, url=url, form=StatusForm()
    ), status


@bp.get("/settings/calendar-feed")
@roles_required(*CLINICAL_ROLES)
def settings():
    return _page()


@bp.post("/settings/calendar-feed")
@roles_required(*CLINICAL_ROLES)
def create():
    if not StatusForm().validate_on_submit():
        abort(400)
    feed, token = ical.create_feed(current_user)
    audit.record("feed.create", object_type="calendar_feed", object_id=feed.id)
    db.session.commit()
    # The address is shown this once, on this response: it is never stored, flashed or logged.
    return _page(token)


@bp.post("/settings/calendar-feed/<int:feed_id>/revoke")
@roles_required(*CLINICAL_ROLES)
def revoke(feed_id: int):
    feed = get_scoped_or_404(CalendarFeed, feed_id)
    if current_user.role != "owner" and feed.user_id != current_user.id:
        abort(404)
    if not StatusForm().validate_on_submit():
        abort(400)
    ical.revoke(feed)
    audit.record("feed.revoke", object_type="calendar_feed", object_id=feed.id)
    db.session.commit()
    flash("Feed revoked: calendars subscribed to it stop updating.", "success")
    return redirect(url_for("feeds.settings"))
