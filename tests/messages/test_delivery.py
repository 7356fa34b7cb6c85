"""Delivery under faults: a mail server that is down or refuses, a worker killed mid-send, retries."""

from datetime import timedelta

from sqlalchemy import select, update

from clinic.extensions import db
from clinic.messages import notices
from clinic.messages.delivery import CLAIM_LEASE, claim
from clinic.messages.queue import queue_for
from clinic.models import Message
from clinic.rules.messaging import MAX_ATTEMPTS
from tests.mail import run_worker

ADA = "ada.quill@example.test"


def recall_for(app, clinic_id, user_id, email=ADA) -> int:
    """A recall note queued for a new client: the simplest message (no appointment, no link)."""
    from clinic.clients import services
    from clinic.models import User

    with app.app_context():
        client = services.create_client(
            clinic_id, {"first_name": "Ada", "last_name": "Quill", "email": email}
        )
        [message] = notices.recall(client, db.session.get(User, user_id))
        db.session.commit()
        return message.id


def row(app, message_id) -> Message:
    with app.app_context():
        message = db.session.get(Message, message_id)
        db.session.expunge(message)
        return message


def test_a_mail_server_that_is_down_leaves_the_message_queued_with_the_reason(
    make_app, smtp, clinic_id, frontdesk, clock
):
    port, sink = smtp
    app = make_app(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_SECURITY="none")
    message_id = recall_for(app, clinic_id, frontdesk)
    run_worker(app)
    down = row(app, message_id)
    assert (down.status, down.attempts) == ("queued", 1)
    assert down.status_reason.startswith("attempt 1 failed: mail server unreachable")
    assert down.send_after == clock() + timedelta(minutes=1)
    run_worker(app)  # not yet time to try again
    assert row(app, message_id).attempts == 1
    app.config["SMTP_PORT"] = port  # the server is back
    clock.advance(minutes=1)
    run_worker(app)
    sent = row(app, message_id)
    assert (sent.status, sent.attempts) == ("sent", 2) and len(sink.to(ADA)) == 1


def test_a_server_that_keeps_failing_is_given_up_on_and_shows_in_the_outbox(
    make_app, clinic_id, owner, frontdesk, clock
):
    app = make_app(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_SECURITY="none")
    message_id = recall_for(app, clinic_id, frontdesk)
    for _ in range(MAX_ATTEMPTS):
        run_worker(app)
        clock.advance(hours=3)
    failed = row(app, message_id)
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    assert failed.status_reason.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    web = app.test_client()
    web.post("/login", data={"email": "owner@example.test", "password": "lantern-orchard-velvet"})
    page = web.get("/messages").get_data(as_text=True)
    assert "1 message could not be delivered" in page and "gave up after" in page


def test_a_refused_recipient_bounces_and_is_not_retried(mail_app, smtp, clinic_id, frontdesk, clock):
    app, (_, sink) = mail_app, smtp
    sink.refuse.add("nobody@example.test")
    message_id = recall_for(app, clinic_id, frontdesk, email="nobody@example.test")
    run_worker(app)
    bounced = row(app, message_id)
    assert bounced.status == "bounced" and "550" in bounced.status_reason
    clock.advance(hours=3)
    run_worker(app)
    assert row(app, message_id).attempts == 1 and sink.received == []


def test_a_worker_killed_mid_send_does_not_send_twice_after_restart(
    mail_app, smtp, clinic_id, frontdesk, clock
):
    app, (_, sink) = mail_app, smtp
    message_id = recall_for(app, clinic_id, frontdesk)
    with app.app_context():
        assert claim(message_id)  # a worker claimed it, then died before recording anything
    queue_for(app).run_pending()  # the task the hand-over queued finds it claimed: nothing sent
    clock.advance(minutes=5)
    run_worker(app)  # a restarted worker within the lease leaves it alone
    assert sink.received == [] and row(app, message_id).status == "sending"
    clock.advance(CLAIM_LEASE)
    run_worker(app)  # the lease is over: at least once, so it goes (with the same Message-ID)
    [mail] = sink.received
    assert mail["Message-ID"] == f"<knotwork-{message_id}-{row(app, message_id).clinic_id}@localhost>"
    assert row(app, message_id).status == "sent"


def test_a_client_without_an_address_gets_a_suppressed_row_saying_why(app, clinic_id, frontdesk):
    message_id = recall_for(app, clinic_id, frontdesk, email="")
    message = row(app, message_id)
    assert (message.status, message.status_reason) == ("suppressed", "no valid e-mail address on file")


def test_mailbox_mode_keeps_the_mail_for_the_owners_page(app, clinic_id, owner, frontdesk):
    message_id = recall_for(app, clinic_id, frontdesk)
    run_worker(app)
    assert row(app, message_id).status == "sent" and row(app, message_id).provider_id.startswith("mailbox-")
    web = app.test_client()
    web.post("/login", data={"email": "owner@example.test", "password": "lantern-orchard-velvet"})
    page = web.get("/messages/mailbox").get_data(as_text=True)
    assert "Time for your next visit to Harbour Test Clinic?" in page
    item = web.get("/messages/mailbox/1").get_data(as_text=True)
    assert "Hello Ada" in item and "To stop a note when a follow-up is due" in item


def test_two_deliveries_of_one_message_send_it_once(mail_app, smtp, clinic_id, frontdesk):
    app, (_, sink) = mail_app, smtp
    message_id = recall_for(app, clinic_id, frontdesk)
    queue = queue_for(app)
    queue.deliver(message_id)  # a duplicate task, as a retry of the hand-over could make
    queue.run_pending()
    with app.app_context():
        db.session.execute(update(Message).values(status="queued"))  # even if it is queued again...
        db.session.rollback()  # ...(not committed): the claim is what decides
    assert len(sink.received) == 1
    with app.app_context():
        assert db.session.scalars(select(Message.status)).all() == ["sent"]


def test_the_engine_serves_staff_mail_such_as_a_password_reset(mail_app, smtp, clinic_id, owner, monkeypatch):
    """The reset feature will make its own link (and keep its hash); the engine queues, renders, sends."""
    from clinic.messages import render
    from clinic.messages.outbox import queue
    from clinic.models import Clinic, User

    app, (_, sink) = mail_app, smtp
    monkeypatch.setitem(render.LINK_MAKERS, "password_reset", lambda message: "http://localhost/reset/t0k3n")
    with app.app_context():
        [message] = queue(
            "password_reset", db.session.get(Clinic, clinic_id), user=db.session.get(User, owner)
        )
        db.session.commit()
        message_id = message.id
    run_worker(app)
    [mail] = sink.to("owner@example.test")
    assert mail["Subject"] == "Reset your Knotwork password"
    assert "http://localhost/reset/t0k3n" in mail.get_body(preferencelist=("plain",)).get_content()
    assert mail["List-Unsubscribe"] is None  # account mail is not a subscription
    assert "t0k3n" not in row(app, message_id).body  # the record keeps no private link
