"""The default table the product carries (docs/clinical-reference.md 2.2) and the table the code screens
with (clinic.rules.policy.TABLE) say the same thing: for every condition and column, the same categories
of finding. A change to one without the other fails here, so the page a therapist reads stays true."""

import re
from pathlib import Path

from clinic.rules.policy import CATEGORIES, TABLE

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "clinical-reference.md"
COLUMNS = ("D", "G", "L", "N", "H", "S")
NOT_IN_THE_TABLE = {"endangerment_site"}  # every client's; section 1 of the reference, not a row of 2.2


def reference_rows() -> dict[str, tuple[frozenset[str], ...]]:
    text = REFERENCE.read_text(encoding="utf-8")
    table = text[text.index("### 2.2 Default table") : text.index("### 2.3")]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 7 or cells[0] in ("condition", "---"):
            continue
        condition = cells[0].split()[0]
        rows[condition] = tuple(
            frozenset(word for word in CATEGORIES if re.search(rf"\b{word}\b", cell)) for cell in cells[1:]
        )
    return rows


def code_rows() -> dict[str, tuple[frozenset[str], ...]]:
    return {
        condition: tuple(frozenset(part.category for part in cell) for cell in cells)
        for condition, *cells in TABLE
        if condition not in NOT_IN_THE_TABLE
    }


def test_the_reference_table_is_the_table_the_code_screens_with():
    reference, code = reference_rows(), code_rows()
    assert len(reference) >= 30
    assert set(reference) == set(code), set(reference) ^ set(code)
    differences = [
        (condition, column, sorted(reference[condition][n]), sorted(code[condition][n]))
        for condition in sorted(code)
        for n, column in enumerate(COLUMNS)
        if reference[condition][n] != code[condition][n]
    ]
    assert not differences, differences
