"""Every view, change, print and export of clinical data writes exactly one audit row.

Every route of the app is classified here: AUDITED (a case that makes the request the way a user
would and the audit row(s) it must write) or NOT_AUDITED (why no row is due). A new route fails
`test_every_route_is_classified` until someone decides which it is.

Where one request changes several objects the rule is one row per object, listed in MULTI_ROW.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.clock import clinic_today
from clinic.extensions import db
from clinic.models import Clinic

from .conftest import log_in, portal_sign_in
from .helpers import form_for
from .world import audit_rows_after, last_audit_id, routes


@dataclass
class Ctx:
    app: object
    world: object
    web: object

    def form(self, page_url: str, action: str | None = None) -> dict:
        page = self.web.get(page_url)
        assert page.status_code == 200, (page_url, page.status_code)
        fields = form_for(page.get_data(as_text=True), action or page_url.split("?")[0])
        assert fields is not None, f"no form posting to {action or page_url} on {page_url}"
        return fields


@dataclass
class Case:
    role: str
    request: Callable[[Ctx], tuple]  # (method, url, form data or None, json or None), after any preparation
    actions: tuple[str, ...] | None  # the rows' actions in order; None: one row, any action
    statuses: tuple[int, ...] = (200,)
    client: Callable | None = None  # the client id the row(s) must name


def get(url):
    return lambda c: ("GET", url(c), None, None)


A = lambda c: c.world.a  # noqa: E731


def _health_edit(c):
    url = f"/clients/{A(c).client}/health/edit"
    return "POST", url, {**c.form(url), "goals": "Garden again without pain"}, None


def _health_update(c):
    url = f"/clients/{A(c).client}/health/update"
    fields = c.form(url)
    fields.pop("no_change", None)
    return "POST", url, {**fields, "medications": "Ibuprofen 200 mg", "change_note": "New tablets"}, None


def _client_edit(c):
    url = f"/clients/{A(c).client}/edit"
    return "POST", url, {**c.form(url), "referral_source": "A friend"}, None


def _submitted_link(c) -> tuple[int, int]:
    """(client id, link id) of a self-intake form the client has just sent (client 2 of clinic A)."""
    a = A(c)
    page = c.web.post(f"/clients/{a.client2}/intake-link")
    token = re.search(r"/i/([A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)
    anonymous = c.app.test_client()
    response = anonymous.post(
        f"/i/{token}", data={"main_complaint": "Sore neck", "consent_name": "Second Client"}
    )
    assert response.status_code == 302
    link_id = audit_rows_after(c.app, 0)[-1]["object_id"]
    return a.client2, link_id


def _portal_move(c):
    """Move clinic A's first client's appointment to the first free time the portal offers them."""
    url = f"/p/appointments/{A(c).appointment}/move"
    for days in range(1, 15):
        with c.app.app_context():
            day = clinic_today(db.session.get(Clinic, A(c).clinic)) + timedelta(days=days)
        found = re.search(
            r'name="start" value="([^"]+)"', c.web.get(f"{url}?day={day}").get_data(as_text=True)
        )
        if found:
            return "POST", url, {"start": found.group(1)}, None
    pytest.fail("the portal offered no free time in two weeks: the world has no opening hours?")


def _export_download(c):
    """A clinic export the owner asked for and the worker built, ready for its one download."""
    from clinic.messages.queue import queue_for

    response = c.web.post("/exports/")
    assert response.status_code == 302
    queue_for(c.app).run_pending()
    return "POST", response.headers["Location"].rstrip("/") + "/download", {}, None


def _check_in_answer(c):
    """The signed visit's check-in, unanswered again, through a new link (as a re-sent message makes)."""
    from clinic.checkin import links
    from clinic.models import CheckIn, Visit

    with c.app.app_context():
        check_in = db.session.scalars(select(CheckIn).where(CheckIn.id == A(c).check_in)).one()
        check_in.answered_at, check_in.answers, check_in.level = None, None, None
        token = links.issue(db.session.get(Visit, check_in.visit_id))
        db.session.commit()
    answers = {f"flag-{code}": "no" for code in ("chest", "calf", "infection", "nerves")}
    return "POST", f"/c/{token}", {**answers, "soreness": "3"}, None


