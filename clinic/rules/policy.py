"""The contraindication policy as data: the default table of the reference 2.2, rule ids and overrides.

TABLE mirrors the reference 2.2 cell for cell. Each part of a cell becomes a `Rule` with a stable id
("anticoagulant/G", "pregnancy/D/at-abdomen") that a clinic can override by category.

Where a rule applies (its scope) is fixed; an override changes only its category:
- a rule that applies anywhere takes absolute, referral, precaution or none (local needs a region);
- a rule scoped to a region (the condition's region, fixed regions such as the abdomen, or the
  endangerment sites) gives its finding only on items there, and takes local, referral, precaution
  or none ("absolute" means "this technique anywhere", which such a rule cannot say).
The consent gates (no_consent, guardian_consent_missing) are listed but cannot be overridden.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, NamedTuple

from .vocabulary import CONDITIONS, DATE_REQUIRED, ENDANGERMENT_SITES, NEEDLING, REGIONS, TECHNIQUES

DEFAULT_VERSION = "default-2026.11"
CATEGORIES = ("absolute", "local", "referral", "precaution")
OFF = "none"
ANYWHERE, AT_CONDITION, AT_SITES = "anywhere", "condition_region", "sites"  # scopes

COLUMNS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "D": frozenset({"hand_pressure", "massage", "massage_ball", "foam_roller"}),
        "G": frozenset({"massage_gun"}),
        "L": frozenset({"leg_massager"}),
        "N": NEEDLING,
        "H": frozenset({"heat", "cold"}),
        "S": frozenset({"stretching"}),
    }
)
COLUMN_LABELS: Mapping[str, str] = MappingProxyType({
    "D": "Deep techniques", "G": "Massage gun", "L": "Leg massager", "N": "Needling", "H": "Heat and cold",
    "S": "Stretching", "all": "All techniques",
})  # fmt: skip


class _Part(NamedTuple):
    category: str
    scope: str = ANYWHERE
    sites: frozenset[str] = frozenset()
    techniques: frozenset[str] | None = None  # None: every technique of the column
    only_without_region: bool = False


Cell = tuple[_Part, ...]


def at(*regions: str) -> Cell:
    """Local at fixed regions, whatever the condition's own region."""
    return (_Part("local", AT_SITES, frozenset(regions)),)


def only(techniques: Iterable[str], cell: Cell) -> Cell:
    """The same cell, restricted to some techniques of its column."""
    return tuple(part._replace(techniques=frozenset(techniques)) for part in cell)


def heat(cell: Cell) -> Cell:
    return only({"heat"}, cell)


NO: Cell = ()
ABS: Cell = (_Part("absolute"),)
REF: Cell = (_Part("referral"),)
PREC: Cell = (_Part("precaution"),)
LOC: Cell = (_Part("local", AT_CONDITION),)  # at the condition's region; nothing when none is recorded
ABD = at("abdomen")
ABD_LB = at("abdomen", "lower_back")
LOC_ELSE_PREC: Cell = (_Part("precaution", only_without_region=True), *LOC)  # local at region if given
PREC_LUBED = only({"massage", "hand_pressure"}, PREC)  # the techniques that use a lubricant
SITE: Cell = (_Part("local", AT_SITES, ENDANGERMENT_SITES),)
SITE_PREC: Cell = (_Part("precaution", AT_SITES, ENDANGERMENT_SITES),)

# Days after the condition's date during which it counts (inclusive); outside it gives no finding.
WINDOWS = MappingProxyType({"recent_surgery": 42, "acute_injury": 3, "steroid_injection": 2})

