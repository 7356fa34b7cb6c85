"""Changes to a clinic's settings; each checks its input, flushes, and never commits."""

import io
import struct
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from reportlab.lib.utils import ImageReader
from sqlalchemy import func, select

from ..aftercare.inputs import PAPERS, PNG_SIGNATURE
from ..extensions import db
from ..models import Clinic

MAX_LOGO_BYTES = 300 * 1024
MIN_LOGO_SIDE, MAX_LOGO_SIDE = 16, 3000
MAX_LOGO_PIXELS = 4_000_000  # decoding is bounded before any pixel is read
JPEG_SIGNATURE = b"\xff\xd8\xff"


class SettingsError(ValueError):
    """A value that cannot be saved; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA zone names this machine knows (read once: it scans the zone files)."""
    return tuple(sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC"))


def check_time_zone(name: str, current: str = "") -> str:
    """A zone from the list; the clinic's current zone stays valid even if the list leaves it out."""
    name = (name or "").strip()
    if name not in time_zones() and name != current:
        raise SettingsError(
            "timezone", f"Unknown time zone {name!r}: choose one from the list, e.g. Europe/London."
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("timezone", f"Unknown time zone {name!r}.") from None
    return name


def update_clinic(clinic: Clinic, data: dict[str, Any]) -> None:
    """Name, address, phone, email, time zone and paper size from the settings form."""
    name = (data.get("name") or "").strip()
    taken = db.session.scalar(
        select(Clinic.id).where(func.lower(Clinic.name) == name.lower(), Clinic.id != clinic.id)
    )
    if taken:
        # Clinic names are unique across the installation (the database says so).
        raise SettingsError("name", "Another clinic already uses this name; choose a different one.")
    timezone = check_time_zone(data.get("timezone") or "", clinic.timezone)
    paper = data.get("paper")
    if paper not in PAPERS:
        raise SettingsError("paper", "Choose A4 or Letter.")
    clinic.name = name
    clinic.address = "\n".join(line.strip() for line in (data.get("address") or "").strip().splitlines())
    clinic.phone = (data.get("phone") or "").strip()
    clinic.email = (data.get("email") or "").strip()
    clinic.timezone = timezone
    # A new dict: the JSON column does not see changes made inside the old one.
    clinic.settings = {**(clinic.settings or {}), "paper": paper}
    db.session.flush()


def check_logo(data: bytes) -> bytes:
    """The upload as PNG bytes, or SettingsError("logo", why). Sizes are checked before decoding."""
    if not data:
        raise SettingsError("logo", "The file is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise SettingsError(
            "logo", "The file is larger than 300 KB. Save the logo smaller: about 600 pixels wide is plenty."
        )
    if data.startswith(JPEG_SIGNATURE):
        raise SettingsError(
            "logo", "This is a JPEG. Only PNG is accepted: save the logo as PNG and upload it again."
        )
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 24:
        raise SettingsError("logo", "This file is not a PNG image. Only PNG is accepted.")
    width, height = struct.unpack(">II", data[16:24])
    too_small = min(width, height) < MIN_LOGO_SIDE
    if too_small or max(width, height) > MAX_LOGO_SIDE or width * height > MAX_LOGO_PIXELS:
        raise SettingsError(
            "logo",
            f"The image is {width} × {height} pixels; use {MIN_LOGO_SIDE} to "
            f"{MAX_LOGO_SIDE} pixels a side (about 600 pixels wide is plenty).",
        )
    try:
        reader = ImageReader(io.BytesIO(data))
        if reader.getSize() != (width, height):
            raise ValueError("size mismatch")
        reader.getRGBData()  # decodes every pixel: a damaged file fails here, not on a sheet
    except Exception:  # ReportLab and Pillow raise many types for a broken image
        raise SettingsError("logo", "The image could not be read; the file may be damaged.") from None
    return data


def set_logo(clinic: Clinic, data: bytes) -> None:
    clinic.logo_png = check_logo(data)
    db.session.flush()


def remove_logo(clinic: Clinic) -> None:
    clinic.logo_png = None
    db.session.flush()
