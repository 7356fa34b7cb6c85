"""SMS through Twilio's HTTP API (a local stand-in: the real one is on the internet), consent by topic
and channel, and the unsubscribe link of every e-mail (one-click POST and the page for people)."""

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.messages import consent
from clinic.models import Appointment, Client, Clinic, Message
from tests.conftest import login, table_counts
from tests.mail import run_worker
from tests.messages.test_reminders import ADA, at_london, book, reminders

SID, TOKEN = "AC0123456789abcdef", "twilio-secret-token"


class TwilioStandIn(BaseHTTPRequestHandler):
    """Answers like Twilio's Messages API: 201 with a sid, or the error it was told to give."""

    received: list = []
    fail_with: int | None = None

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        ok_path = self.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
        if self.headers.get("Authorization") != expected or not ok_path:
            return self._reply(401, {"code": 20003, "message": "Authenticate"})
        if self.fail_with:
            return self._reply(self.fail_with, {"code": 21211, "message": "The 'To' number is not valid."})
        type(self).received.append({key: values[0] for key, values in form.items()})
        return self._reply(201, {"sid": f"SM{len(type(self).received):032d}", "status": "queued"})

    def _reply(self, status: int, payload: dict):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def twilio():
    TwilioStandIn.received, TwilioStandIn.fail_with = [], None
    server = ThreadingHTTPServer(("127.0.0.1", 0), TwilioStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", TwilioStandIn
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def sms_app(make_app, smtp, twilio):
    port, _ = smtp
    base, _ = twilio
    app = make_app(
        MAIL_TRANSPORT="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_SECURITY="none",
        SMS_PROVIDER="twilio",
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_FROM="+441234567890",
        TWILIO_API_BASE=base,
    )
    return app


def agree_to_sms(app, client_id, calling_code="+44"):
    with app.app_context():
        client = db.session.get(Client, client_id)
        client.phone = "07700 900123"
        consent.set_choice(client, "reminders", "sms", True, "staff")
        clinic = db.session.get(Clinic, client.clinic_id)
        clinic.settings = {**(clinic.settings or {}), "messages": {"sms_calling_code": calling_code}}
        db.session.commit()


def test_a_client_who_agreed_gets_the_reminder_by_text_too(
    sms_app, smtp, twilio, clinic_id, therapist, clock
):
    app, (_, sink), (_, standin) = sms_app, smtp, twilio
    start = at_london(clock, 3, 10)
    appointment_id = book(app, clinic_id, therapist, start)
    with app.app_context():
        client_id = db.session.get(Appointment, appointment_id).client_id
    agree_to_sms(app, client_id)
    clock.set(start - timedelta(hours=48))
    run_worker(app)
    [text] = standin.received
    assert text["To"] == "+447700900123" and text["From"] == "+441234567890"
    assert text["Body"].startswith("Harbour Test Clinic: reminder of your appointment ")
    assert len(text["Body"]) <= 320
    assert len(sink.to(ADA)) == 1  # and by e-mail
    sms = [m for m in reminders(app) if m.channel == "sms"]
    assert [(m.status, m.provider_id) for m in sms] == [("sent", "SM" + "1".zfill(32))]


def test_no_sms_without_consent_and_a_bad_number_is_refused_not_retried(
    sms_app, smtp, twilio, clinic_id, therapist, clock
):
    app, (_, standin) = sms_app, twilio
    start = at_london(clock, 3, 10)
    appointment_id = book(app, clinic_id, therapist, start)
    clock.set(start - timedelta(hours=48))
    run_worker(app)
    assert standin.received == [] and [m.channel for m in reminders(app)] == ["email"]
    with app.app_context():
        client_id = db.session.get(Appointment, appointment_id).client_id
    agree_to_sms(app, client_id)
    standin.fail_with = 400
    clock.set(start - timedelta(hours=2))
    run_worker(app)
    [sms] = [m for m in reminders(app) if m.channel == "sms"]
    assert sms.status == "bounced" and "400" in sms.status_reason


def test_the_unsubscribe_link_asks_then_stops_reminders(mail_app, smtp, clinic_id, therapist, clock):
    app, (_, sink) = mail_app, smtp
    start = at_london(clock, 3, 10)
    book(app, clinic_id, therapist, start)
    clock.set(start - timedelta(hours=48))
    run_worker(app)
    [mail] = sink.to(ADA)
    url = mail["List-Unsubscribe"].strip()[1:-1]
    path = url.removeprefix("http://localhost")
    public = app.test_client()
    before = table_counts(app)
    page = public.get(path)
    assert page.status_code == 200 and "Stop these messages?" in page.get_data(as_text=True)
    assert table_counts(app) == before  # a mail scanner following the link changes nothing
    done = public.post(path, data={"List-Unsubscribe": "One-Click"})  # RFC 8058, no CSRF token
    assert done.status_code == 200 and "will not send you reminders" in done.get_data(as_text=True)
    clock.set(start - timedelta(hours=2))
    run_worker(app)
    assert len(sink.to(ADA)) == 1
    [_, stopped] = reminders(app)
    assert stopped.status == "suppressed" and "asked not to get reminders" in stopped.status_reason


@pytest.mark.parametrize("token", ["nonsense", "eyJtIjoxfQ.forged-signature", "x" * 300])
def test_a_bad_unsubscribe_link_gets_the_same_calm_404(app, token):
    response = app.test_client().get(f"/m/u/{token}")
    assert response.status_code == 404 and "This link is not valid" in response.get_data(as_text=True)


def test_the_unsubscribe_route_is_throttled_for_known_and_unknown_links(make_app):
    app = make_app(PUBLIC_MAX_HITS_PER_IP=3)
    public = app.test_client()
    statuses = [public.get("/m/u/nonsense").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_the_desk_records_a_clients_choices(app, web, clinic_id, frontdesk):
    from tests.factories import create_client

    client_id = create_client(app, clinic_id, "Ada", "Quill", email=ADA)
    login(web, "desk@example.test")
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "What this client agreed to receive" in page
    # untick recall by e-mail, tick reminders by SMS
    keep = {f"email-{topic}": "y" for topic in consent.TOPICS if topic != "recall"}
    assert (
        web.post(f"/clients/{client_id}/messages/choices", data={**keep, "sms-reminders": "y"}).status_code
        == 302
    )
    with app.app_context():
        choices = consent.preferences(client_id)
        assert choices[("email", "recall")] is False and choices[("sms", "reminders")] is True
        assert db.session.scalars(select(Message)).all() == []
