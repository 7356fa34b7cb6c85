"""Two writers of one therapist's calendar at once: no deadlock, no error, the loser told the slot is taken.

The interleaving that deadlocked PostgreSQL every time: transaction 1 books 10:00-11:00 and stays
open; transaction 2 books 10:30-11:30 (it cannot see the first, uncommitted, row); transaction 1 then
books 11:00-12:00, which overlaps the second's row. Each waited for the other in the exclusion
constraint (40P01). With the calendar lock the second waits before inserting and meets the first's
committed row as an overlap. Without the lock (the safety net alone) PostgreSQL still deadlocks, and
the deadlock is retried and answered like a taken slot. Run on SQLite and PostgreSQL.
"""

import logging
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Client, Clinic, Service, User
from clinic.schedule import booking, slot_guard
from tests.factories import MONDAY, create_calendar, create_client, local

WAIT = 10


@pytest.mark.parametrize("calendar_lock", [True, False], ids=["with the calendar lock", "safety net alone"])
def test_a_writer_that_meets_an_open_booking_waits_and_loses_cleanly(
    app, clinic_id, therapist, caplog, monkeypatch, calendar_lock
):
    if not calendar_lock:
        monkeypatch.setattr(slot_guard, "hold_calendar", lambda therapist_id: None)
    services = create_calendar(app, clinic_id)
    clients = [create_client(app, clinic_id, f"Client{i}", "Racer") for i in range(2)]
    first_booked, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def book(client_id: int, hour: int, minute: int):
        clinic = db.session.get(Clinic, clinic_id)
        return booking.book(
            clinic,
            db.session.get(User, therapist),
            db.session.get(Client, client_id),
            db.session.get(Service, services[60]),
            local(MONDAY, hour, minute),
        )

    def first():
        with app.app_context():
            try:
                book(clients[0], 10, 0)
                first_booked.set()
                second_started.wait(WAIT)
                time.sleep(0.3)  # the second writer is now waiting on the first
                book(clients[0], 11, 0)  # overlaps the second's 10:30-11:30, not our own 10:00
                db.session.commit()
                outcome["first"] = "booked both"
            except Exception as error:  # reported by the assertion below
                outcome["first"] = error
            finally:
                db.session.remove()

    def second():
        first_booked.wait(WAIT)
        with app.app_context():
            try:
                second_started.set()
                book(clients[1], 10, 30)
                db.session.commit()
                outcome["second"] = "booked"
            except booking.SlotTaken as taken:
                outcome["second"] = ("taken", taken.nearest)
            except Exception as error:  # reported by the assertion below
                outcome["second"] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    with caplog.at_level(logging.WARNING, logger=slot_guard.__name__):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT * 2)
    assert outcome["first"] == "booked both", outcome
    status, nearest = outcome["second"]
    assert status == "taken" and nearest  # the loser is offered other times
    deadlocks = [r for r in caplog.records if "40P01" in r.getMessage()]
    postgres = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    # without the lock PostgreSQL deadlocks every time, and the retry answers it; SQLite never does
    assert len(deadlocks) == (1 if postgres and not calendar_lock else 0), deadlocks
    with app.app_context():
        starts = db.session.scalars(
            select(Appointment.start_at)
            .where(Appointment.therapist_id == therapist)
            .order_by(Appointment.start_at)
        ).all()
    assert starts == [local(MONDAY, 10), local(MONDAY, 11)]
    assert starts[1] - starts[0] == timedelta(hours=1)
