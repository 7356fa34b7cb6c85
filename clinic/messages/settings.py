"""A clinic's choices about messages (kept in clinic.settings["messages"]), with their defaults."""

from dataclasses import dataclass
from datetime import time, timedelta

from ..models import Clinic
from ..rules.messaging import DEFAULT_QUIET_HOURS, DEFAULT_REMINDER_OFFSETS, QuietHours

AFTERCARE_MODES = {"link": "A private link to the sheet", "attachment": "The sheet as a PDF attachment"}


@dataclass(frozen=True)
class MessageSettings:
    reminder_offsets: tuple[timedelta, ...]
    quiet: QuietHours
    aftercare: str  # link | attachment
    intake_on_booking: bool  # send the questionnaire when a new client is booked
    sms_calling_code: str  # for local numbers, e.g. "+44"

    @property
    def reminder_hours(self) -> tuple[int, ...]:
        return tuple(int(offset.total_seconds() // 3600) for offset in self.reminder_offsets)


def _time(value, default: time) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def message_settings(clinic: Clinic) -> MessageSettings:
    stored = (clinic.settings or {}).get("messages") or {}
    hours = stored.get("reminder_hours")
    offsets = (
        tuple(timedelta(hours=h) for h in hours if isinstance(h, int) and 0 < h <= 24 * 14)
        if isinstance(hours, list)
        else DEFAULT_REMINDER_OFFSETS
    )
    quiet_from = _time(stored.get("quiet_from"), DEFAULT_QUIET_HOURS[0])
    quiet_until = _time(stored.get("quiet_until"), DEFAULT_QUIET_HOURS[1])
    if quiet_from == quiet_until:
        quiet_from, quiet_until = DEFAULT_QUIET_HOURS
    return MessageSettings(
        reminder_offsets=offsets,
        quiet=QuietHours(quiet_from, quiet_until),
        aftercare=stored.get("aftercare") if stored.get("aftercare") in AFTERCARE_MODES else "link",
        intake_on_booking=stored.get("intake_on_booking", True) is not False,
        sms_calling_code=str(stored.get("sms_calling_code") or ""),
    )


def save_message_settings(
    clinic: Clinic, *, reminder_hours, quiet_from, quiet_until, aftercare, intake_on_booking, sms_calling_code
) -> None:
    """Store checked values (the form validates them); a new dict so the JSON column sees the change."""
    settings = dict(clinic.settings or {})
    settings["messages"] = {
        "reminder_hours": sorted({int(h) for h in reminder_hours}, reverse=True),
        "quiet_from": quiet_from.strftime("%H:%M"),
        "quiet_until": quiet_until.strftime("%H:%M"),
        "aftercare": aftercare,
        "intake_on_booking": bool(intake_on_booking),
        "sms_calling_code": sms_calling_code,
    }
    clinic.settings = settings
