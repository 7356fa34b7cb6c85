"""Messages to clients: outbox rows written with the change that causes them, delivered by a worker.

kinds.py and wording.py say what is written; consent.py who may get what; outbox.py queues rows;
queue.py (Huey) and reminders.py decide when; delivery.py, render.py and transports.py send.
The staff pages (views.py: the outbox, mailbox and wording; client_views.py: the client page's
messages) add their routes to the blueprint below, microblog's way; public.py is the clients' own
unsubscribe page, on its own blueprint.
"""

from urllib.parse import urlsplit

from flask import Blueprint, Flask

bp = Blueprint("messages", __name__)


def configure_messages(app: Flask) -> None:
    """Resolve the mail and queue settings, then start the app's queue and the outbox's hand-over."""
    from flask_sqlalchemy.session import Session

    from .outbox import register_outbox_events

    config = app.config
    host = urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost"
    config["MAIL_FROM"] = config.get("MAIL_FROM") or f"knotwork@{host}"
    config["MAIL_ID_DOMAIN"] = config.get("MAIL_ID_DOMAIN") or host
    if not config.get("MAIL_TRANSPORT"):
        config["MAIL_TRANSPORT"] = "smtp" if config.get("SMTP_HOST") else "mailbox"
        if config["MAIL_TRANSPORT"] == "mailbox" and not (app.debug or app.testing):
            app.logger.warning("no SMTP_HOST: mail to clients is kept in the mailbox page, not sent")
    if config["MAIL_TRANSPORT"] not in ("smtp", "mailbox"):
        raise RuntimeError(f"MAIL_TRANSPORT: smtp or mailbox, not {config['MAIL_TRANSPORT']!r}")
    if config["MAIL_TRANSPORT"] == "smtp" and not config.get("SMTP_HOST"):
        raise RuntimeError("MAIL_TRANSPORT is smtp but SMTP_HOST is not set")
    if config.get("SMS_PROVIDER") is None and app.debug:
        config["SMS_PROVIDER"] = "mailbox"
    if config.get("SMS_PROVIDER") == "twilio" and not all(
        config.get(key) for key in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
    ):
        raise RuntimeError(
            "SMS_PROVIDER is twilio: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM"
        )
    register_outbox_events(Session)


from . import client_views, views  # noqa: E402, F401  (their routes and panels join the blueprint above)