def _reject(c):
    client, link = _submitted_link(c)
    return "POST", f"/clients/{client}/intake-link/{link}/reject", {}, None


def _accept(c):
    a = A(c)
    url = f"/clients/{a.client}/intake-link/{a.link_submitted}"
    return "POST", url + "/accept", c.form(url, url + "/accept"), None


def _self_intake(c):
    a = A(c)
    return "POST", f"/i/{a.link_token}", {"main_complaint": "Sore neck", "consent_name": "Ada Quill"}, None


def _revoke_link(c):
    a = A(c)
    return "POST", f"/clients/{a.client}/intake-link/{a.link_pending}/revoke", {}, None


def _note_save(c, sign=False):
    a = A(c)
    url = f"/visits/{a.draft_visit}/edit"
    fields = c.form(url)
    fields["subjective"] = "Better today"
    if sign:
        fields["sign"] = "1"
    return "POST", url, fields, None


def _new_visit(c):
    a = A(c)
    return (
        "POST",
        f"/clients/{a.client}/visits/new",
        {"start": "1", "changes": "", "plan-0-technique": "stretching", "plan-0-region": "neck_posterior"},
        None,
    )


def _copy_last(c):
    a = A(c)
    response = c.web.post(
        f"/clients/{a.client}/visits/new",
        data={"start": "1", "plan-0-technique": "stretching", "plan-0-region": "neck_posterior"},
    )
    visit = int(re.search(r"/visits/(\d+)", response.headers["Location"]).group(1))
    return "POST", f"/visits/{visit}/copy-last", {}, None


def _follow_ups(c):
    a = A(c)
    url = f"/visits/{a.signed_visit}/follow-ups"
    fields = c.form(url)
    rows = [i for i in range(int(fields.get("rows", 0))) if fields.get(f"date-{i}")]
    assert rows, "the signed visit proposes no follow-up that can be booked"
    for i in rows:
        fields.pop(f"include-{i}", None)
    fields[f"include-{rows[-1]}"] = "1"  # the latest proposed date: never in the past
    return "POST", url, fields, None


def _book(c):
    a = A(c)
    return (
        "POST",
        "/appointments/new",
        {
            "therapist": a.therapist,
            "client": a.client2,
            "service": a.service,
            "date": "2030-06-04",
            "time": "10:00",
            "date_ok": "y",
        },
        None,
    )


def _reschedule(c):
    a = A(c)
    url = f"/appointments/{a.appointment}/reschedule"
    return "POST", url, {**c.form(url), "time": "11:00", "date_ok": "y"}, None  # 2030: years ahead


def _api_book(c):
    a = A(c)
    return (
        "POST",
        "/api/appointments",
        None,
        {
            "therapist_id": a.therapist,
            "client_id": a.client2,
            "service_id": a.service,
            "start": "2030-06-05T10:00",
        },
    )


def _plan_check(c):
    a = A(c)
    return (
        "POST",
        f"/clients/{a.client}/screening",
        {"plan-0-technique": "stretching", "plan-0-region": "neck_posterior"},
        None,
    )


SCREENING_PAYLOAD = {
    "on": "2026-06-01",
    "age": 40,
    "conditions": [],
    "consent": True,
    "plan": [{"technique": "stretching", "region": "neck_posterior"}],
}


def _upload(url):
    import io

    from .world import tiny_pdf

    return lambda c: ("POST", url(c), {"file": (io.BytesIO(tiny_pdf()), "letter.pdf"), "caption": "GP"}, None)


CLIENT = lambda c: A(c).client  # noqa: E731
CLIENT2 = lambda c: A(c).client2  # noqa: E731

