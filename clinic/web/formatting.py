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


VERDICT_LABELS = {
    "ok": "OK",
    "modify": "Modify",
    "refer": "Refer first",
    "contraindicated": "Contraindicated",
}


def verdict_label(verdict: str | None) -> str:
    return VERDICT_LABELS.get(verdict or "", verdict or "")


def technique_label(code: str | None) -> str:
    from ..rules.vocabulary import TECHNIQUES

    return TECHNIQUES.get(code or "", code or "")


def region_name(code: str | None) -> str:
    from ..rules.vocabulary import region_label

    return region_label(code) if code else ""


def muscle_name(code: str | None) -> str:
    from ..rules.muscles import MUSCLES

    muscle = MUSCLES.get(code or "")
    return muscle.name if muscle else (code or "")


def iso_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def register_filters(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_time)
    app.add_template_filter(long_date)
    app.jinja_env.globals.update(
        verdict_label=verdict_label,
        technique_label=technique_label,
        region_name=region_name,
        muscle_name=muscle_name,
        iso_date=iso_date,
        has_endpoint=lambda endpoint: endpoint in app.view_functions,
    )
