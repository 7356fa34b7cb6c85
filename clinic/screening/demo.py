"""Demo data for screening: a clinic policy with a short history of reasoned changes."""

from ..models import Clinic, User
from . import policy_store

# (rule, category, reason): what a real clinic might decide, in its own words.
DEMO_CHANGES = (
    (
        "anticoagulant/L",
        "referral",
        "Our compression boots run at high pressure: ask the GP first on blood thinners.",
    ),
    (
        "osteoporosis/S",
        "referral",
        "After a client's rib fracture in 2025 we ask for clearance before stretching.",
    ),
    (
        "osteoporosis/S",
        "precaution",
        "Reviewed with the physio lead: gentle range is fine; back to the default.",
    ),
)


def demo_policy(clinic: Clinic, staff: dict[str, list[User]], clients: int) -> dict:
    """DEMO_STEPS entry: the owner's changes as policy versions (the table shows them, the history too)."""
    owner = staff["owner"][0]
    for rule_id, category, reason in DEMO_CHANGES:
        policy_store.change_rule(clinic.id, owner, rule_id, category, reason, None)
    return {"policy_versions": len(DEMO_CHANGES)}