# fmt: off
# Columns: D deep (hand_pressure, massage, massage_ball, foam_roller), G massage_gun, L leg_massager,
# N needling, H heat/cold, S stretching. "endangerment_site" applies to every client (the reference 1);
# needling there is a precaution (research brief 2.9 and 5.3: needle danger zones), not in 2.2.
TABLE: tuple[tuple[str, Cell, Cell, Cell, Cell, Cell, Cell], ...] = (
    # condition                   D            G            L     N            H                 S
    ("fever",                     ABS,         ABS,         ABS,  ABS,         ABS,              ABS),
    ("cannot_consent",            ABS,         ABS,         ABS,  ABS,         ABS,              ABS),
    ("dvt_active",                ABS,         ABS,         ABS,  ABS,         ABS,              ABS),
    ("skin_lesion",               LOC,         LOC,         LOC,  LOC,         LOC,              NO),
    ("dvt_history",               PREC + LOC,  PREC + LOC,  REF,  PREC,        NO,               NO),
    ("anticoagulant",             PREC,        REF,         PREC, PREC,        NO,               NO),
    ("bleeding_disorder",         REF,         ABS,         REF,  ABS,         NO,               NO),
    ("pregnancy",                 PREC + ABD,  PREC + ABD_LB, REF, PREC + ABD_LB, PREC + heat(ABD), PREC),
    ("high_risk_pregnancy",       REF,         REF,         REF,  REF,         REF,              REF),
    ("cancer_active",             REF,         REF,         REF,  REF,         PREC,             PREC),
    ("bone_metastasis",           LOC,         LOC,         LOC,  LOC,         NO,               LOC),
    ("radiation_site",            LOC,         LOC,         LOC,  LOC,         LOC,              NO),
    ("recent_surgery",            LOC,         LOC,         REF,  LOC,         LOC,              LOC),
    ("acute_injury",              LOC,         LOC,         LOC,  LOC,         heat(LOC),        LOC),
    ("fracture",                  LOC,         LOC,         LOC,  LOC,         NO,               LOC),
    ("osteoporosis",              PREC,        PREC,        NO,   PREC,        NO,               PREC),
    ("diabetes",                  PREC,        PREC,        PREC, PREC,        PREC,             NO),
    ("neuropathy",                PREC,        PREC,        PREC, PREC,        LOC_ELSE_PREC,    NO),
    ("insulin_site",              LOC,         LOC,         NO,   LOC,         NO,               NO),
    ("heart_disease",             REF,         REF,         ABS,  REF,         REF,              PREC),
    ("hypertension_uncontrolled", REF,         REF,         REF,  PREC,        PREC,             NO),
    ("hypertension_controlled",   PREC,        PREC,        PREC, PREC,        NO,               NO),
    ("pacemaker",                 LOC,         LOC,         NO,   PREC,        NO,               NO),
    ("varicose_veins",            LOC,         LOC,         REF,  LOC,         heat(LOC),        NO),
    ("lymphedema",                LOC,         LOC,         REF,  LOC,         LOC,              NO),
    ("steroid_injection",         LOC,         LOC,         NO,   LOC,         NO,               NO),
    ("epilepsy",                  PREC,        PREC,        PREC, PREC,        NO,               NO),
    ("lubricant_allergy",         PREC_LUBED,  NO,          NO,   NO,          NO,               NO),
    ("latex_allergy",             PREC,        NO,          NO,   PREC,        NO,               NO),
    ("kidney_disease",            PREC,        PREC,        REF,  PREC,        NO,               NO),
    ("fibromyalgia",              PREC,        PREC,        PREC, PREC,        NO,               NO),
    ("endangerment_site",         SITE,        SITE,        NO,   SITE_PREC,   NO,               NO),
)

# A message is the category's lead, then the rule's note, so an overridden category still reads right.
CATEGORY_LEADS: Mapping[str, str] = MappingProxyType({
    "absolute": "Do not use today.",
    "local": "Not at this area; other areas are fine.",
    "referral": "Needs physician clearance first.",
    "precaution": "Go ahead, modified.",
})
CLEARED_LEAD = "Physician clearance on file; go ahead, modified."
TABLE_SOURCE = "Knotwork clinical reference 2.2"

