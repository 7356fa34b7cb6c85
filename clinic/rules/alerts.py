"""Standing alerts: for each of a client's conditions, one line saying what the clinic's policy means.

`standing_alerts(conditions, on, policy)` is pure (today is an argument). Each line is derived from the
policy, never written by hand, so an owner's override changes the alert as it changes the screening:
"Anticoagulant or antiplatelet medication: refer before massage gun; precaution for deep work, leg
massager and needling".

How a line is built (decisions documented here because the UI and the tests rely on them):
- Per technique, the worst category that applies anywhere, plus the region-scoped findings that are
  worse than it (a local finding at the condition's region, or at fixed sites such as the abdomen).
  An absolute finding anywhere hides everything else for that technique.
- Techniques with the same (category, where) are named together; a whole technique group becomes its
  word ("deep work", "massage gun", "leg massager", "needling", "heat/cold", "stretching").
- Parts are written worst first: absolute, local, referral, precaution.
- A region-scoped rule on a condition recorded without a region gives nothing (as in screen()); a rule
  "else precaution" (only without a region) applies only then.
- A physician's clearance softens referral to precaution, as in screen().
- A dated condition past its time window (surgery > 42 days) is kept, marked resolved, last.
- Missing consent, or a minor without a guardian's consent, is an alert of its own, first.
- Bad data never raises (alerts show on busy pages): an unknown condition code gives a line asking to
  check the health record; an unreadable date counts as inside the window.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .policy import AT_CONDITION, AT_SITES, COLUMNS, DEFAULT_POLICY, GATES, Policy
from .vocabulary import CONDITIONS, DEFAULT_REGIONS, TECHNIQUES, condition_label, region_label

SEVERITIES = ("absolute", "local", "referral", "precaution")  # worst first
_RANK = {category: rank for rank, category in enumerate(SEVERITIES)}
# The verdict a category leads to, for colour (the badge classes ok/modify/refer/contraindicated).
BADGES: Mapping[str, str] = {
    "absolute": "contraindicated", "local": "contraindicated", "referral": "refer", "precaution": "modify",
}  # fmt: skip
GROUP_WORDS: Mapping[str, str] = {
    "D": "deep work", "G": "massage gun", "L": "leg massager", "N": "needling", "H": "heat/cold",
    "S": "stretching",
}  # fmt: skip
TECHNIQUE_WORDS: Mapping[str, str] = {code: code.replace("_", " ") for code in TECHNIQUES}
ADULT_AGE = 18
UNKNOWN = "not a known condition; check the health history."

_Where = frozenset[str] | None  # the regions a part is limited to; None: anywhere


def _words(items: list[str], conjunction: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _techniques_in_words(techniques: set[str], conjunction: str = "and") -> str:
    """Whole groups by their word, the rest by name, in the policy table's column order."""
    if techniques >= set(TECHNIQUES):
        return "any technique" if conjunction == "or" else "every technique"
    words = []
    for column, members in COLUMNS.items():
        if members <= techniques:
            words.append(GROUP_WORDS[column])
        else:
            words += [TECHNIQUE_WORDS[t] for t in TECHNIQUES if t in members and t in techniques]
    return _words(words, conjunction)


def region_words(code: str) -> str:
    """A region in running text: "Calf, left" -> "left calf", "Lower back" -> "lower back"."""
    label = region_label(code)
    label = label[:1].lower() + label[1:]
    for side in ("left", "right"):
        if label.endswith(f", {side}"):
            label = f"{side} {label[: -len(side) - 2]}"
    return label


def _where_in_words(where: frozenset[str]) -> str:
    return _words(sorted(region_words(code) for code in where), "or")


def _phrase(category: str, where: _Where, techniques: set[str]) -> str:
    at = f" at the {_where_in_words(where)}" if where else ""
    if category == "absolute":
        return (
            "no treatment today"
            if techniques >= set(TECHNIQUES)
            else f"no {_techniques_in_words(techniques, 'or')} today"
        )
    what = _techniques_in_words(techniques, "or" if category == "local" else "and")
    if category == "local":
        return f"no {what}{at}"
    if category == "referral":
        return f"refer before {what}{at}"
    return f"precaution for {what}{at}"


