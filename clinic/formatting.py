"""Jinja filters that show stored UTC times in the clinic's time zone."""

from datetime import date, datetime

from flask import Flask
from flask_login import current_user


def _clinic_tz():
    return current_user.clinic.tz if current_user.is_authenticated else None


def local_datetime(value: datetime | None, fmt: str = "%a %-d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    tz = _clinic_tz()
    return (value.astimezone(tz) if tz else value).strftime(fmt)


def local_time(value: datetime | None) -> str:
    return local_datetime(value, "%H:%M")


def long_date(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def register_filters(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_time)
    app.add_template_filter(long_date)
