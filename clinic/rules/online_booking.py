"""What a clinic lets clients book for themselves online: the policy, the window, and who may book.

Pure: `now` and `today` are arguments. Decisions the issue leaves open:
- The minimum notice counts from the moment the client confirms, not from when the page was shown: a
  slot that fell inside the notice while the client read their e-mail is refused then (and the next
  free slots offered).
- "How far ahead" is in days of the clinic's calendar, today being day 0.
- "Approval required" applies to new clients: an existing client (matched by e-mail) books directly, a
  new client's booking holds the time until the front desk approves or declines it.
- The limit of upcoming online bookings counts the client's future active appointments that were
  booked online; staff bookings do not count against it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

WHO = {
    "anyone": "New and existing clients",
    "existing": "Existing clients only (matched by e-mail)",
    "approval": "New clients after the clinic approves (existing clients book directly)",
}
DEFAULTS = {
    "enabled": False,
    "service_ids": [],
    "min_notice_hours": 24,
    "days_ahead": 60,
    "who": "anyone",
    "max_upcoming": 2,
}
LIMITS = {"min_notice_hours": (0, 24 * 14), "days_ahead": (1, 365), "max_upcoming": (1, 10)}
CONFIRM_WITHIN = timedelta(minutes=30)  # the e-mail link that turns a request into a booking


@dataclass(frozen=True)
class BookingPolicy:
    enabled: bool
    service_ids: tuple[int, ...]
    min_notice: timedelta
    days_ahead: int
    who: str
    max_upcoming: int


def policy_from(stored: dict | None) -> BookingPolicy:
    """The clinic's stored choices (clinic.settings["online_booking"]) with defaults for anything missing
    or out of range."""
    values = {**DEFAULTS, **(stored or {})}
    for name, (low, high) in LIMITS.items():
        value = values[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            values[name] = DEFAULTS[name]
    ids = values["service_ids"] if isinstance(values["service_ids"], list) else []
    return BookingPolicy(
        enabled=values["enabled"] is True,
        service_ids=tuple(i for i in ids if isinstance(i, int) and not isinstance(i, bool)),
        min_notice=timedelta(hours=values["min_notice_hours"]),
        days_ahead=values["days_ahead"],
        who=values["who"] if values["who"] in WHO else DEFAULTS["who"],
        max_upcoming=values["max_upcoming"],
    )


def bookable_days(today: date, policy: BookingPolicy) -> list[date]:
    return [today + timedelta(days=n) for n in range(policy.days_ahead + 1)]


def earliest_start(now: datetime, policy: BookingPolicy) -> datetime:
    return now + policy.min_notice


def in_window(start: datetime, now: datetime, today: date, local_day: date, policy: BookingPolicy) -> bool:
    """A start the client may book now: after the notice, and on a day within `days_ahead`."""
    return start >= earliest_start(now, policy) and today <= local_day <= today + timedelta(
        days=policy.days_ahead
    )


def refusal(known_client: bool, upcoming_online: int, policy: BookingPolicy) -> str | None:
    """Why this person may not book online now (shown after they proved the address is theirs), or None."""
    if not known_client and policy.who == "existing":
        return "Online booking is for existing clients of the clinic. Please call to book your first visit."
    if upcoming_online >= policy.max_upcoming:
        return (
            f"You already have {upcoming_online} upcoming appointments booked online, the most the clinic "
            "takes this way. Please call to book another."
        )
    return None


def needs_approval(known_client: bool, policy: BookingPolicy) -> bool:
    """A booking the clinic approves before it is confirmed to the client (the time is held meanwhile)."""
    return policy.who == "approval" and not known_client