AUDITED: dict[tuple[str, str], Case] = {
    # views and exports
    ("GET", "clients.index"): Case("frontdesk", get(lambda c: "/clients"), ("client.list",)),
    ("GET", "clients.detail"): Case(
        "frontdesk", get(lambda c: f"/clients/{A(c).client}"), ("client.view",), client=CLIENT
    ),
    ("GET", "clients.edit"): Case(
        "frontdesk", get(lambda c: f"/clients/{A(c).client}/edit"), None, client=CLIENT
    ),
    ("GET", "intake.show"): Case(
        "therapist", get(lambda c: f"/clients/{A(c).client}/health"), ("intake.view",), client=CLIENT
    ),
    ("GET", "intake.edit"): Case(
        "therapist", get(lambda c: f"/clients/{A(c).client}/health/edit"), ("intake.view",), client=CLIENT
    ),
    ("GET", "intake.update"): Case(
        "therapist", get(lambda c: f"/clients/{A(c).client}/health/update"), ("intake.view",), client=CLIENT
    ),
    ("GET", "intake.versions"): Case(
        "therapist",
        get(lambda c: f"/clients/{A(c).client}/health/versions"),
        ("intake.version_view",),
        client=CLIENT,
    ),
    ("GET", "intake.version"): Case(
        "therapist",
        get(lambda c: f"/clients/{A(c).client}/health/versions/1"),
        ("intake.version_view",),
        client=CLIENT,
    ),
    ("GET", "intake.review"): Case(
        "therapist",
        get(lambda c: f"/clients/{A(c).client}/intake-link/{A(c).link_submitted}"),
        ("intake.view",),
        client=CLIENT,
    ),
    ("GET", "visits.new"): Case(
        "therapist", get(lambda c: f"/clients/{A(c).client}/visits/new"), None, client=CLIENT
    ),
    ("GET", "visits.detail"): Case(
        "therapist", get(lambda c: f"/visits/{A(c).signed_visit}"), ("visit.view",), client=CLIENT
    ),
    ("GET", "visits.edit"): Case(
        "therapist", get(lambda c: f"/visits/{A(c).draft_visit}/edit"), ("visit.edit_view",), client=CLIENT
    ),
    ("GET", "followups.book"): Case(
        "therapist", get(lambda c: f"/visits/{A(c).signed_visit}/follow-ups"), None, client=CLIENT
    ),
    ("GET", "schedule.appointment"): Case(
        "frontdesk", get(lambda c: f"/appointments/{A(c).appointment}"), None, client=CLIENT
    ),
    ("GET", "schedule.reschedule"): Case(
        "frontdesk", get(lambda c: f"/appointments/{A(c).appointment}/reschedule"), None, client=CLIENT
    ),
    ("GET", "feeds.appointment"): Case(
        "frontdesk",
        get(lambda c: f"/appointments/{A(c).appointment}.ics"),
        ("appointment.export",),
        client=CLIENT,
    ),
    ("GET", "feeds.subscribe"): Case(
        "anonymous", get(lambda c: f"/feeds/{A(c).feed_token}.ics"), ("feed.read",)
    ),
    ("GET", "aftercare.visit_pdf"): Case(
        "frontdesk",
        get(lambda c: f"/visits/{A(c).signed_visit}/aftercare.pdf"),
        ("aftercare.print",),
        client=CLIENT,
    ),
    ("GET", "exports.client_pdf"): Case(
        "owner",
        get(lambda c: f"/exports/clients/{A(c).client}/record.pdf"),
        ("client.export",),
        client=CLIENT,
    ),
    ("GET", "exports.client_json"): Case(
        "owner",
        get(lambda c: f"/exports/clients/{A(c).client}/record.json"),
        ("client.export",),
        client=CLIENT,
    ),
    ("POST", "exports.start"): Case(
        "owner", lambda c: ("POST", "/exports/", {}, None), ("export.start",), (302,)
    ),
    ("POST", "exports.download"): Case("owner", _export_download, ("export.download",)),
    ("GET", "aftercare.today_pdf"): Case(
        "therapist", get(lambda c: "/aftercare/today.pdf"), ("aftercare.print",), client=CLIENT
    ),
    ("GET", "aftercare_public.sheet"): Case(
        "anonymous", get(lambda c: f"/a/{A(c).aftercare_token}"), ("aftercare.client_view",), client=CLIENT
    ),
    ("GET", "checkin_public.form"): Case(
        "anonymous", get(lambda c: f"/c/{A(c).check_in_token}"), ("checkin.open",), client=CLIENT
    ),
    ("POST", "checkin_public.answer"): Case(
        "anonymous", _check_in_answer, ("checkin.answer",), (303,), CLIENT
    ),
    ("POST", "booking_public.book"): Case(
        "anonymous",
        lambda c: ("POST", f"/book/confirm/{A(c).booking_token}", {}, None),
        ("booking.confirm",),
        (200,),
    ),
    ("POST", "booking.approve"): Case(
        "frontdesk",
        lambda c: ("POST", f"/online-bookings/{A(c).awaiting_request}/approve", {}, None),
        ("booking.approve",),
        (302,),
        CLIENT2,
    ),
    ("POST", "booking.decline"): Case(
        "frontdesk",
        lambda c: ("POST", f"/online-bookings/{A(c).awaiting_request}/decline", {}, None),
        ("booking.decline",),
        (302,),
        CLIENT2,
    ),
    ("POST", "checkin.handled"): Case(
        "therapist",
        lambda c: ("POST", f"/check-ins/{A(c).check_in}/handled", {}, None),
        ("checkin.handled",),
        (302,),
        CLIENT,
    ),
    ("GET", "aftercare_public.sheet_pdf"): Case(
        "anonymous",
        get(lambda c: f"/a/{A(c).aftercare_token}/sheet.pdf"),
        ("aftercare.client_download",),
        client=CLIENT,
    ),
    # the client portal, signed in as clinic A's first client
    ("GET", "portal.home"): Case("portal", get(lambda c: "/p/"), ("portal.view",), client=CLIENT),
    ("POST", "portal.cancel"): Case(
        "portal",
        lambda c: ("POST", f"/p/appointments/{A(c).appointment}/cancel", {}, None),
        ("portal.appointment_cancel",),
        (303,),
        CLIENT,
    ),
    ("GET", "portal.move"): Case(
        "portal",
        get(lambda c: f"/p/appointments/{A(c).appointment}/move"),
        ("portal.appointment_move_view",),
        client=CLIENT,
    ),
    ("POST", "portal.move"): Case(
        "portal",
        _portal_move,
        ("portal.appointment_move",),
        (303,),
        CLIENT,
    ),
    ("GET", "portal.aftercare"): Case(
        "portal",
        get(lambda c: f"/p/visits/{A(c).signed_visit}/aftercare"),
        ("portal.aftercare_view",),
        client=CLIENT,
    ),
    ("GET", "portal.aftercare_pdf"): Case(
        "portal",
        get(lambda c: f"/p/visits/{A(c).signed_visit}/aftercare.pdf"),
        ("portal.aftercare_download",),
        client=CLIENT,
    ),
    ("GET", "portal.messages"): Case(
        "portal", get(lambda c: "/p/messages"), ("portal.messages_view",), client=CLIENT
    ),
    ("POST", "portal.messages"): Case(
        "portal",
        lambda c: ("POST", "/p/messages", {"topic": "recall", "channel": "email", "allowed": "no"}, None),
        ("portal.message_choice",),
        (303,),
        CLIENT,
    ),
    ("POST", "screening.api"): Case(
        "therapist", lambda c: ("POST", "/api/screening", None, SCREENING_PAYLOAD), ("screening.preview",)
    ),
    ("POST", "screening.plan.check"): Case("therapist", _plan_check, ("screening.check",), client=CLIENT),
    # changes
    ("POST", "clients.new"): Case(
        "frontdesk",
        lambda c: ("POST", "/clients/new", {"first_name": "Ada", "last_name": "Quill"}, None),
        ("client.create",),
        (302,),
    ),
    ("POST", "clients.edit"): Case("frontdesk", _client_edit, ("client.update",), (302,), CLIENT),
    ("POST", "clients.archive"): Case(
        "frontdesk",
        lambda c: ("POST", f"/clients/{A(c).client2}/archive", {}, None),
        ("client.archive",),
        (302,),
        CLIENT2,
    ),
    ("POST", "clients.unarchive"): Case(
        "frontdesk",
        lambda c: ("POST", f"/clients/{A(c).client2}/unarchive", {}, None),
        ("client.unarchive",),
        (302,),
        CLIENT2,
    ),
    ("POST", "intake.edit"): Case("therapist", _health_edit, ("intake.update",), (302,), CLIENT),
    ("POST", "intake.update"): Case("therapist", _health_update, ("intake.update",), (302,), CLIENT),
    ("POST", "intake.create_link"): Case(
        "frontdesk",
        lambda c: ("POST", f"/clients/{A(c).client2}/intake-link", {}, None),
        ("intake_link.create",),
        (200,),
        CLIENT2,
    ),
    ("POST", "intake.revoke_link"): Case("frontdesk", _revoke_link, ("intake_link.revoke",), (302,), CLIENT),
    ("POST", "intake.accept"): Case("therapist", _accept, ("intake_link.accept",), (302,), CLIENT),
    ("POST", "intake.reject"): Case("therapist", _reject, ("intake_link.reject",), (302,), CLIENT2),
    ("POST", "selfintake.form"): Case("anonymous", _self_intake, ("intake_link.submit",), (302,), CLIENT),
    ("POST", "visits.new"): Case("therapist", _new_visit, ("visit.create",), (302,), CLIENT),
    ("POST", "visits.edit"): Case("therapist", _note_save, ("visit.update",), (302,), CLIENT),
    ("POST", "visits.set_frequency"): Case(
        "therapist",
        lambda c: (
            "POST",
            f"/visits/{A(c).draft_visit}/frequency",
            {"interval_days": "10", "sessions": "3", "reason": "r"},
            None,
        ),
        ("visit.frequency",),
        (302,),
        CLIENT,
    ),
    ("POST", "visits.copy_last"): Case("therapist", _copy_last, ("visit.copy_points",), (302,), CLIENT),
    ("POST", "visits.add_addendum"): Case(
        "therapist",
        lambda c: (
            "POST",
            f"/visits/{A(c).signed_visit}/addenda",
            {"reason": "Late entry", "text": "Called: fine"},
            None,
        ),
        ("visit.addendum",),
        (302,),
        CLIENT,
    ),
    ("POST", "followups.book"): Case("therapist", _follow_ups, ("appointment.create",), (302,), CLIENT),
    ("POST", "schedule.new"): Case("frontdesk", _book, ("appointment.create",), (302,), CLIENT2),
    ("POST", "schedule.reschedule"): Case(
        "frontdesk", _reschedule, ("appointment.reschedule",), (302,), CLIENT
    ),
    ("POST", "schedule.cancel"): Case(
        "frontdesk",
        lambda c: ("POST", f"/appointments/{A(c).appointment}/cancel", {"reason": "Clinic closed"}, None),
        ("appointment.cancel",),
        (302,),
        CLIENT,
    ),
    ("POST", "schedule.undo_cancel"): Case(  # the seeded follow-up was cancelled a moment ago
        "frontdesk",
        lambda c: ("POST", f"/appointments/{A(c).follow_up}/undo-cancel", {}, None),
        ("appointment.undo_cancel",),
        (302,),
        CLIENT,
    ),
    ("POST", "schedule.set_status"): Case(
        "frontdesk",
        lambda c: ("POST", f"/appointments/{A(c).appointment}/status", {"status": "arrived"}, None),
        ("appointment.arrived",),
        (302,),
        CLIENT,
    ),
    ("GET", "documents.download"): Case(
        "therapist", get(lambda c: f"/documents/{A(c).document}/file"), ("document.download",), client=CLIENT
    ),
    ("POST", "documents.upload_client"): Case(
        "therapist",
        _upload(lambda c: f"/clients/{A(c).client}/documents"),
        ("document.upload",),
        (302,),
        CLIENT,
    ),
    ("POST", "documents.upload_visit"): Case(
        "therapist",
        _upload(lambda c: f"/visits/{A(c).draft_visit}/documents"),
        ("document.upload",),
        (302,),
        CLIENT,
    ),
    ("POST", "documents.supersede"): Case(
        "therapist",
        _upload(lambda c: f"/documents/{A(c).visit_document}/supersede"),
        ("document.supersede",),
        (302,),
        CLIENT,
    ),
    ("POST", "documents.remove"): Case(
        "owner",
        lambda c: ("POST", f"/documents/{A(c).document}/remove", {}, None),
        ("document.remove",),
        (302,),
        CLIENT,
    ),
    ("POST", "schedule_api.create_appointment"): Case(
        "frontdesk", _api_book, ("appointment.create",), (201,), CLIENT2
    ),
    ("POST", "client_import.upload"): Case(
        "owner",
        lambda c: ("POST", "/clients/import", {"file": (io.BytesIO(b"Name\nAnna Smith\n"), "c.csv")}, None),
        ("client_import.upload",),
        (302,),
    ),
    ("GET", "client_import.columns"): Case(
        "owner", get(lambda c: f"/clients/import/{A(c).client_import}/columns"), ("client_import.view",)
    ),
    ("POST", "client_import.columns"): Case(
        "owner",
        lambda c: (
            "POST",
            f"/clients/import/{A(c).client_import}/columns",
            {"col0": "first_name", "col1": "last_name", "date_order": "dmy"},
            None,
        ),
        ("client_import.map",),
        (302,),
    ),
    ("GET", "client_import.preview"): Case(
        "owner", get(lambda c: f"/clients/import/{A(c).client_import}/preview"), ("client_import.preview",)
    ),
    ("POST", "client_import.preview"): Case(
        "owner",
        lambda c: ("POST", f"/clients/import/{A(c).client_import}/preview", {"confirm": "1"}, None),
        ("client_import.confirm",),
        (302,),
    ),
}

