"""Client import decisions: which column is which field (presets), what a row means, what is wrong
with it, and which rows are duplicates (of a client already on file or of an earlier row).

Pure (standard library only). docs/import.md lists the column names the presets know; the mapping
step lets the owner correct any column.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

# The fields an import fills, in the order the mapping page lists them, with their length limits
# (the same as the client form: clinic/clients/forms.py).
FIELDS = {
    "first_name": ("First name", 80),
    "last_name": ("Last name", 80),
    "full_name": ("Full name (first and last in one column)", 161),
    "preferred_name": ("Preferred name", 80),
    "date_of_birth": ("Date of birth", 40),
    "phone": ("Phone", 40),
    "email": ("Email", 254),
    "address": ("Address (several columns are joined)", 300),
    "emergency_contact": ("Emergency contact", 200),
    "referral_source": ("Referred by", 120),
    "notes": ("Administrative notes (several columns are joined)", 2000),
}
JOINED = {"address": ", ", "notes": "\n", "emergency_contact": ", "}  # several columns allowed
FIRST_FILLED = {"phone"}  # mobile, home, work: the first one filled in

# Header names (compared lower-cased, letters and digits only) per preset.
_COMMON = {
    "firstname": "first_name",
    "givenname": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "familyname": "last_name",
    "name": "full_name",
    "fullname": "full_name",
    "clientname": "full_name",
    "preferredname": "preferred_name",
    "dateofbirth": "date_of_birth",
    "dob": "date_of_birth",
    "birthdate": "date_of_birth",
    "birthday": "date_of_birth",
    "email": "email",
    "emailaddress": "email",
    "phone": "phone",
    "mobile": "phone",
    "mobilephone": "phone",
    "cellphone": "phone",
    "homephone": "phone",
    "workphone": "phone",
    "phonenumber": "phone",
    "address": "address",
    "street": "address",
    "city": "address",
    "postcode": "address",
    "postalcode": "address",
    "zip": "address",
    "emergencycontact": "emergency_contact",
    "referredby": "referral_source",
    "referralsource": "referral_source",
    "notes": "notes",
}
PRESETS = {
    "jane": (
        "Jane (Patients export)",
        {
            **_COMMON,
            "preferredfirstname": "preferred_name",
            "address1": "address",
            "address2": "address",
            "province": "address",
            "state": "address",
            "emergencycontactname": "emergency_contact",
            "emergencycontactphone": "emergency_contact",
            "emergencycontactrelationship": "emergency_contact",
            "referralsource": "referral_source",
        },
    ),
    "cliniko": (
        "Cliniko (Patients export)",
        {
            **_COMMON,
            "preferredfirstname": "preferred_name",
            "address1": "address",
            "address2": "address",
            "address3": "address",
            "state": "address",
            "country": "address",
            "phonenumbers": "phone",
            "referralsource": "referral_source",
        },
    ),
    "generic": ("Spreadsheet (any other CSV)", dict(_COMMON)),
}
DATE_ORDERS = {
    "dmy": "Day first: 31/12/1980",
    "mdy": "Month first: 12/31/1980",
}
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection). Such a cell is
# refused, not silently changed: the owner sees the row and fixes the source. A phone number may start
# with + (its own check allows digits and + ( ) - . only), and a lone "-" is a common "nothing here".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PHONE_PATTERN = re.compile(r"^[0-9+()\-. ]{5,40}$")  # as clinic/clients/forms.py
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHOICES = ("skip", "import", "update")


def header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def guess_preset(header: list[str]) -> str:
    """The preset whose names match the most columns (ties: the generic one)."""
    keys = {header_key(name) for name in header}
    return max(("generic", "cliniko", "jane"), key=lambda p: len(keys & PRESETS[p][1].keys()))


def guess_mapping(header: list[str], preset: str) -> list[str]:
    """The field of each column ("" = not imported) by the preset's names; a field already taken by
    an earlier column is not given again unless several columns may fill it."""
    names = PRESETS[preset][1]
    taken: set[str] = set()
    mapping = []
    for name in header:
        target = names.get(header_key(name), "")
        if target and target in taken and target not in JOINED and target not in FIRST_FILLED:
            target = ""
        taken.add(target)
        mapping.append(target)
    return mapping


def mapping_problems(mapping: list[str]) -> list[str]:
    """What makes a mapping unusable: the names missing, or a single-column field given twice."""
    problems = []
    chosen = [m for m in mapping if m]
    for name in set(chosen):
        if chosen.count(name) > 1 and name not in JOINED and name not in FIRST_FILLED:
            problems.append(f"{FIELDS[name][0]} is chosen for {chosen.count(name)} columns; choose one.")
    has_names = "first_name" in chosen and "last_name" in chosen
    if not has_names and "full_name" not in chosen:
        problems.append("Choose the columns with the first and last names (or one full-name column).")
    return sorted(problems)


def parse_date(text: str, order: str) -> date | None:
    """A birth date: ISO 2001-02-03 always; otherwise d/m/y or m/d/y by `order` (/ . or - between)."""
    text = text.strip().split(" ")[0].split("T")[0]  # "1980-12-31 00:00:00" from spreadsheets
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if not match:
            raise ValueError("Write the date of birth as 1980-12-31 (or as the chosen day/month order).")
        first, second, year = (int(g) for g in match.groups())
        day, month = (first, second) if order == "dmy" else (second, first)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("The date of birth is not a real date (check day and month order).") from None


@dataclass
class Row:
    """One data row as client details, with what is wrong with it (empty: importable)."""

    number: int  # the line as the owner counts it in a spreadsheet: the header is 1
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _split_full_name(text: str) -> tuple[str, str]:
    if "," in text:  # "Smith, Anna"
        last, _, first = text.partition(",")
    else:
        first, _, last = text.strip().rpartition(" ")
    return first.strip(), last.strip()


def build_row(number: int, cells: list[str], mapping: list[str], order: str, today: date) -> Row:
    """The client details of one row, checked as the client form checks them."""
    row = Row(number)
    values: dict[str, list[str]] = {}
    for cell, target in zip(cells, mapping, strict=False):
        cell = cell.strip()
        if not target or not cell or cell == "-":
            continue
        if cell.startswith(FORMULA_STARTS) and not (target == "phone" and cell.startswith("+")):
            row.errors.append(
                f"{FIELDS[target][0]} starts with {cell[0]!r}, which spreadsheets run as a formula: "
                "remove it in the file."
            )
            continue
        values.setdefault(target, []).append(cell)
    data: dict = {}
    for target, found in values.items():
        data[target] = JOINED[target].join(found) if target in JOINED else found[0]
    if "full_name" in data:
        first, last = _split_full_name(data.pop("full_name"))
        data.setdefault("first_name", first)
        data.setdefault("last_name", last)
    for name in ("first_name", "last_name"):
        if not data.get(name):
            row.errors.append(f"{FIELDS[name][0]} is missing.")
    for name, value in data.items():
        if isinstance(value, str) and len(value) > FIELDS[name][1]:
            row.errors.append(f"{FIELDS[name][0]} is longer than {FIELDS[name][1]} characters.")
    if data.get("date_of_birth"):
        try:
            born = parse_date(data["date_of_birth"], order)
        except ValueError as error:
            row.errors.append(str(error))
            born = None
        if born is not None and (born > today or born.year < 1900):
            row.errors.append("The date of birth is in the future or before 1900.")
        data["date_of_birth"] = born
    if data.get("email"):
        data["email"] = data["email"].lower()
        if not EMAIL_PATTERN.match(data["email"]):
            row.errors.append("Check the email address (it needs an @ and a domain).")
    if data.get("phone") and not PHONE_PATTERN.match(data["phone"]):
        row.errors.append("The phone may hold digits, spaces and + ( ) - only.")
    row.data = data
    return row


def name_key(first: str, last: str) -> str:
    """As clinic/clients/services.set_search_keys makes Client.name_key."""
    return f"{first} {last}".strip().lower()[:170]


@dataclass(frozen=True)
class Existing:
    """A client on file, as far as duplicates go."""

    id: int
    name_key: str
    date_of_birth: date | None
    email: str


@dataclass(frozen=True)
class Duplicate:
    number: int
    client_id: int | None  # the client on file it matches, or None
    earlier_row: int | None  # the earlier row of the file it matches, or None
    reason: str  # "name and date of birth" or "email"


def find_duplicates(rows: Iterable[Row], existing: Iterable[Existing]) -> dict[int, Duplicate]:
    """Rows (by number) that match a client on file or an earlier row of the file: the same name and
    date of birth, or the same e-mail. A client on file wins over an earlier row. Rows with errors
    are not imported, so they are neither duplicates nor the original of one."""
    by_person: dict[tuple, Existing] = {}
    by_email: dict[str, Existing] = {}
    for client in existing:
        if client.date_of_birth is not None:
            by_person.setdefault((client.name_key, client.date_of_birth), client)
        if client.email:
            by_email.setdefault(client.email, client)
    seen_person: dict[tuple, int] = {}
    seen_email: dict[str, int] = {}
    found: dict[int, Duplicate] = {}
    for row in rows:
        if row.errors:
            continue
        person = (name_key(row.data["first_name"], row.data["last_name"]), row.data.get("date_of_birth"))
        email = row.data.get("email") or ""
        if person[1] is not None and person in by_person:
            found[row.number] = Duplicate(row.number, by_person[person].id, None, "name and date of birth")
        elif email and email in by_email:
            found[row.number] = Duplicate(row.number, by_email[email].id, None, "email")
        elif person[1] is not None and person in seen_person:
            found[row.number] = Duplicate(row.number, None, seen_person[person], "name and date of birth")
        elif email and email in seen_email:
            found[row.number] = Duplicate(row.number, None, seen_email[email], "email")
        if person[1] is not None:
            seen_person.setdefault(person, row.number)
        if email:
            seen_email.setdefault(email, row.number)
    return found


def decisions_for(duplicates: dict[int, Duplicate], chosen: dict[str, str], rest: str) -> dict[str, str]:
    """The choice for every duplicate row (by row number as text): what was chosen for it, else
    `rest`; anything unknown, and "update" without a client on file to update, is "skip"."""
    rest = rest if rest in CHOICES else "skip"
    decisions = {}
    for number, duplicate in duplicates.items():
        choice = chosen.get(f"row{number}", rest)
        if choice not in CHOICES or (choice == "update" and duplicate.client_id is None):
            choice = "skip"
        decisions[str(number)] = choice
    return decisions


# Fields "update contact details" fills on the client on file (only where the file has a value).
CONTACT_FIELDS = ("phone", "email", "address", "emergency_contact")
