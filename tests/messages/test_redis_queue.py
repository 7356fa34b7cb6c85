"""The same queue on Redis (REDIS_URL), as a clinic with several app servers and workers runs it.

Needs a Redis server on 127.0.0.1:6379 (CI has one). Without it the tests are skipped with the reason,
unless CLINIC_REQUIRE_REDIS=1 (set by CI), which turns the skip into a failure.
"""

import os
import socket
import time

import pytest

from clinic.messages.queue import queue_for
from tests.factories import create_client
from tests.mail import QuietConsumer
from tests.messages.test_reminders import race_two_workers

REDIS_URL = os.environ.get("CLINIC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    host, port = "127.0.0.1", 6379
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        reason = f"Redis tests skipped: no Redis on {host}:{port}"
        if os.environ.get("CLINIC_REQUIRE_REDIS") == "1":
            pytest.fail(reason + " — and CLINIC_REQUIRE_REDIS=1 requires it")
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture
def redis_apps(make_app, smtp, redis_url):
    port, _ = smtp
    settings = {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "REDIS_URL": redis_url,
    }
    apps = [make_app(**settings), make_app(**settings)]
    queue_for(apps[0]).huey.flush()  # this test's queue starts empty
    yield apps
    queue_for(apps[0]).huey.flush()


def test_two_workers_on_redis_send_each_reminder_once(redis_apps, smtp, clinic_id, therapist, clock):
    assert type(queue_for(redis_apps[0]).huey).__name__ == "RedisHuey"
    race_two_workers(redis_apps, smtp[1], clinic_id, therapist, clock, 10)


def test_a_consumer_on_redis_delivers_what_a_request_queued(redis_apps, smtp, clinic_id, frontdesk):
    app = redis_apps[0]
    _, sink = smtp
    consumer = QuietConsumer(queue_for(app).huey, workers=2, worker_type="thread", periodic=False)
    consumer.start()
    try:
        client = create_client(app, clinic_id, "Ada", "Quill", email="ada@example.test")
        web = app.test_client()
        web.post("/login", data={"email": "desk@example.test", "password": "lantern-orchard-velvet"})
        assert web.post(f"/clients/{client}/messages/recall").status_code == 302
        deadline = time.monotonic() + 10
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    [mail] = sink.received
    assert mail["Subject"].startswith("Time for your next visit")
