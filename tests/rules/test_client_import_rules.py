"""The pure parts of the client import: encodings, bad files, CSV shapes, mapping, rows, duplicates."""

from datetime import date

import pytest

from clinic.rules.client_import import (
    Duplicate,
    Existing,
    build_row,
    decisions_for,
    find_duplicates,
    guess_mapping,
    guess_preset,
    mapping_problems,
    parse_date,
)
from clinic.rules.import_files import CP1252_NOTE, FileProblem, decode, read_rows

TODAY = date(2026, 11, 18)
TEXT = "First Name,Last Name\nZoë,Çelik\n"


@pytest.mark.parametrize(
    ("data", "encoding", "noted"),
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig", False),
        (TEXT.encode("utf-16"), "utf-16", False),  # with BOM
        (TEXT.encode("utf-16-le"), "utf-16", False),  # Excel's "Unicode text" without BOM
        (TEXT.encode("utf-16-be"), "utf-16", False),
        (TEXT.encode("cp1252"), "cp1252", True),
    ],
)
def test_encodings_are_found_and_the_names_survive(data, encoding, noted):
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert read_rows(decoded.text) == (["First Name", "Last Name"], [["Zoë", "Çelik"]])
    assert (decoded.note == CP1252_NOTE) is noted


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"PK\x03\x04\x14\x00rest-of-an-xlsx", "Excel or zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n", "picture"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00", "not a text"),
        (bytes(range(256)) * 4, "not a text"),
        (b"First,Last\n\x81\x8d\x8f,\x90\x9d\n", "not a text"),  # bytes Windows-1252 leaves undefined
        (b"First Name,Last Name\n", "no clients"),
        (b'First,Last\n"never closed,' + b"x" * 200_000, "not a readable CSV"),
    ],
)
def test_files_that_are_not_client_lists_are_refused_with_a_reason(data, says):
    with pytest.raises(FileProblem) as refused:
        read_rows(decode(data).text)
    assert says in refused.value.message


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("a,b\n1,2\n", [["1", "2"]]),
        ("a;b\n1;2\n", [["1", "2"]]),  # European spreadsheets
        ("a\tb\n1\t2\n", [["1", "2"]]),
        ("a,b\r\n1,2\r\n\r\n,\r\n", [["1", "2"]]),  # blank rows dropped
        ('a,b\n"Smith, Anna","line\nbreak"\n', [["Smith, Anna", "line\nbreak"]]),
        ("a,b,c\n1\n", [["1", "", ""]]),  # short rows padded
    ],
)
def test_csv_shapes(text, rows):
    assert read_rows(text)[1] == rows


@pytest.mark.parametrize(
    ("header", "preset", "mapping"),
    [
        (
            [
                "First Name",
                "Last Name",
                "Preferred First Name",
                "Date of Birth",
                "Address 1",
                "Address 2",
                "City",
                "Phone Numbers",
                "Email",
                "Referral Source",
                "Patient ID",
            ],
            "cliniko",
            [
                "first_name",
                "last_name",
                "preferred_name",
                "date_of_birth",
                "address",
                "address",
                "address",
                "phone",
                "email",
                "referral_source",
                "",
            ],
        ),
        (
            [
                "First Name",
                "Last Name",
                "Email",
                "Mobile Phone",
                "Home Phone",
                "Birth Date",
                "Province",
                "Emergency Contact Name",
                "Emergency Contact Phone",
            ],
            "jane",
            [
                "first_name",
                "last_name",
                "email",
                "phone",
                "phone",
                "date_of_birth",
                "address",
                "emergency_contact",
                "emergency_contact",
            ],
        ),
        (["Name", "DOB", "E-mail", "Tel"], "generic", ["full_name", "date_of_birth", "email", ""]),
        (["Surname", "Surname"], "generic", ["last_name", ""]),  # a single field is not given twice
    ],
)
def test_presets_match_the_columns_of_common_exports(header, preset, mapping):
    assert guess_preset(header) == preset
    assert guess_mapping(header, preset) == mapping


def test_a_mapping_needs_names_and_one_column_per_single_field():
    assert mapping_problems(["first_name", "last_name"]) == []
    assert mapping_problems(["full_name", "phone", "phone"]) == []
    assert "first and last names" in mapping_problems(["first_name", "email"])[0]
    assert "Email is chosen for 2 columns" in mapping_problems(["full_name", "email", "email"])[0]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("1980-12-31", "mdy", date(1980, 12, 31)),
        ("1980-12-31 00:00:00", "dmy", date(1980, 12, 31)),
        ("31/12/1980", "dmy", date(1980, 12, 31)),
        ("12/31/1980", "mdy", date(1980, 12, 31)),
        ("3.4.1990", "dmy", date(1990, 4, 3)),
        ("3-4-1990", "mdy", date(1990, 3, 4)),
        ("31/12/1980", "mdy", ValueError),
        ("1980-02-30", "dmy", ValueError),
        ("last spring", "dmy", ValueError),
        ("12/31/80", "mdy", ValueError),  # two-digit years are ambiguous
    ],
)
def test_birth_dates(text, order, expected):
    if expected is ValueError:
        with pytest.raises(ValueError):
            parse_date(text, order)
    else:
        assert parse_date(text, order) == expected


