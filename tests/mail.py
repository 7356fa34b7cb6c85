"""A real SMTP server for the tests that send mail (aiosmtpd on 127.0.0.1), and the worker in-process.

The server keeps what it received, parsed; it can be told to refuse a recipient (550), to fail a
share of sends for a while (451), or it can be stopped, like a mail server that is down.
"""

import random
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from huey.consumer import Consumer

from clinic.messages.queue import queue_for
from tests.gunicorn_server import free_port


@dataclass
class Sink:
    """What the SMTP server does with each message; the tests read `received`."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    fail_share: float = 0.0
    failures: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):
        with self.lock:
            if self.fail_share and self.rng.random() < self.fail_share:
                self.failures += 1
                return "451 4.3.0 Try again later"
            self.received.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [mail for mail in self.received if mail["To"] == address]


@pytest.fixture
def smtp():
    """A running SMTP server: (port, sink)."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, sink
    finally:
        controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    port, _ = smtp
    return make_app(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none")


def run_worker(app) -> int:
    """One pass of the worker: the periodic pass, then every task in the queue; returns tasks run."""
    queue = queue_for(app)
    with app.app_context():
        queue.tick()
    return queue.run_pending()


def text_of(mail: EmailMessage) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


class QuietConsumer(Consumer):
    """Huey's consumer without its signal handlers, to run in a test's threads (the test process keeps
    its own handlers): start() and stop(graceful=True) around the part of the test it serves."""

    def _set_signal_handlers(self):
        pass