# Requests that change or print several objects at once: one row per object (checked by its own test).
MULTI_ROW = {
    # (and the client page as a clinical role: client.view + intake.view for its health panel, tested below)
    ("POST", "intake.create_link"): "a new link revokes the client's open one: intake_link.revoke + create",
    ("GET", "aftercare.today_pdf"): "one aftercare.print per sheet in the day's PDF",
    ("POST", "followups.book"): "one appointment.create per follow-up booked",
}

NOT_AUDITED = {
    "reference.reference": "the clinical reference the product carries: the same text for everyone",
    "reference.page": "the research behind the reference: the same text for everyone",
    "client_import.status": "an import's progress and counts: no client data (its run is audited)",
    "GET client_import.upload": "an empty upload form",
    "booking_public.page": "a clinic's services and free times: no client data (booking.page counted per IP)",
    "booking_public.ask": "a request books nothing (booking.request recorded per IP); not clinical",
    "booking_public.confirm": "the requester's own summary: service, time, their name (booking.confirm_view)",
    "booking.settings": "the clinic's online booking settings (changes audited)",
    "visits.check": "whether the typed note can be signed: a count of problems, no clinical data, no writes",
    "messages.outbox": "who was sent which kind of message, when: no clinical data (messages.view audited)",
    "messages.retry": "sends a message again (message.retry audited); no clinical data",
    "messages.mailbox": "local trials' kept mail: no clinical data in any message (mailbox.view audited)",
    "messages.mailbox_item": "one kept mail: no clinical data in any message (mailbox.read audited)",
    "messages.settings": "the clinic's message settings (changes audited)",
    "messages.edit_wording": "the clinic's message wording (changes audited)",
    "messages.save_choices": "a client's message choices (client.message_choices audited); not clinical",
    "messages.email_intake_link": "queues the questionnaire link (message.queue audited); no answers shown",
    "messages.send_recall": "queues a recall note (message.queue audited); no clinical data",
    "messages_public.unsubscribe": "the client's own choice (message.unsubscribe audited); no clinical data",
    "portal.ask": "asking for a sign-in link: no data shown (portal.ask and portal.link_request audited)",
    "portal.open_link": "GET asks for a tap; the POST signs in (portal.sign_in audited); no clinical data",
    "portal.sign_out": "portal.sign_out audited; no data",
    "portal.signed_out": "a notice",
    "portal.questionnaire": "issues the client's own self-intake link (portal.questionnaire audited, "
    "tests/test_portal.py); the form is the self-intake's",
    "portal_settings.index": "clinic setting (settings.portal audited)",
    "GET clients.new": "an empty form",
    "GET schedule.new": "the booking form: a picker of client names, no clinical data; the POST is audited",
    "home.index": "lists today's work (panels); reported: no list row",
    "schedule.day": "calendar list; reported: no list row",
    "schedule.week": "calendar list; reported: no list row",
    "schedule.recall": "recall list; reported: no list row",
    "schedule_api.list_appointments": "the calendar's JSON list; reported: no list row",
    "selfintake.form": "GET: the empty form shows the client's first name only (the POST is audited)",
    "selfintake.sent": "a thank-you page",
    "auth.login": "authentication events are audited by tests/test_auth.py",
    "auth.logout": "authentication events are audited by tests/test_auth.py",
    "auth.change_password": "audited as password.change (tests/test_auth.py)",
    "auth.forgot_password": "audited as password.reset_request (tests/test_password_reset.py)",
    "auth.second_step": "audited as login.second_step (tests/test_two_step.py)",
    "auth.two_step": "the user's own second factor (two_step.on / two_step.off audited)",
    "auth.sessions": "the user's own sessions (sessions.end_others audited)",
    "admin.reset_two_step": "staff accounts (two_step.reset audited)",
    "admin.two_step_policy": "clinic setting (settings.two_step audited)",
    "auth.reset_password": "audited as password.reset (tests/test_password_reset.py)",
    "health": "no data",
    "static": "no data",
    "admin.users": "staff accounts, not clinical data",
    "admin.new_user": "staff accounts (user.create audited)",
    "admin.set_role": "staff accounts (user.role audited)",
    "admin.set_password": "staff accounts (user.password_set audited; no clinical data)",
    "admin.activate": "staff accounts (user.activate audited)",
    "admin.deactivate": "staff accounts (user.deactivate audited)",
    "admin.audit_log": "the audit log itself (audit.view audited)",
    "admin.audit_csv": "the audit log as CSV (audit.export audited)",
    "exports.index": "the list of the clinic's exports: dates and sizes, no clinical data",
    "exports.detail": "one export's progress: counts, no clinical data (its start and download are audited)",
    "settings.index": "clinic details, not clinical data",
    "settings.upload_logo": "clinic logo",
    "settings.remove_logo": "clinic logo",
    "settings.logo": "clinic logo",
    "aftercare.wording": "the clinic's standard texts (changes audited)",
    "aftercare.version": "the clinic's standard texts",
    "aftercare.sample_pdf": "a made-up client",
    "feeds.settings": "the user's own feed settings",
    "feeds.create": "feed.create audited; no clinical data",
    "feeds.revoke": "feed.revoke audited; no clinical data",
    "schedule.services": "the clinic's services",
    "schedule.service_update": "the clinic's services",
    "schedule.service_activate": "the clinic's services",
    "schedule.service_deactivate": "the clinic's services",
    "schedule.hours": "opening hours",
    "schedule.user_hours": "working hours",
    "screening.policy": "the clinic's policy, no client data (changes audited as policy.change)",
    "screening.rule": "the clinic's policy, no client data",
    "screening.change": "policy.change audited; no client data",
}