MAPPING = ["first_name", "last_name", "date_of_birth", "phone", "email", "notes"]


@pytest.mark.parametrize(
    ("cells", "errors"),
    [
        (["Anna", "Smith", "1980-01-02", "+44 7700 900123", "Anna@Example.test", "- prefers mornings"], 1),
        (["Anna", "Smith", "", "", "", "-"], 0),  # a lone dash means nothing
        (['=HYPERLINK("http://x")', "Smith", "", "", "", ""], 2),  # formula refused, so no first name
        (["Anna", "@SUM(A1)", "", "", "", ""], 2),
        (["Anna", "Smith", "", "+44 7700", "", "+cmd"], 1),
        (["Anna", "Smith", "", "=1+1", "", ""], 1),
        (["Anna", "Smith", "2030-01-01", "", "", ""], 1),  # born in the future
        (["Anna", "Smith", "1850-01-01", "", "", ""], 1),
        (["Anna", "Smith", "", "call me", "", ""], 1),
        (["Anna", "Smith", "", "", "anna at example", ""], 1),
        (["Anna", "S" * 81, "", "", "", ""], 1),
        (["", "", "", "", "", ""], 2),
    ],
)
def test_rows_are_checked_like_the_client_form(cells, errors):
    row = build_row(2, cells, MAPPING, "dmy", TODAY)
    assert len(row.errors) == errors, row.errors


def test_a_good_row_becomes_client_details():
    row = build_row(
        2, ["Anna", "Smith", "02/01/1980", "07700 900123", "Anna@Example.TEST", "x"], MAPPING, "dmy", TODAY
    )
    assert row.errors == []
    assert row.data == {
        "first_name": "Anna",
        "last_name": "Smith",
        "date_of_birth": date(1980, 1, 2),
        "phone": "07700 900123",
        "email": "anna@example.test",
        "notes": "x",
    }


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Anna Smith", "Anna", "Smith"),
        ("Smith, Anna", "Anna", "Smith"),
        ("Anna Maria de Vries", "Anna Maria de", "Vries"),
    ],
)
def test_a_full_name_column_is_split(full, first, last):
    row = build_row(2, [full], ["full_name"], "dmy", TODAY)
    assert (row.data["first_name"], row.data["last_name"]) == (first, last)


def test_joined_columns_and_the_first_phone_filled_in():
    mapping = ["first_name", "last_name", "phone", "phone", "address", "address", "address"]
    row = build_row(2, ["A", "B", "", "0123 45678", "1 High St", "", "Leeds"], mapping, "dmy", TODAY)
    assert row.data["phone"] == "0123 45678"
    assert row.data["address"] == "1 High St, Leeds"


def test_duplicates_against_clients_on_file_and_within_the_file():
    born = date(1980, 1, 2)
    rows = [
        build_row(n, cells, MAPPING, "dmy", TODAY)
        for n, cells in enumerate(
            [
                ["Anna", "Smith", "1980-01-02", "", "", ""],  # 2: Anna Smith on file (name + birth)
                ["Ben", "Jones", "", "", "BEN@example.test", ""],  # 3: same email as a client on file
                ["Cara", "Lee", "1990-05-05", "", "cara@example.test", ""],  # 4: new
                ["cara", "LEE", "1990-05-05", "", "", ""],  # 5: row 4 again (name + birth)
                ["Dan", "Wu", "", "", "cara@example.test", ""],  # 6: row 4's email
                ["Anna", "Smith", "", "", "", ""],  # 7: no birth date, no email: not a duplicate
                ["Cara", "Lee", "1990-05-05", "", "", "=x"],  # 8: an error row is nobody's duplicate
            ],
            start=2,
        )
    ]
    existing = [Existing(10, "anna smith", born, ""), Existing(11, "ben jones", None, "ben@example.test")]
    found = find_duplicates(rows, existing)
    assert {n: (d.client_id, d.earlier_row, d.reason) for n, d in found.items()} == {
        2: (10, None, "name and date of birth"),
        3: (11, None, "email"),
        5: (None, 4, "name and date of birth"),
        6: (None, 4, "email"),
    }


@pytest.mark.parametrize(
    ("chosen", "rest", "expected"),
    [
        ({}, "skip", {"2": "skip", "3": "skip"}),
        ({}, "update", {"2": "update", "3": "skip"}),  # row 3 matches a row, not a client on file
        ({"row2": "import", "row3": "import"}, "skip", {"2": "import", "3": "import"}),
        ({"row2": "delete", "row3": "update"}, "nonsense", {"2": "skip", "3": "skip"}),
    ],
)
def test_decisions_for_every_duplicate(chosen, rest, expected):
    duplicates = {2: Duplicate(2, 10, None, "email"), 3: Duplicate(3, None, 2, "email")}
    assert decisions_for(duplicates, chosen, rest) == expected