# Notes never advise a client to stop or change medication (docs/clinical-reference.md 2.3).
NOTES: Mapping[str, str] = MappingProxyType({
    "fever": "Fever or acute infection: postpone until it has resolved; refer if high or persistent.",
    "cannot_consent": "Client cannot give informed consent today (intoxicated, confused): reschedule.",
    "dvt_active": "Possible blood clot: no treatment; urge same-day medical assessment.",
    "skin_lesion": "Broken, infected or inflamed skin: no contact over it; never needle through it.",
    "dvt_history": "Past clot: no deep or vigorous work on the affected limb; watch for calf pain, swelling.",
    "anticoagulant": "Blood thinners: use broad, moderate pressure; no deep work; watch for bruising.",
    "bleeding_disorder": "Bleeding disorder: light touch only; no deep pressure, percussion or needling.",
    "pregnancy": "Pregnancy: side-lying after 20 weeks; no deep work on legs or inner thigh.",
    "high_risk_pregnancy": "High-risk pregnancy: obstetric clearance before any treatment.",
    "cancer_active": "Active cancer treatment: light pressure; avoid tumour, port and radiation sites.",
    "bone_metastasis": "Bone metastasis: no pressure, stretch or needling over the site (fracture risk).",
    "radiation_site": "Radiation field: fragile skin; no pressure, lubricant, needling, heat or cold on it.",
    "recent_surgery": "Recent surgery: nothing over the incision or hardware for 6 weeks or until cleared.",
    "acute_injury": "Acute injury (first 72 h): no massage, heat or stretching on it; cold is fine.",
    "fracture": "Unhealed fracture: no pressure, stretch, percussion or needling on or near it.",
    "osteoporosis": "Osteoporosis: gentle, broad pressure; no percussion on spine or ribs; no hard stretch.",
    "diabetes": "Diabetes: lighter pressure (sensation may be reduced); check the skin; watch for low sugar.",
    "neuropathy": "Reduced sensation: client cannot judge pressure; go lighter; check the skin after.",
    "insulin_site": "Insulin site or pump: no pressure or needling on it; keep lubricant a hand-width away.",
    "heart_disease": "Heart disease: short, gentle sessions; watch for breathlessness or chest pain.",
    "hypertension_uncontrolled": "Uncontrolled blood pressure: gentle work; slow position changes.",
    "hypertension_controlled": "Controlled blood pressure: slow position changes; sit up slowly at the end.",
    "pacemaker": "Implanted device: no pressure or percussion over the generator and leads.",
    "varicose_veins": "Varicose veins: no deep or percussive work on or below them; never needle into them.",
    "lymphedema": "Lymphoedema or at-risk limb: gentle only; no deep pressure, needling or heat there.",
    "steroid_injection": "Steroid injection (last 48 h): no deep, percussive or needling work on the site.",
    "epilepsy": "Epilepsy: know the triggers and seizure plan; avoid oils such as rosemary, sage, fennel.",
    "lubricant_allergy": "Lubricant allergy: nut-free, unscented product or none; check the label.",
    "latex_allergy": "Latex allergy: non-latex gloves and latex-free equipment.",
    "kidney_disease": "Kidney disease: avoid the fistula arm and deep flank pressure; lighter pressure.",
    "fibromyalgia": "Fibromyalgia: gentle, broad, short work on tender areas; build up gradually.",
    "endangerment_site": "Endangerment site (nerves, vessels near the surface): no deep or percussive work.",
})
RULE_NOTES: Mapping[str, str] = MappingProxyType({
    "dvt_history/L": "Past clot: compression sleeves need clearance (history of embolism).",
    "anticoagulant/G": "Blood thinners: percussion bruises easily; lowest speed, soft head, short passes.",
    "anticoagulant/L": "Blood thinners: lowest pressure setting; watch for bruising.",
    "anticoagulant/N": "Blood thinners: superficial, compressible sites; lower intensity; press after.",
    "pregnancy/D/at-abdomen": "Pregnancy: no deep work on the abdomen.",
    "pregnancy/G/at-abdomen+lower_back": "Pregnancy: no percussion on the abdomen or lower back.",
    "pregnancy/L": "Pregnancy: compression boots need clearance (sources conflict).",
    "pregnancy/N": "Pregnancy: no electro-acupuncture; avoid forbidden points (LI4, SP6, BL60, BL67).",
    "pregnancy/N/at-abdomen+lower_back": "Pregnancy: no needling of the abdomen or lumbosacral region.",
    "pregnancy/H": "Pregnancy: moderate temperatures, short applications; avoid overheating.",
    "pregnancy/H/at-abdomen": "Pregnancy: no heat on the abdomen.",
    "pregnancy/S": "Pregnancy: gentle range only; joints are looser.",
    "cancer_active/H": "Active cancer treatment: check skin and sensation; none over treated areas.",
    "cancer_active/S": "Active cancer treatment: gentle range; keep clear of ports and surgical sites.",
    "recent_surgery/L": "Recent surgery: compression sleeves need the surgeon's clearance.",
    "acute_injury/H": "Acute injury: no heat for the first 72 h; cold is fine.",
    "diabetes/H": "Diabetes: check sensation first; no heat or cold on numb skin; wrap the pack.",
    "neuropathy/H": "Reduced sensation: check the area can feel heat and cold before applying; wrap it.",
    "neuropathy/H/at-region": "Numb area: no heat or cold on skin that cannot feel it.",
    "heart_disease/L": "Heart failure or unstable heart disease: no pneumatic compression.",
    "heart_disease/S": "Heart disease: gentle stretching; no breath-holding or straining.",
    "pacemaker/N": "Implanted device: keep needles clear of the device and leads; never electro-stimulation.",
    "varicose_veins/L": "Varicose veins: compression sleeves need clearance (vascular disease).",
    "varicose_veins/H": "Varicose veins: no heat on them.",
    "lymphedema/L": "Lymphoedema: refer to a lymphoedema therapist; no recovery boots without clearance.",
    "epilepsy/N": "Epilepsy: know the seizure plan; no electro-acupuncture if seizures are not controlled.",
    "kidney_disease/L": "Kidney disease: compression shifts fluid; needs clearance.",
    "endangerment_site/N": "Endangerment site: needle with care for nerves and vessels; shallow, angled.",
})
SOURCES: Mapping[str, str] = MappingProxyType({
    "fever": "Werner & Benjamin pathology chart; IPC device IFUs",
    "cannot_consent": "Consent as absolute CI (osteopathy; OSU cervical CPG); ABMP",
    "dvt_active": "Werner & Benjamin pathology chart; IPC device IFUs",
    "skin_lesion": "Bartsch et al. 2021 foam-rolling Delphi; IPC IFUs; NZASA acupuncture code",
    "dvt_history": "Therabody device guidance; oncology massage after DVT (MASSAGE Magazine)",
    "anticoagulant": "UK patient guidance on deep tissue massage; APTA dry needling paper; Therabody",
    "bleeding_disorder": "Therabody contraindications; McMaster acupuncture contraindications",
    "pregnancy": "Mueller & Grunwald 2021 review; WHO 1999 acupuncture guidelines; AACP guidelines",
    "high_risk_pregnancy": "High-risk pregnancy massage guidance (research brief 1.3)",
    "cancer_active": "Oncology massage (Walton; MacDonald); MSU cancer-pain guide",
    "bone_metastasis": "MSU cancer-pain guide; JACM best-practice table",
    "radiation_site": "MSU cancer-pain guide; oncology massage practice",
    "recent_surgery": "MSU cancer-pain guide (6 weeks); Therabody; Hyperice",
    "acute_injury": "'No HARM' guidance for the first 72 h",
    "fracture": "Bartsch et al. 2021 foam-rolling Delphi; IPC IFUs; Hypervolt guidance",
    "osteoporosis": "Werner, Massage Therapist's Guide to Pathology (ABMP); Therabody precautions",
    "diabetes": "CHP diabetes massage review; Therabody; NHS Gwent on heat",
    "neuropathy": "Therabody ('abnormal sensations'); IPC device IFUs; NHS Gwent on heat",
    "insulin_site": "CHP diabetes massage review",
    "heart_disease": "Werner & Benjamin pathology chart; IPC device IFUs (heart failure)",
    "hypertension_uncontrolled": "Therabody contraindications; IPC device IFUs",
    "hypertension_controlled": "Therabody precautions",
    "pacemaker": "Therabody and Hyperice device guidance; BMAS on electro-acupuncture",
    "varicose_veins": "Werner & Benjamin pathology chart; NZASA acupuncture code; Therabody",
    "lymphedema": "Oncology massage (MacDonald); AACP and ASAP needling guidance; IPC IFUs",
    "steroid_injection": "Orthopaedic post-injection advice (48 h)",
    "epilepsy": "Seizure-disorder massage guidance; Hyperice; acupuncture contraindication lists",
    "lubricant_allergy": "Massage lubricant and nut-allergy guidance",
    "latex_allergy": "Therapist allergy guidance (latex gloves); dry needling screening forms",
    "kidney_disease": "Werner on dialysis (ABMP); Therabody; IPC device IFUs",
    "fibromyalgia": "Werner, Massage Therapist's Guide to Pathology (ABMP); Therabody",
    "endangerment_site": "Werner, Massage & Bodywork 2020 (endangerment sites)",
})
# Replace the source entirely (the default adds "; docs/clinical-reference.md 2.2").
RULE_SOURCES: Mapping[str, str] = MappingProxyType({
    "endangerment_site/N": "Needle danger zones (NZASA); Werner on endangerment sites; research brief 2.9",
})
GATE_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType({
    "no_consent": (
        "No recorded consent: record the client's informed consent first.",
        "Consent as absolute CI (osteopathy; OSU cervical CPG); Knotwork clinical reference 2.3",
    ),
    "guardian_consent_missing": (
        "Client under 18: record a parent's or guardian's consent first.",
        "ABMP guidance on minors' consent; Knotwork clinical reference 2.3",
    ),
})
# fmt: on


