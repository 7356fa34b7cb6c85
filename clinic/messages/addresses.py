"""Where a message can go: a client's e-mail address and a mobile number in international form."""

import re

from ..clients.forms import EMAIL_PATTERN

_NOT_DIGITS = re.compile(r"[^\d+]")


def email_address(value: str) -> str | None:
    """The address when it is one the clinic could write to, else None."""
    value = (value or "").strip()
    return value if value and len(value) <= 254 and EMAIL_PATTERN.fullmatch(value) else None


def sms_number(phone: str, calling_code: str) -> str | None:
    """The number in E.164 form (+447700900123), or None when it cannot be one.

    A number written with its country code is taken as it is; a local one ("07700 900123") needs the
    clinic's calling code ("+44"), which replaces its leading 0.
    """
    digits = _NOT_DIGITS.sub("", phone or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        if not calling_code or not digits.startswith("0"):
            return None
        digits = calling_code + digits[1:]
    number = "+" + digits[1:].replace("+", "")
    return number if 8 <= len(number) - 1 <= 15 else None
