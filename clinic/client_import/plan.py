"""What an import would do: every row read with the chosen mapping, its errors, its duplicates."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Client, ClientImport
from ..rules.client_import import Duplicate, Existing, Row, build_row, find_duplicates
from ..rules.import_files import read_rows

PREVIEW_ROWS = 10  # rows shown as they will be imported
LISTED = 200  # error rows and duplicate rows listed on the preview (the rest are counted)


@dataclass
class Plan:
    header: list[str]
    rows: list[Row]
    duplicates: dict[int, Duplicate]

    @property
    def errors(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def importable(self) -> int:
        return sum(1 for row in self.rows if not row.errors and row.number not in self.duplicates)


def existing_clients(clinic_id: int) -> list[Existing]:
    """The clinic's clients, the columns duplicates are judged by (archived ones too: a returning
    client is the same person)."""
    rows = db.session.execute(
        select(Client.id, Client.name_key, Client.date_of_birth, Client.email).where(
            Client.clinic_id == clinic_id
        )
    )
    return [Existing(*row) for row in rows]


def header_of(job: ClientImport) -> list[str]:
    return read_rows(job.csv_text)[0]


def make_plan(job: ClientImport, today: date) -> Plan:
    header, cells = read_rows(job.csv_text)
    # Line numbers as a spreadsheet shows them: the header is line 1.
    rows = [build_row(n, row, job.mapping, job.date_order, today) for n, row in enumerate(cells, start=2)]
    return Plan(header, rows, find_duplicates(rows, existing_clients(job.clinic_id)))


def sample_values(job: ClientImport, limit: int = 3) -> list[list[str]]:
    """The first few values of each column, for the mapping page."""
    header, cells = read_rows(job.csv_text)
    return [[row[i] for row in cells[:limit] if row[i].strip()][:limit] for i in range(len(header))]
