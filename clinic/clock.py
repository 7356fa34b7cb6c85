"""The app's clock: every "now" and "today" of the app is read here, and nowhere else.

An app runs on the system clock unless its config sets CLOCK: a callable returning an aware
datetime (tests pass a SetClock), or an ISO 8601 instant at which the clock stands still (servers
started by tests in other processes, screenshots of a given day). Clinical rules never read a clock:
today is their argument. tests/test_clock.py fails if any other module reads the time of day.
"""

from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC: the app's clock, else the system's."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return datetime.now(UTC)


def clinic_today(clinic) -> date:
    """Today's date in the clinic's time zone (its calendar day, not the server's or UTC's)."""
    return utcnow().astimezone(clinic.tz).date()


def clinic_now(clinic) -> datetime:
    """The current instant in the clinic's time zone."""
    return utcnow().astimezone(clinic.tz)


class SetClock:
    """A clock that stands still at the instant it is set to, until it is set again or moved on."""

    def __init__(self, at: datetime | str):
        self.set(at)

    def set(self, at: datetime | str) -> None:
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        if at.tzinfo is None:
            raise ValueError("SetClock: give an aware instant (with a UTC offset), not a local time")
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move the clock on by `delta` or timedelta(**parts); returns the new instant."""
        self._at += delta if delta is not None else timedelta(**parts)
        return self._at

    def __call__(self) -> datetime:
        return self._at

    def __repr__(self) -> str:
        return f"SetClock({self._at.isoformat()})"


def configured_clock(app) -> None:
    """Turn a CLOCK given as an ISO instant into a SetClock. Outside testing and debug a set clock
    is logged as a warning at start: a stopped clock stops sessions expiring and reminders falling due."""
    clock = app.config.get("CLOCK")
    if clock is None:
        return
    if isinstance(clock, str | datetime):
        clock = app.config["CLOCK"] = SetClock(clock)
    elif not callable(clock):
        raise RuntimeError(f"CLOCK: expected an ISO 8601 instant or a callable, not {clock!r}")
    if not (app.testing or app.debug):
        app.logger.warning("the app's clock is set (%r): for tests only, unset CLOCK in production", clock)
