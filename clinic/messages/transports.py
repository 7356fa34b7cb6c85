"""How a message leaves: SMTP for e-mail, an SMS provider's HTTP API, or the local mailbox.

Each transport raises TemporaryFailure (try again later: a server down, a 4xx reply) or
PermanentFailure (a refused recipient, a bad number: retrying cannot help), and otherwise returns the
provider's id for the message. Local trials keep every mail and text in the mailbox page instead.
"""

import base64
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage

from flask import current_app

from ..extensions import db
from ..models import MailboxItem


class TemporaryFailure(Exception):
    """Sending failed for now: try again later."""


class PermanentFailure(Exception):
    """Sending cannot succeed: `bounced` when the recipient was refused."""

    def __init__(self, reason: str, bounced: bool = False):
        super().__init__(reason)
        self.bounced = bounced


def _smtp_reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()[:250]


def send_smtp(mail: EmailMessage) -> str:
    config = current_app.config
    host, port, security = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"]
    timeout = config["SMTP_TIMEOUT"]
    try:
        if security == "tls":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config["SMTP_USERNAME"]:
                server.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            server.send_message(mail)
    except smtplib.SMTPRecipientsRefused as refused:
        code, text = next(iter(refused.recipients.values()))
        reason = "recipient refused: " + _smtp_reply(code, text)
        if 400 <= code < 500:
            raise TemporaryFailure(reason) from None
        raise PermanentFailure(reason, bounced=True) from None
    except smtplib.SMTPResponseException as error:
        reason = "mail server replied " + _smtp_reply(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            raise TemporaryFailure(reason) from None
        raise PermanentFailure(reason) from None
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"mail server unreachable: {type(error).__name__}: {error}"[:250]) from None
    return mail["Message-ID"]


def keep_in_mailbox(mail: EmailMessage, clinic_id: int | None, message_id: int | None) -> str:
    item = MailboxItem(
        clinic_id=clinic_id,
        message_id=message_id,
        to_address=mail["To"],
        subject=mail["Subject"],
        raw=mail.as_bytes(),
    )
    db.session.add(item)
    db.session.flush()
    return f"mailbox-{item.id}"


def send_mail(mail: EmailMessage, clinic_id: int | None, message_id: int | None) -> str:
    transport = current_app.config["MAIL_TRANSPORT"]
    if transport == "smtp":
        return send_smtp(mail)
    return keep_in_mailbox(mail, clinic_id, message_id)


def send_twilio(to: str, body: str) -> str:
    """Twilio's Messages API (form POST, basic auth); TWILIO_API_BASE points tests at a stand-in."""
    config = current_app.config
    account = config["TWILIO_ACCOUNT_SID"]
    base = config["TWILIO_API_BASE"].rstrip("/")
    url = f"{base}/2010-04-01/Accounts/{urllib.parse.quote(account)}/Messages.json"
    data = urllib.parse.urlencode({"To": to, "From": config["TWILIO_FROM"], "Body": body}).encode()
    credentials = base64.b64encode(f"{account}:{config['TWILIO_AUTH_TOKEN']}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 (the URL is the configured provider's)
        url, data=data, method="POST", headers={"Authorization": f"Basic {credentials}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=config["SMS_TIMEOUT"]) as response:  # noqa: S310
            payload = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            detail = json.loads(error.read() or b"{}")
        except ValueError:
            detail = {}
        reason = f"SMS provider replied {error.code}: {detail.get('message', '')}".strip()[:250]
        if error.code == 429 or error.code >= 500:
            raise TemporaryFailure(reason) from None
        raise PermanentFailure(reason, bounced=error.code == 400) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise TemporaryFailure(f"SMS provider unreachable: {error}"[:250]) from None
    return str(payload.get("sid", ""))


def send_sms(to: str, body: str, clinic_id: int | None, message_id: int | None) -> str:
    provider = current_app.config["SMS_PROVIDER"]
    if provider == "twilio":
        return send_twilio(to, body)
    if provider == "mailbox":
        mail = EmailMessage()
        mail["To"], mail["Subject"] = to, "SMS"
        mail.set_content(body)
        return keep_in_mailbox(mail, clinic_id, message_id)
    raise PermanentFailure("SMS is not set up for this clinic")