@dataclass(frozen=True, slots=True)
class Rule:
    """One part of one table cell: condition x techniques (x where) -> category, with its message."""

    id: str
    condition: str
    column: str
    techniques: frozenset[str]
    category: str  # one of CATEGORIES, or "none" when a clinic has switched the rule off
    default_category: str
    scope: str  # ANYWHERE, AT_CONDITION or AT_SITES
    sites: frozenset[str]
    only_without_region: bool  # fires only when the condition has no region ("else precaution")
    window_days: int | None
    note: str
    source: str
    # Composed once here so screen() only copies strings.
    message: str = field(init=False, compare=False)
    cleared_message: str = field(init=False, compare=False)  # a referral softened by a clearance

    def __post_init__(self) -> None:
        lead = CATEGORY_LEADS.get(self.category)
        object.__setattr__(self, "message", f"{lead} {self.note}" if lead else self.note)
        object.__setattr__(self, "cleared_message", f"{CLEARED_LEAD} {self.note}")

    @property
    def allowed(self) -> tuple[str, ...]:
        """The categories an override may give this rule."""
        if self.id in GATE_IDS:
            return ()
        if self.scope == ANYWHERE:
            return ("absolute", "referral", "precaution", OFF)
        return ("local", "referral", "precaution", OFF)