def test_every_route_is_classified(world_app):
    app, _ = world_app
    unclassified = []
    for rule, method in routes(app):
        if (
            (method, rule.endpoint) in AUDITED
            or rule.endpoint in NOT_AUDITED
            or f"{method} {rule.endpoint}" in NOT_AUDITED
        ):
            continue
        unclassified.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not unclassified, (
        "Routes not classified for auditing: add a Case to AUDITED (if they show, change, print or export "
        f"clinical data) or a reason to NOT_AUDITED in tests/security/test_audit_coverage.py: {unclassified}"
    )
    stale = [key for key in AUDITED if key[1] not in app.view_functions]
    stale += [name for name in NOT_AUDITED if name.split()[-1] not in app.view_functions]
    assert not stale, f"classified routes that no longer exist: {stale}"


def _run(seeded, key):
    app, world = seeded()
    case = AUDITED[key]
    if case.role == "anonymous":
        web = app.test_client()
    elif case.role == "portal":
        web = portal_sign_in(app, world.a.client)
    else:
        web = log_in(app.test_client(), world.a.emails[case.role])
    ctx = Ctx(app, world, web)
    method, url, data, body = case.request(ctx)
    before = last_audit_id(app)
    if method == "GET":
        response = web.get(url)
    else:
        response = web.open(url, method=method, data=data, json=body)
    assert response.status_code in case.statuses, (
        url,
        response.status_code,
        response.get_data(as_text=True)[:300],
    )
    response.close()
    return case, ctx, audit_rows_after(app, before)


