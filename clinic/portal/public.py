"""The portal's way in, per clinic (/p/<public_slug>): ask for a sign-in link, open it, sign out.

Asking shows one answer for every address; opening asks for a tap first (mail scanners follow links,
and a GET must not use the link up), and unknown, used and expired links get one 404 page. Every hit is
counted per IP in the database before anything is looked up.
"""

from flask import Response, abort, current_app, redirect, render_template, request, url_for

from .. import audit
from ..extensions import db
from ..messages.queue import queue_for
from ..models import Client
from ..web.public_throttle import nothing_here, refuse_when_busy
from . import bp, links, sessions

SENT = "If that address is on file with us, a sign-in link is on its way. It works once, within 20 minutes."


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"  # a shared phone's back button must not show the pages
    return response


@bp.route("/<slug>", methods=["GET", "POST"])
def ask(slug: str):
    refuse_when_busy("portal.ask", current_app.config["PORTAL_MAX_REQUESTS_PER_IP"])
    clinic = links.clinic_by_slug(slug)
    if clinic is None:
        audit.record("portal.ask", outcome="denied")
        db.session.commit()
        abort(404)
    typed = (request.form.get("email") or "").strip()[:254]
    if request.method == "POST":
        if not typed or "@" not in typed:
            audit.record("portal.ask", outcome="invalid", clinic_id=clinic.id)
            db.session.commit()
            error = "Enter the e-mail address the clinic has for you, like name@example.com."
            return render_template("portal/ask.html", clinic=clinic, email=typed, error=error), 400
        audit.record("portal.ask", clinic_id=clinic.id)  # the per-IP count, known and unknown alike
        db.session.commit()
        queue_for(current_app._get_current_object()).portal_request(clinic.id, typed)  # matched by the worker
        return render_template("portal/ask.html", clinic=clinic, sent=SENT)
    audit.record("portal.ask", outcome="asked", clinic_id=clinic.id)
    db.session.commit()
    return render_template("portal/ask.html", clinic=clinic, email="")


def _dead():
    return nothing_here("portal.open", "portal/dead.html")


@bp.route("/in/<token>", methods=["GET", "POST"])
def open_link(token: str):
    refuse_when_busy("portal.open")
    link = links.live(token)
    if link is None:
        return _dead()
    client = db.session.get(Client, link.client_id)
    if client is None or client.archived_at is not None:
        return _dead()
    if request.method == "GET":
        audit.record("portal.open", outcome="asked", clinic_id=link.clinic_id, client_id=client.id)
        db.session.commit()
        return render_template("portal/open.html", token=token, name=client.called)
    if not links.use(link):
        db.session.rollback()
        return _dead()
    sessions.start(client)
    audit.record("portal.sign_in", object_type="client", object_id=client.id, client_id=client.id,
                 clinic_id=client.clinic_id)  # fmt: skip
    db.session.commit()
    return redirect(url_for("portal.home"), 303)


@bp.post("/sign-out")
def sign_out():
    signed_in = sessions.current()
    if signed_in is not None:
        client, _ = signed_in
        audit.record("portal.sign_out", object_type="client", object_id=client.id, client_id=client.id,
                     clinic_id=client.clinic_id)  # fmt: skip
    sessions.end()
    db.session.commit()
    return redirect(url_for("portal.signed_out"), 303)


@bp.get("/signed-out")
def signed_out():
    return render_template("portal/signed_out.html")
