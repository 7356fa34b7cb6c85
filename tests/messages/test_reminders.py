"""Reminders: at the clinic's chosen times, never at night, never for a cancelled or past appointment,
never twice for the same appointment and reminder, whatever the number of workers."""

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Message
from tests.factories import create_appointment, create_calendar, create_client
from tests.mail import run_worker, text_of

LONDON = ZoneInfo("Europe/London")
ADA = "ada.quill@example.test"


def at_london(clock, days: int, hour: int, minute: int = 0) -> datetime:
    """A London wall time `days` after the clock's day."""
    day = clock().astimezone(LONDON).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=LONDON)


def reminders(app, status=None):
    with app.app_context():
        query = select(Message).where(Message.kind == "reminder").order_by(Message.id)
        if status:
            query = query.where(Message.status == status)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def book(app, clinic_id, therapist, start, email=ADA):
    services = create_calendar(app, clinic_id)
    client = create_client(app, clinic_id, "Ada", "Quill", email=email)
    return create_appointment(app, clinic_id, therapist, client, services[60], start)


def test_two_reminders_at_48_and_2_hours_each_sent_once(mail_app, smtp, clinic_id, therapist, clock):
    app, (_, sink) = mail_app, smtp
    start = at_london(clock, 3, 10)
    book(app, clinic_id, therapist, start)
    clock.set(start - timedelta(hours=48, minutes=1))
    run_worker(app)
    assert sink.received == []
    clock.advance(minutes=1)
    run_worker(app)
    run_worker(app)  # a second pass in the same minute writes nothing new
    [first] = sink.to(ADA)
    assert first["Subject"].startswith("Reminder: ") and "at 10:00" in first["Subject"]
    assert "If you cannot come" in text_of(first)
    clock.set(start - timedelta(hours=2))
    run_worker(app)
    clock.advance(minutes=30)
    run_worker(app)
    assert len(sink.to(ADA)) == 2
    assert [(m.status, m.context["hours_before"]) for m in reminders(app)] == [("sent", 48), ("sent", 2)]


def test_no_reminder_at_night_and_none_too_late_to_help(mail_app, smtp, clinic_id, therapist, clock):
    app, (_, sink) = mail_app, smtp
    start = at_london(clock, 2, 8, 30)  # the 2-hour reminder would be due at 06:30
    book(app, clinic_id, therapist, start)
    clock.set(start - timedelta(hours=2))
    run_worker(app)
    clock.set(at_london(clock, 0, 8, 0))  # the quiet hours end: 30 minutes left is too late
    run_worker(app)
    assert [m.context["hours_before"] for m in reminders(app)] == [48]
    assert len(sink.to(ADA)) == 1


def test_a_cancelled_or_past_appointment_gets_no_reminder(mail_app, smtp, clinic_id, therapist, clock):
    app, (_, sink) = mail_app, smtp
    start = at_london(clock, 3, 10)
    appointment_id = book(app, clinic_id, therapist, start)
    clock.set(start - timedelta(hours=48))
    with app.app_context():
        db.session.get(Appointment, appointment_id).status = "cancelled"
        db.session.commit()
    run_worker(app)
    clock.set(start + timedelta(minutes=5))
    run_worker(app)
    assert reminders(app) == [] and sink.received == []


def test_a_reminder_queued_before_a_cancellation_is_suppressed_not_sent(
    mail_app, smtp, clinic_id, therapist, clock
):
    app, (_, sink) = mail_app, smtp
    start = at_london(clock, 3, 10)
    appointment_id = book(app, clinic_id, therapist, start)
    clock.set(start - timedelta(hours=48))
    with app.app_context():
        from clinic.messages import reminders as scheduler

        scheduler.queue_all_due()  # written, not yet delivered
        db.session.get(Appointment, appointment_id).status = "cancelled"
        db.session.commit()
    from clinic.messages.queue import queue_for

    queue_for(app).run_pending()
    [row] = reminders(app)
    assert (row.status, row.status_reason) == ("suppressed", "the appointment is no longer booked")
    assert sink.received == []


def test_a_moved_appointment_is_reminded_at_its_new_time(mail_app, smtp, clinic_id, therapist, clock):
    app, (_, sink) = mail_app, smtp
    start = at_london(clock, 3, 10)
    appointment_id = book(app, clinic_id, therapist, start)
    clock.set(start - timedelta(hours=48))
    run_worker(app)
    with app.app_context():
        moved = db.session.get(Appointment, appointment_id)
        moved.start_at, moved.end_at = start + timedelta(days=1), start + timedelta(days=1, hours=1)
        db.session.commit()
    clock.advance(days=1)
    run_worker(app)
    assert [m.status for m in reminders(app)] == ["sent", "sent"]
    assert len({m.context["start"] for m in reminders(app)}) == 2
    assert len(sink.to(ADA)) == 2


def race_two_workers(apps, sink, clinic_id, therapist, clock, count: int) -> None:
    """`count` appointments whose 48-hour reminder is due; two workers run their passes at once;
    every reminder must reach the SMTP server once."""
    first = apps[0]
    services = create_calendar(first, clinic_id)
    starts = [at_london(clock, 3, 9) + timedelta(minutes=30 * n) for n in range(count)]
    for n, start in enumerate(starts):
        client = create_client(first, clinic_id, f"Client{n}", "Twice", email=f"c{n}@example.test")
        create_appointment(first, clinic_id, therapist, client, services[30], start)
    clock.set(starts[-1] - timedelta(hours=47))  # every 48-hour reminder is due
    barrier = threading.Barrier(len(apps))
    errors = []

    def work(app):
        try:
            barrier.wait(5)
            for _ in range(3):
                run_worker(app)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(m["To"] for m in sink.received) == sorted(f"c{n}@example.test" for n in range(count))
    assert [m.status for m in reminders(first)] == ["sent"] * count


def test_two_workers_at_once_send_each_reminder_once(make_app, smtp, clinic_id, therapist, clock):
    port, sink = smtp
    settings = {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
    }
    race_two_workers([make_app(**settings), make_app(**settings)], sink, clinic_id, therapist, clock, 12)