def _gate(code: str) -> Rule:
    text, source = GATE_TEXT[code]
    return Rule(f"consent/{code}", code, "all", frozenset(TECHNIQUES), "absolute", "absolute", ANYWHERE,
                frozenset(), False, None, text, source)  # fmt: skip


GATE_IDS = frozenset({"consent/no_consent", "consent/guardian_consent_missing"})
GATES: Mapping[str, Rule] = MappingProxyType({code: _gate(code) for code in GATE_TEXT})


@dataclass(frozen=True)
class Policy:
    """A complete rule set with its version; the version is stored with every screening result."""

    version: str
    rules: tuple[Rule, ...]
    # condition -> technique -> rules that may fire; built once so screen() only looks things up.
    index: Mapping[str, Mapping[str, tuple[Rule, ...]]] = field(init=False, repr=False, compare=False)
    windows: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.version, str) or not self.version.strip():
            raise ValueError("version: expected a non-empty string")
        index: dict[str, dict[str, list[Rule]]] = {}
        for rule in self.rules:
            if rule.category != OFF:
                for technique in rule.techniques:
                    index.setdefault(rule.condition, {}).setdefault(technique, []).append(rule)
        frozen = {cond: MappingProxyType({t: tuple(r) for t, r in by.items()}) for cond, by in index.items()}
        windows = {rule.condition: rule.window_days for rule in self.rules if rule.window_days is not None}
        object.__setattr__(self, "index", MappingProxyType(frozen))
        object.__setattr__(self, "windows", MappingProxyType(windows))

    def with_overrides(self, overrides: Mapping[str, str], version: str) -> "Policy":
        """This policy with some rules' categories changed ("none" switches a rule off)."""
        if not isinstance(overrides, Mapping):
            raise ValueError("overrides: expected a mapping of rule id to category")
        by_id = {rule.id: rule for rule in self.rules}
        changed: dict[str, Rule] = {}
        for rule_id, category in overrides.items():
            where = f"overrides[{rule_id!r}]"
            if rule_id in GATE_IDS:
                raise ValueError(f"{where}: a consent gate cannot be overridden")
            if rule_id not in by_id:
                raise ValueError(f"{where}: unknown rule id")
            rule = by_id[rule_id]
            allowed = ", ".join(rule.allowed)
            if category not in (*CATEGORIES, OFF):
                raise ValueError(f"{where}: unknown category {category!r} (use {allowed})")
            if category not in rule.allowed:
                why = (
                    "'local' needs a region, and this rule applies anywhere"
                    if rule.scope == ANYWHERE
                    else "this rule applies only at a region, so it cannot be 'absolute' (use 'local')"
                )
                raise ValueError(f"{where}: {why}; use {allowed}")
            changed[rule_id] = replace(rule, category=category)
        return Policy(version, tuple(changed.get(rule.id, rule) for rule in self.rules))

    def describe(self) -> list[dict[str, Any]]:
        """Every rule, for an owner's settings page: the consent gates first (not overridable)."""
        return [
            {
                "id": rule.id,
                "condition": rule.condition,
                "column": rule.column,
                "column_label": COLUMN_LABELS[rule.column],
                "techniques": sorted(rule.techniques),
                "category": rule.category,
                "default_category": rule.default_category,
                "scope": rule.scope,
                "applies": _applies(rule),
                "regions": sorted(rule.sites),
                "window_days": rule.window_days,
                "message": rule.message,
                "source": rule.source,
                "overridable": bool(rule.allowed),
                "allowed": list(rule.allowed),
            }
            for rule in (*GATES.values(), *self.rules)
        ]