@pytest.mark.parametrize("key", [k for k in AUDITED if k not in MULTI_ROW], ids=lambda k: f"{k[0]} {k[1]}")
def test_each_view_change_print_and_export_writes_exactly_one_audit_row(seeded, key):
    case, ctx, rows = _run(seeded, key)
    assert len(rows) == 1, (
        f"{key}: {len(rows)} audit rows {[r['action'] for r in rows]}, expected exactly one"
    )
    row = rows[0]
    if case.actions is not None:
        assert row["action"] == case.actions[0], row
    if case.client is not None:
        assert row["client_id"] == case.client(ctx), row
    assert row["outcome"] == "ok"
    if case.role not in ("anonymous", "portal"):
        assert row["user_id"] == ctx.world.a.user(case.role), row
    assert row["clinic_id"] == ctx.world.a.clinic


def test_a_new_link_audits_the_one_it_replaces_and_itself(seeded):
    app, world = seeded()
    web = log_in(app.test_client(), world.a.emails["frontdesk"])
    before = last_audit_id(app)
    assert web.post(f"/clients/{world.a.client}/intake-link").status_code == 200
    rows = audit_rows_after(app, before)
    assert [(r["action"], r["object_id"]) for r in rows][0] == ("intake_link.revoke", world.a.link_pending)
    assert [r["action"] for r in rows] == ["intake_link.revoke", "intake_link.create"]


