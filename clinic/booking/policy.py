"""The clinic's online booking choices, kept in clinic.settings["online_booking"]."""

from ..models import Clinic
from ..rules.online_booking import BookingPolicy, policy_from

KEY = "online_booking"


def policy(clinic: Clinic) -> BookingPolicy:
    return policy_from((clinic.settings or {}).get(KEY))


def save_policy(clinic: Clinic, **values) -> None:
    """Store checked values (the form validates them); a new dict so the JSON column sees the change."""
    settings = dict(clinic.settings or {})
    settings[KEY] = values
    clinic.settings = settings