def _applies(rule: Rule) -> str:
    if rule.scope == AT_CONDITION:
        return "at the condition's region"
    if rule.scope == AT_SITES:
        sites = "endangerment sites" if rule.sites == ENDANGERMENT_SITES else ", ".join(sorted(rule.sites))
        return f"at {sites}"
    return "anywhere, when the condition has no region" if rule.only_without_region else "anywhere"


def _part_id(condition: str, column: str, part: _Part, first: bool) -> str:
    """The first part of a cell is "<condition>/<column>"; further parts say where they apply."""
    base = f"{condition}/{column}"
    if first:
        return base
    if part.scope == AT_SITES:
        return f"{base}/at-{'+'.join(sorted(part.sites))}"
    return f"{base}/{'at-region' if part.scope == AT_CONDITION else 'no-region'}"


def _build_rules() -> tuple[Rule, ...]:
    """The table as rules; a mistake in the table fails here, at import, not during a session."""
    rows = [row[0] for row in TABLE]
    if sorted(rows) != sorted({*CONDITIONS, "endangerment_site"}) or set(WINDOWS) != DATE_REQUIRED:
        raise ValueError("policy table: rows must match the vocabulary's conditions, windows the dated ones")
    if sorted(t for techniques in COLUMNS.values() for t in techniques) != sorted(TECHNIQUES):
        raise ValueError("policy table: the columns must cover every technique exactly once")
    rules: list[Rule] = []
    for condition, *cells in TABLE:
        takes_region = "region" in CONDITIONS.get(condition, ("", ()))[1]
        for column, cell in zip(COLUMNS, cells, strict=True):
            for position, part in enumerate(cell):
                rule_id = _part_id(condition, column, part, position == 0)
                techniques = COLUMNS[column] if part.techniques is None else part.techniques
                if (part.scope == AT_CONDITION and not takes_region) or not part.sites <= set(REGIONS):
                    raise ValueError(f"policy table: {rule_id} has no valid region to apply at")
                if not techniques <= COLUMNS[column]:
                    raise ValueError(f"policy table: {rule_id} names a technique outside its column")
                note = RULE_NOTES.get(rule_id, NOTES[condition])
                source = RULE_SOURCES.get(rule_id) or f"{SOURCES[condition]}; {TABLE_SOURCE}"
                rules.append(Rule(rule_id, condition, column, techniques, part.category, part.category,
                                  part.scope, part.sites, part.only_without_region, WINDOWS.get(condition),
                                  note, source))  # fmt: skip
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids) or not (set(RULE_NOTES) | set(RULE_SOURCES)) <= set(ids):
        raise ValueError("policy table: duplicate rule ids, or notes for rules that do not exist")
    return tuple(rules)


DEFAULT_POLICY = Policy(DEFAULT_VERSION, _build_rules())


def default_rules() -> list[dict[str, Any]]:
    """Every default rule: id, condition, techniques, category, where, window, message and source."""
    return DEFAULT_POLICY.describe()


def with_overrides(overrides: Mapping[str, str], version: str) -> Policy:
    """The default policy with a clinic's category overrides, under the clinic's version string."""
    return DEFAULT_POLICY.with_overrides(overrides, version)
