"""Reading an uploaded client list: refuse what is not a text table, find its encoding, split the CSV.

Pure (standard library only): the bytes in, text and rows or a FileProblem with the message the owner
sees. Nothing here knows about clients; client_import.py maps and checks the rows.
"""

import csv
import io
from dataclasses import dataclass

# Magic numbers of files people upload by mistake instead of a CSV, with what to do instead.
KNOWN_BINARIES = (
    (
        b"PK\x03\x04",
        "This is an Excel or zip file. In the spreadsheet, use File > Save as > CSV, then upload that.",
    ),
    (b"\xd0\xcf\x11\xe0", "This is an old Excel (.xls) file. Save it as CSV, then upload that."),
    (b"%PDF", "This is a PDF. Export the client list as CSV from the other program instead."),
    (b"\x89PNG", "This is a picture, not a client list. Upload the CSV file."),
    (b"\xff\xd8\xff", "This is a picture, not a client list. Upload the CSV file."),
    (b"GIF8", "This is a picture, not a client list. Upload the CSV file."),
    (b"\x1f\x8b", "This is a compressed (gzip) file. Unpack it and upload the CSV inside."),
)
NOT_TEXT = "This file is not a text (CSV) file. Export the client list as CSV and upload that."
EMPTY = "The file is empty."
NO_ROWS = "The file has a header row but no clients under it."
CP1252_NOTE = (
    "The file is not UTF-8, so it was read as Windows-1252 (Western European). Check the accented names "
    "in the preview; if they look wrong, save the file as \u201cCSV UTF-8\u201d and upload it again."
)
MAX_COLUMNS = 200


@dataclass(frozen=True)
class FileProblem(Exception):
    """The file cannot be read as a client list; `message` says why, for the owner."""

    message: str


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-8-sig, utf-16, cp1252
    note: str = ""  # shown with the preview (a guessed encoding)


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte of mostly-ASCII text is NUL, else None."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    """Control characters other than tab, CR and LF in the first 64 KiB: not a table a person wrote."""
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return "\x00" in sample or controls > max(8, len(sample) // 1000)


def decode(data: bytes) -> Decoded:
    """The text of an uploaded file: UTF-8 (with or without BOM), UTF-16 (BOM, or none for ASCII-ish
    text), else Windows-1252 with a note. Binary files raise FileProblem."""
    if not data.strip():
        raise FileProblem(EMPTY)
    for magic, message in KNOWN_BINARIES:
        if data.startswith(magic):
            raise FileProblem(message)
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "utf-8-sig")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "utf-16")]
    elif (guess := _utf16_without_bom(data[:4096])) is not None:
        candidates = [(guess, "utf-16")]
    else:
        candidates = [("utf-8", "utf-8"), ("cp1252", "cp1252")]
    for codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise FileProblem(NOT_TEXT)
        return Decoded(text, name, CP1252_NOTE if name == "cp1252" else "")
    # UTF-16 with an odd length, or bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
    raise FileProblem(NOT_TEXT)


def read_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows (blank lines dropped; short rows padded, so every row has a cell
    per header). The delimiter is sniffed among , ; and tab (European spreadsheets save with ;). A cell
    longer than the csv module's limit (131,072 characters) makes the file unreadable."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:
        raise FileProblem(
            "The file is not a readable CSV table (a cell is too long or a quote is never closed)."
        ) from None
    if not rows:
        raise FileProblem(EMPTY)
    header = [cell.strip() for cell in rows[0]]
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"The file has {len(header)} columns; a client list has at most {MAX_COLUMNS}.")
    if len(rows) == 1:
        raise FileProblem(NO_ROWS)
    width = len(header)
    body = [(row + [""] * width)[:width] if len(row) != width else row for row in rows[1:]]
    return header, body
