"""A clinic's contraindication policy: versioned overrides of the default rules, and a cache of policies.

Every change is a new PolicyVersion row holding the full, cumulative mapping {rule_id: category}; the
latest row is the clinic's policy. Rows are only ever added, so a version label names one rule set for
good and a screening's "rules_version" says exactly which rules it used.
"""

from collections import OrderedDict
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import PolicyVersion, User
from ..rules.policy import CATEGORIES, DEFAULT_POLICY, OFF, Policy

REASON_MAX = 500
_CACHE_SIZE = 256
# (version label, its overrides) -> Policy. The overrides are part of the key so a restored backup or
# a fresh test database that reuses a label can never get another rule set's policy.
_cache: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], Policy] = OrderedDict()
_cache_lock = Lock()


class PolicyChangeError(ValueError):
    """A change that cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class StalePolicy(Exception):
    """The policy changed since the page was loaded (another owner, another tab)."""


RULES_BY_ID = {rule.id: rule for rule in DEFAULT_POLICY.rules}


def label_for(clinic_id: int, number: int) -> str:
    return f"clinic-{clinic_id}-v{number}"


def latest_version(clinic_id: int) -> PolicyVersion | None:
    return db.session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.clinic_id == clinic_id)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    ).first()


def build_policy(label: str, overrides: dict[str, str]) -> Policy:
    """The default policy with these overrides, built once per (label, overrides) in this process."""
    key = (label, tuple(sorted(overrides.items())))
    with _cache_lock:
        policy = _cache.get(key)
        if policy is not None:
            _cache.move_to_end(key)
            return policy
    policy = DEFAULT_POLICY.with_overrides(overrides, label)
    with _cache_lock:
        _cache[key] = policy
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return policy


def current_policy(clinic_id: int) -> Policy:
    """The clinic's policy now: the default until an owner has changed a rule. One small query."""
    row = db.session.execute(
        select(PolicyVersion.number, PolicyVersion.overrides)
        .where(PolicyVersion.clinic_id == clinic_id)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    ).first()
    if row is None:
        return DEFAULT_POLICY
    return build_policy(label_for(clinic_id, row.number), dict(row.overrides or {}))


def change_rule(
    clinic_id: int, user: User, rule_id: str, category: str, reason: str, seen_number: int | None
) -> PolicyVersion:
    """Give one rule a new category for this clinic (its default category resets it): a new version.

    :param seen_number: the version the owner was looking at (0 for the default); a newer one raises
        StalePolicy so nobody changes a rule they have not seen the latest state of.
    :raises PolicyChangeError: unknown rule, category the rule cannot take, no change, no reason.
    """
    rule = RULES_BY_ID.get(rule_id)
    if rule is None or not rule.allowed:
        raise PolicyChangeError("rule_id", "This rule does not exist or cannot be changed.")
    reason = (reason or "").strip()
    if not reason:
        raise PolicyChangeError("reason", "Give the reason for the change; it is kept with the version.")
    if len(reason) > REASON_MAX:
        raise PolicyChangeError("reason", f"Keep the reason under {REASON_MAX} characters.")
    if category not in (*CATEGORIES, OFF):
        raise PolicyChangeError("category", "Choose a category from the list.")
    latest = latest_version(clinic_id)
    number = latest.number if latest else 0
    if seen_number is not None and seen_number != number:
        raise StalePolicy()
    overrides = dict(latest.overrides or {}) if latest else {}
    current = overrides.get(rule_id, rule.default_category)
    if category == current:
        raise PolicyChangeError("category", "That is already this rule's category; nothing to change.")
    if category == rule.default_category:
        overrides.pop(rule_id, None)  # back to the default: the mapping keeps only differences
    else:
        overrides[rule_id] = category
    label = label_for(clinic_id, number + 1)
    try:
        build_policy(label, overrides)  # the engine's own check: unknown or impossible categories
    except ValueError as error:
        message = str(error).split(": ", 1)[-1]
        raise PolicyChangeError("category", f"Not possible for this rule: {message}.") from error
    version = PolicyVersion(
        clinic_id=clinic_id, number=number + 1, overrides=overrides, rule_id=rule_id, category=category,
        reason=reason, created_by_id=user.id,
    )  # fmt: skip
    db.session.add(version)
    db.session.flush()
    return version


def history(clinic_id: int, limit: int = 50) -> list[PolicyVersion]:
    """The clinic's versions, newest first, with who made them (one query)."""
    return list(
        db.session.scalars(
            select(PolicyVersion)
            .options(joinedload(PolicyVersion.created_by))
            .where(PolicyVersion.clinic_id == clinic_id)
            .order_by(PolicyVersion.number.desc())
            .limit(limit)
        )
    )


def is_reset(version: PolicyVersion) -> bool:
    rule = RULES_BY_ID.get(version.rule_id)
    return rule is not None and version.category == rule.default_category


CATEGORY_CHOICES = {
    "absolute": "Absolute: do not use this technique today",
    "local": "Local: not at the region; elsewhere is fine",
    "referral": "Referral: only after physician clearance",
    "precaution": "Precaution: go ahead, modified",
    OFF: "None: no finding",
}