def test_the_days_pdf_audits_one_print_per_sheet(seeded):
    case, ctx, rows = _run(seeded, ("GET", "aftercare.today_pdf"))
    assert [r["action"] for r in rows] == ["aftercare.print"]  # the seeded therapist has one visit today
    assert rows[0]["object_id"] == ctx.world.a.draft_visit


def test_booking_follow_ups_audits_one_row_per_appointment(seeded):
    case, ctx, rows = _run(seeded, ("POST", "followups.book"))
    assert [r["action"] for r in rows] == ["appointment.create"]
    assert rows[0]["client_id"] == ctx.world.a.client


def test_a_refused_cross_clinic_request_writes_no_clinical_row(seeded):
    """A denied attempt may be audited as denied, never as a view of the data."""
    app, world = seeded()
    web = log_in(app.test_client(), world.b.emails["therapist"])
    before = last_audit_id(app)
    for url in (
        f"/clients/{world.a.client}",
        f"/visits/{world.a.signed_visit}",
        f"/clients/{world.a.client}/health",
    ):
        assert web.get(url).status_code == 404
    rows = audit_rows_after(app, before)
    assert all(r["outcome"] != "ok" for r in rows), rows


def test_a_cross_clinic_attempt_is_audited_as_denied(seeded):
    """Checklist 41 (MUST): a denied IDOR attempt writes an audit row with outcome "denied"."""
    app, world = seeded()
    web = log_in(app.test_client(), world.b.emails["therapist"])
    before = last_audit_id(app)
    urls = (
        f"/clients/{world.a.client}",
        f"/visits/{world.a.signed_visit}",
        f"/clients/{world.a.client}/health",
    )
    for url in urls:
        assert web.get(url).status_code == 404
    rows = audit_rows_after(app, before)
    assert [r["outcome"] for r in rows] == ["denied"] * len(urls), rows
    assert {r["user_id"] for r in rows} == {world.b.therapist}


def test_the_client_page_audits_the_client_and_its_health_panel(seeded):
    """For clinical roles the client page shows the health history and the documents' names too: one row
    per object seen."""
    app, world = seeded()
    web = log_in(app.test_client(), world.a.emails["therapist"])
    before = last_audit_id(app)
    assert web.get(f"/clients/{world.a.client}").status_code == 200
    rows = audit_rows_after(app, before)
    assert [(r["action"], r["client_id"]) for r in rows] == [
        ("client.view", world.a.client),
        ("intake.view", world.a.client),
        ("document.list", world.a.client),
    ]
