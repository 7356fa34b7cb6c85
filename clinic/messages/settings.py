"""A clinic's choices about messages (kept in clinic.settings["messages"]), with their defaults."""

from dataclasses import dataclass
from datetime import time, timedelta

from ..models import Clinic
from ..rules.checkin import DEFAULT_DELAY, EARLIEST, LATEST
from ..rules.messaging import DEFAULT_QUIET_HOURS, DEFAULT_REMINDER_OFFSETS, QuietHours

AFTERCARE_MODES = {"link": "A private link to the sheet", "attachment": "The sheet as a PDF attachment"}
CHECK_IN_CHOICES = {0: "Off", 24: "24 hours after the visit", 36: "36 hours after", 48: "48 hours after"}


@dataclass(frozen=True)
class MessageSettings:
    reminder_offsets: tuple[timedelta, ...]
    quiet: QuietHours
    aftercare: str  # link | attachment
    intake_on_booking: bool  # send the questionnaire when a new client is booked
    sms_calling_code: str  # for local numbers, e.g. "+44"
    check_in_delay: timedelta | None  # after a signed visit; None: no check-ins
    emergency_number: str  # shown to a client whose check-in answers say "emergency"
    urgent_care_number: str  # ... and "urgent, today"

    @property
    def check_in_hours(self) -> int:
        return int(self.check_in_delay.total_seconds() // 3600) if self.check_in_delay else 0

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
        check_in_delay=_check_in_delay(stored.get("check_in_hours")),
        emergency_number=str(stored.get("emergency_number") or ""),
        urgent_care_number=str(stored.get("urgent_care_number") or ""),
    )


def _check_in_delay(hours) -> timedelta | None:
    if hours == 0:
        return None
    if isinstance(hours, int) and EARLIEST <= timedelta(hours=hours) <= LATEST:
        return timedelta(hours=hours)
    return DEFAULT_DELAY


def save_message_settings(
    clinic: Clinic,
    *,
    reminder_hours,
    quiet_from,
    quiet_until,
    aftercare,
    intake_on_booking,
    sms_calling_code,
    check_in_hours: int = int(DEFAULT_DELAY.total_seconds() // 3600),
    emergency_number: str = "",
    urgent_care_number: str = "",
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
        "check_in_hours": int(check_in_hours),
        "emergency_number": emergency_number,
        "urgent_care_number": urgent_care_number,
    }
    clinic.settings = settings