def _as_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _parts(
    code: str, region: str | None, cleared: bool, policy: Policy
) -> dict[tuple[str, _Where], set[str]]:
    """(category, where) -> the techniques it concerns, after keeping each technique's worst."""
    parts: dict[tuple[str, _Where], set[str]] = {}
    by_technique = policy.index.get(code, {})
    for technique in TECHNIQUES:
        anywhere: str | None = None
        scoped: dict[frozenset[str], str] = {}
        for rule in by_technique.get(technique, ()):
            if rule.scope == AT_CONDITION and region is None:
                continue
            if rule.only_without_region and region is not None:
                continue
            category = "precaution" if cleared and rule.category == "referral" else rule.category
            if rule.scope == AT_CONDITION:
                where = frozenset({region})
            elif rule.scope == AT_SITES:
                where = rule.sites
            else:
                if anywhere is None or _RANK[category] < _RANK[anywhere]:
                    anywhere = category
                continue
            if where not in scoped or _RANK[category] < _RANK[scoped[where]]:
                scoped[where] = category
        if anywhere is not None:
            parts.setdefault((anywhere, None), set()).add(technique)
        if anywhere == "absolute":
            continue
        for where, category in scoped.items():
            if anywhere is None or _RANK[category] < _RANK[anywhere]:
                parts.setdefault((category, where), set()).add(technique)
    return parts


def _condition_alert(entry: Mapping[str, Any], on: date, policy: Policy) -> dict[str, Any]:
    code = entry.get("code")
    if not isinstance(code, str) or code not in CONDITIONS:
        return {
            "condition": code, "label": str(code), "region": None, "severity": "precaution",
            "badge": "modify", "resolved": False, "parts": [], "detail": UNKNOWN,
            "text": f"{code}: {UNKNOWN}",
        }  # fmt: skip
    raw_region = entry.get("region")
    region = raw_region if isinstance(raw_region, str) and raw_region else DEFAULT_REGIONS.get(code)
    label = condition_label(code)
    if region:
        label = f"{label} — {region_words(region)}"
    alert: dict[str, Any] = {"condition": code, "label": label, "region": region, "resolved": False}
    window = policy.windows.get(code)
    since = _as_date(entry.get("date"))
    if window is not None and since is not None and (on - since).days > window:
        detail = f"resolved (more than {window} days ago; no longer screened)."
        return alert | {
            "severity": None, "badge": "ok", "resolved": True, "parts": [], "detail": detail,
            "text": f"{label}: {detail}",
        }  # fmt: skip
    cleared = entry.get("cleared") is True
    parts = _parts(code, region, cleared, policy)
    ordered = sorted(parts.items(), key=lambda item: _RANK[item[0][0]])
    phrases = [
        {"category": category, "where": sorted(where) if where else None, "techniques": sorted(techniques),
         "text": _phrase(category, where, techniques)}
        for (category, where), techniques in ordered
    ]  # fmt: skip
    severity = ordered[0][0][0] if ordered else None
    detail = (
        f"{'; '.join(p['text'] for p in phrases)}." if phrases else "no restriction in the clinic's policy."
    )
    if cleared:
        detail += " Physician clearance on file."
    return alert | {
        "severity": severity, "badge": BADGES.get(severity or "", "ok"), "parts": phrases, "detail": detail,
        "text": f"{label}: {detail}",
    }  # fmt: skip


def _consent_alerts(consent: bool, age: int | None, guardian_consent: bool) -> list[dict[str, Any]]:
    gates = []
    if not consent:
        gates.append("no_consent")
    if age is not None and age < ADULT_AGE and not guardian_consent:
        gates.append("guardian_consent_missing")
    return [
        {"condition": code, "label": "Consent", "region": None, "severity": "absolute",
         "badge": "contraindicated", "resolved": False, "parts": [], "detail": GATES[code].note,
         "text": GATES[code].note}
        for code in gates
    ]  # fmt: skip


def standing_alerts(
    conditions: list[dict[str, Any]],
    on: date,
    policy: Policy | None = None,
    *,
    consent: bool = True,
    age: int | None = None,
    guardian_consent: bool = False,
) -> list[dict[str, Any]]:
    """One alert per condition (plus consent), worst first.

    :param conditions: the client's conditions in screen() shape ({"code", "region"?, "date"?, "cleared"?}).
    :param on: the day the alerts are for (a dated condition may be past its window by then).
    :param policy: the clinic's policy; None for DEFAULT_POLICY.
    :returns: [{"condition", "label", "region", "severity", "badge", "resolved", "parts", "detail", "text"}]
        (text is "label: detail");
        severity is the worst category (absolute, local, referral, precaution) or None; badge is the
        matching verdict class for colour; parts are the line's pieces, each with its category.
    """
    policy = DEFAULT_POLICY if policy is None else policy
    alerts = _consent_alerts(consent, age, guardian_consent)
    alerts += [_condition_alert(entry, on, policy) for entry in conditions if isinstance(entry, Mapping)]

    def order(alert: dict[str, Any]) -> int:
        if alert["resolved"]:
            return len(SEVERITIES) + 1
        return _RANK.get(alert["severity"], len(SEVERITIES))

    return sorted(alerts, key=order)
