"""The check-in a day or two after a session (the reference section 6): when it is sent, and the triage of
the client's answers into what the client should do now and whether the therapist must call.

Pure: no clock and no database. Sources: the red flags are those of the aftercare sheet (section 5:
possible clot, cardiorespiratory emergency, infection at a needling site, neurological signs that
persist); the "2 points higher" threshold is section 4's clinically important change on the 0-10
scale (Farrar et al. 2001); soreness that usually eases within 24 to 72 hours is the expected course
of post-treatment soreness (section 5).

Decisions the policy leaves open:
- A region's "pain after" is the highest pain_after recorded for a point in that region at the visit
  (the region's pain as the client would feel it); a region with no recorded pain after is not compared.
- "Soreness overall 8 or more" and "2 or more points higher" are inclusive.
- A red flag left unanswered is not a "no": the form requires each one (section 6), and `triage` refuses
  answers without them rather than guess.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .messaging import QuietHours, after_quiet_hours

DEFAULT_DELAY = timedelta(hours=36)
EARLIEST, LATEST = timedelta(hours=24), timedelta(hours=48)
OPEN_FOR = timedelta(days=7)
IMPORTANT_RISE = 2  # points on the 0-10 scale above the visit's pain after
HIGH_SORENESS = 8

# Highest wins. Each level's advice is shown to the client at once; every level but "expected" puts
# the client on the therapist's home page.
LEVELS = ("expected", "contact", "urgent", "emergency")
LEVEL_LABELS = {
    "emergency": "Emergency",
    "urgent": "Urgent today",
    "contact": "Call the client",
    "expected": "As expected",
}

# code -> (the question, the level a "yes" means)
RED_FLAGS: dict[str, tuple[str, str]] = {
    "chest": ("Chest pain, or sudden breathlessness?", "emergency"),
    "calf": ("Pain in a calf with swelling, warmth or redness?", "urgent"),
    "infection": ("A fever, or a needling site that is red, hot or swollen?", "urgent"),
    "nerves": ("Numbness, tingling or weakness that is spreading or not easing?", "contact"),
}
SLEEP = {"better": "Better than usual", "same": "About the same", "worse": "Worse than usual"}
BRUISING = {"none": "None", "small": "Small", "large": "Large or spreading"}


@dataclass(frozen=True)
class Answers:
    flags: dict[str, bool]  # every code of RED_FLAGS
    soreness: int | None = None  # overall, 0-10
    regions: dict[str, int | None] = field(default_factory=dict)  # region code -> pain now, 0-10
    sleep: str | None = None  # SLEEP
    bruising: str | None = None  # BRUISING


@dataclass(frozen=True)
class Triage:
    level: str
    reasons: tuple[str, ...]  # in words, highest level first

    @property
    def needs_a_call(self) -> bool:
        return self.level != "expected"


def _scale(value: int | None, name: str) -> None:
    if value is not None and not (isinstance(value, int) and 0 <= value <= 10):
        raise ValueError(f"{name}: expected 0-10, got {value!r}")


def triage(answers: Answers, pain_after: dict[str, int | None], region_labels: dict[str, str]) -> Triage:
    """The level of the answers, and why. `pain_after`: region -> the visit's pain after (see above)."""
    missing = set(RED_FLAGS) - set(answers.flags)
    if missing:
        raise ValueError(f"red flags unanswered: {sorted(missing)}")
    _scale(answers.soreness, "soreness")
    for region, value in answers.regions.items():
        _scale(value, region)
    if answers.sleep is not None and answers.sleep not in SLEEP:
        raise ValueError(f"sleep: {answers.sleep!r}")
    if answers.bruising is not None and answers.bruising not in BRUISING:
        raise ValueError(f"bruising: {answers.bruising!r}")

    found: list[tuple[str, str]] = []
    for code, (question, level) in RED_FLAGS.items():
        if answers.flags[code]:
            found.append((level, question.rstrip("?")))
    if answers.bruising == "large":
        found.append(("contact", "Large or spreading bruising"))
    for region, now in answers.regions.items():
        before = pain_after.get(region)
        if now is not None and before is not None and now - before >= IMPORTANT_RISE:
            label = region_labels.get(region, region)
            found.append(("contact", f"{label}: pain {now}/10, up from {before}/10 after the session"))
    if answers.soreness is not None and answers.soreness >= HIGH_SORENESS:
        found.append(("contact", f"Soreness overall {answers.soreness}/10"))
    if not found:
        return Triage("expected", ())
    found.sort(key=lambda item: -LEVELS.index(item[0]))
    return Triage(found[0][0], tuple(reason for _, reason in found))


def region_pain_after(points: list[tuple[str, int | None]]) -> dict[str, int | None]:
    """(region, pain_after) of a visit's points -> region -> the highest pain after recorded there."""
    result: dict[str, int | None] = {}
    for region, after in points:
        if after is None:
            result.setdefault(region, None)
        else:
            current = result.get(region)
            result[region] = after if current is None else max(current, after)
    return result


def send_time(signed_at: datetime, delay: timedelta, quiet: QuietHours, tz: ZoneInfo) -> datetime:
    """When the check-in goes: `delay` after signing (kept within 24-48 h), never in the quiet hours."""
    if not EARLIEST <= delay <= LATEST:
        raise ValueError(f"check-in delay: expected 24 to 48 hours, got {delay}")
    return after_quiet_hours(signed_at + delay, quiet, tz)


# What the client reads at once, by level (docs/clinical-reference.md section 6). {emergency}, {urgent} and
# {clinic_phone} are the clinic's numbers, or words when a number is not set.
ADVICE: dict[str, tuple[str, str]] = {
    "emergency": (
        "Call the emergency services now",
        "Chest pain or sudden breathlessness needs help straight away: call {emergency} now. Do not wait "
        "for the clinic to call you back.",
    ),
    "urgent": (
        "Please get seen today",
        "What you describe can be a blood clot or an infection, and needs a doctor today: call {urgent} "
        "or go to an urgent care centre. If you become short of breath or have chest pain, call {emergency}.",
    ),
    "contact": (
        "Please call the clinic",
        "Your therapist needs to hear about this, and has your answers. Call us on {clinic_phone}. If it "
        "gets worse quickly, or you feel unwell, seek medical advice.",
    ),
    "expected": (
        "This sounds like normal soreness",
        "Soreness after trigger-point work is normal and usually eases within 24 to 72 hours. Drink "
        "normally, use a cold compress wrapped in a cloth for 15 to 20 minutes at a time, and rest the "
        "treated muscles from hard use for a day or two.",
    ),
}
